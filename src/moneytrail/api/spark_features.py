"""Graph features and model scoring on Spark: the same code as DuckDB, on buckets of components.

Why this way: the features are sequential, per-account kernels over time-ordered edges
(:mod:`moneytrail.detect.features`, compiled with numba) and the model is LightGBM; rewriting
them in Spark SQL would be a second implementation that drifts. Instead the transactions are
split into buckets of whole weakly connected components (:mod:`.spark_components`), and each
bucket runs the **unchanged** single-machine path in a Spark task (``cogroup ...
applyInArrow``): an in-memory DuckDB holding the bucket's transactions, accounts and known
positives, then :func:`~moneytrail.detect.model.evaluate.feature_matrix` or
:func:`~moneytrail.detect.model.alerts.score_rows`. A feature of a transaction reads only its
component, so every value equals DuckDB's on the whole workspace, bit for bit (the parity
suite checks it; the accounts' dense numbering differs per bucket, and no value depends on it).

What stays on the driver: the alerts (at most ``MAX_ALERTS`` per bucket come back, the highest
``MAX_ALERTS`` overall are kept, ties in event order as in DuckDB) and their merge into
``alerts`` (only new ids, as DuckDB). Named differences: no ``job_runs`` record on Spark; the
model is trained on a DuckDB workspace (or a sample) and its folder ``models/<name>`` copied
into the Spark workspace; executors need moneytrail installed (same version) to run the tasks.

Example::

    frame = features_on_spark(engine, FeatureConfig())   # DataFrame: id, raw_*, features
    frame.write.parquet("features/")
    outcome = score_on_spark(engine, ws.path, "fiu-2026")
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.api.spark_components import (
    BUCKET,
    account_components,
    bucket_count,
    bucketed_transactions,
)

if TYPE_CHECKING:
    import lightgbm as lgb
    import pyarrow as pa

    from moneytrail.detect.features import FeatureConfig
    from moneytrail.detect.model.alerts import ScoreOutcome
    from moneytrail.detect.model.store import ModelCard
    from moneytrail.engine.base import Engine
    from moneytrail.engine.spark_engine import SparkEngine

# What the single-machine SQL of features, attributes and memory reads of a transaction.
TX_COLUMNS = (
    "id",
    "ts",
    "source_id",
    "source_row",
    "amount",
    "amount_reporting",
    "channel",
    "src_country",
    "dst_country",
)
_KEPT = "mt_model_kept"
_KNOWN_BUCKET = "mt_known_bucket"


# -- one bucket, on an executor ------------------------------------------------------------------
def bucket_engine(tx: pa.Table, known: pa.Table) -> Engine:
    """An in-memory DuckDB holding a bucket: its transactions, their accounts (dense rowids),
    its transaction labels and confirmed alerts (``known``: ``tx_id``, ``alert_id``; a NULL
    alert id is a label). Only the columns the feature, attribute and memory SQL read."""
    from moneytrail.engine import DuckDBEngine

    duck = DuckDBEngine(None, threads=1)
    duck.create_table_from_arrow("transactions", tx)
    duck.create_table_from_arrow("mt_known", known)
    duck.execute(
        "CREATE TABLE accounts AS SELECT id FROM (SELECT src_account_id AS id FROM transactions"
        " UNION SELECT dst_account_id FROM transactions) WHERE id IS NOT NULL ORDER BY id"
    )
    duck.execute(
        "CREATE TABLE labels AS SELECT 'transaction' AS subject_kind, tx_id AS subject_id,"
        " CAST(NULL AS VARCHAR) AS typology FROM mt_known WHERE alert_id IS NULL"
    )
    duck.execute(
        "CREATE TABLE alerts AS SELECT alert_id AS id, 'confirmed' AS status,"
        " [tx_id] AS transaction_ids FROM mt_known WHERE alert_id IS NOT NULL"
    )
    return duck


def _features_task(config: FeatureConfig) -> Callable[[pa.Table, pa.Table], pa.Table]:
    def task(tx: pa.Table, known: pa.Table) -> pa.Table:
        import pyarrow as pa

        from moneytrail.detect.model.evaluate import feature_matrix

        duck = bucket_engine(tx, known)
        try:
            rows = feature_matrix(duck, config)
        finally:
            duck.close()
        columns = {"id": rows.ids.cast(pa.string())}
        for j, name in enumerate(rows.names):
            columns[name] = pa.array(rows.values[:, j], pa.float32())
        return pa.table(columns)

    return task


def _scores_task(card: ModelCard, texts: list[str]) -> Callable[[pa.Table, pa.Table], pa.Table]:
    def task(tx: pa.Table, known: pa.Table) -> pa.Table:
        import lightgbm as lgb
        import pyarrow as pa

        from moneytrail.detect.model.alerts import kept_alerts, score_rows

        boosters = [lgb.Booster(model_str=text) for text in texts]
        duck = bucket_engine(tx, known)
        try:
            rows = score_rows(duck, card, boosters)
        finally:
            duck.close()
        scored = rows.scored
        _, kept = kept_alerts(
            card, boosters[-1], rows.ids, scored.x, scored.scores, rows.first, rows.known
        )
        said = kept["explanation"].to_pylist()
        texts_by_id = dict(zip(kept["tx_id"].to_pylist(), said, strict=True))
        ids = rows.ids.cast(pa.string())
        explanation = pa.array([texts_by_id.get(i) for i in ids.to_pylist()], pa.string())
        return pa.table({"id": ids, "score": pa.array(scored.scores, pa.float64()),
                         "explanation": explanation})  # fmt: skip

    return task


# -- the Spark job ---------------------------------------------------------------------------
def _run_buckets(
    engine: SparkEngine, task: Callable[[pa.Table, pa.Table], pa.Table], schema: str
) -> Any:
    """The DataFrame of ``task`` run on every bucket of whole components."""
    from pyspark.sql import functions as f

    rows = int(engine.fetchall("SELECT count(*) FROM transactions")[0][0])
    spark = engine.session
    parallelism = int(spark.sparkContext.defaultParallelism)
    labels, _ = account_components(engine)
    tx = bucketed_transactions(
        engine, labels, bucket_count(rows, parallelism), [*TX_COLUMNS]
    ).localCheckpoint()
    buckets = tx.select(f.col("id").alias("tx_id"), BUCKET)
    labelled = engine.dataframe(
        "SELECT DISTINCT subject_id AS tx_id, CAST(NULL AS VARCHAR) AS alert_id FROM labels"
        " WHERE subject_kind = 'transaction'"
    )
    confirmed = engine.dataframe(
        "SELECT id, transaction_ids FROM alerts WHERE status = 'confirmed'"
    ).select(f.explode("transaction_ids").alias("tx_id"), f.col("id").alias("alert_id"))
    # The bucket under a new name: grouping both sides by columns of one lineage is ambiguous.
    known = (
        labelled.unionByName(confirmed)
        .join(buckets, "tx_id")
        .select("tx_id", "alert_id", f.col(BUCKET).alias(_KNOWN_BUCKET))
    )
    data = tx.drop("mt_component")
    grouped = data.groupBy(BUCKET).cogroup(known.groupBy(_KNOWN_BUCKET))

    def run(left: pa.Table, right: pa.Table) -> pa.Table:
        return task(left.drop_columns([BUCKET]), right.drop_columns([_KNOWN_BUCKET]))

    return grouped.applyInArrow(run, schema)


def features_on_spark(engine: SparkEngine, config: FeatureConfig) -> Any:
    """Raw attributes and graph features of every transaction, as a DataFrame (``id`` then
    one ``float`` column per feature, named as in DuckDB's
    :func:`~moneytrail.detect.model.evaluate.feature_matrix`), computed by the executors."""
    from moneytrail.detect.features import feature_names
    from moneytrail.detect.model.data import RAW_ATTRIBUTES

    names = [*RAW_ATTRIBUTES, *feature_names(config)]
    schema = ", ".join(["id string", *(f"`{n}` float" for n in names)])
    return _run_buckets(engine, _features_task(config), schema)


def scores_on_spark(engine: SparkEngine, card: ModelCard, boosters: list[lgb.Booster]) -> Any:
    """Every transaction's score by the model, with the explanation of the bucket's highest
    ``MAX_ALERTS`` at or above the threshold (NULL for the others), as a DataFrame."""
    texts = [b.model_to_string() for b in boosters]
    schema = "id string, score double, explanation string"
    return _run_buckets(engine, _scores_task(card, texts), schema)


def score_on_spark(engine: SparkEngine, workspace: Path, name: str) -> ScoreOutcome:
    """``ws.model.score(name)`` on Spark: score every transaction, keep the highest
    ``MAX_ALERTS`` alerts (ties in event order) and merge the new ones into ``alerts``."""
    from pyspark.sql import functions as f

    from moneytrail.detect.model.alerts import MAX_ALERTS, ScoreOutcome
    from moneytrail.detect.model.store import load_model

    boosters, card = load_model(workspace, name)
    scores = scores_on_spark(engine, card, boosters).localCheckpoint()
    total = scores.count()
    flagged = scores.where(f.col("score") >= f.lit(card.threshold)).count()
    order = engine.dataframe("SELECT id, ts, source_id, source_row FROM transactions")
    kept = (
        scores.where(f.col("explanation").isNotNull())
        .join(order, "id")
        .orderBy(
            f.col("score").desc(),
            f.col("ts").asc_nulls_first(),
            f.col("source_id").asc_nulls_first(),
            f.col("source_row").asc_nulls_first(),
            f.col("id").asc(),
        )
        .limit(MAX_ALERTS)
        .select(f.col("id").alias("tx_id"), "score", "explanation")
        .localCheckpoint()
    )
    stored = kept.count()
    inserted = _merge_alerts(engine, card, kept) if stored else 0
    return ScoreOutcome(
        model=name,
        version=card.version,
        transactions=total,
        flagged=flagged,
        stored=stored,
        inserted=inserted,
        threshold=card.threshold,
    )


def _merge_alerts(engine: SparkEngine, card: ModelCard, kept: Any) -> int:
    """New alert ids of ``kept`` appended to ``alerts`` (known ones untouched, as DuckDB's
    ``store_alerts``); how many were new."""
    from moneytrail.detect.model.alerts import TYPOLOGY
    from moneytrail.model.ids import natural_key_sql

    parts = ["CAST(? AS VARCHAR)"] * 2 + ["'transaction'", "s.tx_id", "t.ts", "t.ts"]
    key = natural_key_sql("alert", parts)
    kept.createOrReplaceTempView(_KEPT)
    before = int(engine.fetchall("SELECT count(*) FROM alerts")[0][0])
    new = (
        f"SELECT {key} AS id, CAST(? AS VARCHAR) AS detector, 'model' AS detector_kind,"  # noqa: S608 - fixed names, values bound
        " CAST(? AS VARCHAR) AS detector_version, CAST(? AS VARCHAR) AS typology,"
        " 'transaction' AS subject_kind, s.tx_id AS subject_id, t.ts AS window_start,"
        " t.ts AS window_end, s.score, t.amount_reporting, [s.tx_id] AS transaction_ids,"
        " s.explanation, 'to_review' AS status, CAST(NULL AS VARCHAR) AS analyst_note,"
        " CAST(NULL AS VARCHAR) AS decided_by, CAST(NULL AS TIMESTAMP) AS decided_at,"
        f" CAST(? AS TIMESTAMP) AS created_at FROM {_KEPT} s JOIN transactions t ON t.id = s.tx_id"
    )
    merged = (
        "SELECT a.* FROM alerts a UNION ALL SELECT n.* FROM ("  # noqa: S608 - fixed names
        f"{new}) n WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.id = n.id)"
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    args = [card.name, card.version, card.name, card.version, TYPOLOGY, now]
    try:
        engine.write_table_from_query("alerts", merged, args)
    finally:
        engine.session.catalog.dropTempView(_KEPT)
    return int(engine.fetchall("SELECT count(*) FROM alerts")[0][0]) - before


def _spark_model_part() -> type:
    """``ws.model`` of a Spark workspace (made on first use: importing :mod:`.model` here at
    import time would load it for every Spark command)."""
    from moneytrail.api.model import FeaturesWritten, ModelPart, _empty_folder

    class SparkModelPart(ModelPart):
        """Scoring and the feature matrix run on Spark; training is refused with how to do
        it (on DuckDB, then copy ``models/<name>``)."""

        def _engine(self) -> SparkEngine:
            return self._ws.engine  # type: ignore[return-value]

        def score(self, name: str) -> ScoreOutcome:
            return score_on_spark(self._engine(), self._ws.path, name)

        def features(self, out: Path | str, model: str | None = None) -> FeaturesWritten:
            from moneytrail.detect.features import FeatureConfig

            folder = _empty_folder(out)
            folder.rmdir()  # Spark writes the folder itself
            config = self._config(model) if model else FeatureConfig()
            frame = features_on_spark(self._engine(), config).localCheckpoint()
            frame.write.parquet(str(folder))
            return FeaturesWritten(str(folder), frame.count(), len(frame.columns) - 1)

        def evaluate(self, **_: Any) -> Any:
            from moneytrail.errors import UsageError

            raise UsageError("error.spark_train_elsewhere")

        def train(self, name: str, **_: Any) -> Any:
            del name
            from moneytrail.errors import UsageError

            raise UsageError("error.spark_train_elsewhere")

    return SparkModelPart
