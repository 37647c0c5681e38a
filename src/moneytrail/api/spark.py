"""A workspace on Spark: create it, ingest into it, run the typology rules on it, and more.

``Workspace.init(path, engine="spark")`` (``moneytrail init --engine spark``) calls
:func:`init_spark_workspace`; ``Workspace.open`` sees the folder's engine marker and opens a
:class:`~moneytrail.engine.spark_engine.SparkEngine`. What runs on Spark in this first part
(decision 0135, docs/scale.md):

* ``ws.ingest``: the same pipeline, staged by DuckDB on the driver
  (:mod:`moneytrail.engine.spark_staging`), changed tables written back as Parquet;
* ``ws.info()``: its SQL transpiled, run by Spark;
* ``ws.rules.run()``: each rule's SQL (the same YAML) transpiled and run by Spark's executors,
  its hits merged into the ``alerts`` table, written by the executors
  (:func:`run_rules_on_spark`).

Part 2 (decisions 0140, 0141): a seeded trace (:mod:`.spark_trace`), the feature matrix and
model scoring (:mod:`.spark_features`, per bucket of whole components, :mod:`.spark_components`)
and the network (its graph's SQL on Spark, metrics on the driver) run too. Anything else
(screening, resolution, cases, alerts review, export, training) refuses a Spark workspace with
a usage error naming it (:func:`refuse_on_spark`).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.api.rules import RuleProgress, RulesPart, RulesQuality, RulesRun, chosen_rules
from moneytrail.detect.rules.runner import hit_order
from moneytrail.engine import spark_store
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.detect.rules import Rule
    from moneytrail.engine.base import Engine
    from moneytrail.engine.spark_engine import SparkEngine
    from moneytrail.ingest.base import IngestOptions
    from moneytrail.ingest.pipeline import FileOutcome, ProgressFactory

SPARK = "spark"


def init_spark_workspace(folder: Path, master: str | None = None) -> None:
    """Create the Spark workspace in the empty (or new) ``folder``: every table of a freshly
    migrated DuckDB workspace (same columns, same seeded rows), as Parquet, and the marker."""
    from moneytrail.engine import DuckDBEngine, spark_staging
    from moneytrail.engine.schema import code_schema_version, migrate
    from moneytrail.engine.spark_session import CONF_FILE, check_spark_available

    check_spark_available()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=folder) as tmp:
        duck = DuckDBEngine(Path(tmp) / "init.duckdb")
        try:
            migrate(duck)
            with spark_store.table_writes(folder) as writes:
                spark_staging.save_tables(duck, _workspace_tables(), writes)
        finally:
            duck.close()
    if master:
        (folder / CONF_FILE).write_text(f"spark.master {master}\n", "utf-8")
    spark_store.write_marker(folder, {"kind": SPARK, "schema_version": code_schema_version()})


def _workspace_tables() -> list[str]:
    from moneytrail.model.tables import WORKSPACE

    return list(WORKSPACE)


def spark_schema_version(folder: Path) -> int:
    """The schema version recorded in the Spark workspace's marker."""
    marker = spark_store.read_marker(folder) or {}
    return int(marker.get("schema_version", 0))


def check_spark_schema(folder: Path) -> None:
    """Refuse a Spark workspace made by another schema version (no migrations on Spark yet)."""
    from moneytrail.engine.schema import code_schema_version

    have, code = spark_schema_version(folder), code_schema_version()
    if have > code:
        raise UsageError("error.workspace_too_new", have=have, supported=code)
    if have < code:
        raise UsageError("error.spark_schema_old", have=have, supported=code)


def refuse_on_spark(engine: Engine, what: str) -> None:
    """A usage error when ``engine`` is Spark and ``what`` does not run there yet."""
    if engine.dialect.name == SPARK:
        raise UsageError("error.spark_not_yet", what=what)


# -- ingest ---------------------------------------------------------------------------------
def ingest_on_spark(
    engine: SparkEngine,
    paths: Sequence[Path],
    options: IngestOptions,
    reporting_currency: str,
    progress: ProgressFactory | None = None,
) -> list[FileOutcome]:
    """Load ``paths`` into the Spark workspace: the DuckDB pipeline on a copy of its tables,
    then each changed table written back, all swapped in together (see the module doc)."""
    from moneytrail.engine import DuckDBEngine, spark_staging
    from moneytrail.engine.schema import migrate
    from moneytrail.ingest.pipeline import ingest_files

    folder = engine.folder
    names = [n for n in _workspace_tables() if n in engine.tables()]
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=folder) as tmp:
        duck = DuckDBEngine(Path(tmp) / "staging.duckdb")
        try:
            migrate(duck)
            spark_staging.load_tables(folder, duck, names)
            before = {n: spark_staging.fingerprint(duck, n) for n in names}
            outcomes = ingest_files(duck, list(paths), options, reporting_currency, progress)
            changed = [n for n in names if spark_staging.fingerprint(duck, n) != before[n]]
            with engine.transaction():
                spark_staging.save_tables(duck, changed, engine.pending_writes())
        finally:
            duck.close()
    return outcomes


# -- rules ------------------------------------------------------------------------------------
# One rule's hits, as the DuckDB runner computes them (moneytrail.detect.rules.runner), in
# canonical SQL that transpiles to Spark: the same natural key, clamps and casts. One hit per
# alert id (its parts other than the rule's constants: subject and window); ties of score are
# broken by the evidence itself (a total order). No QUALIFY: sqlglot's rewrite of it repeats
# the id expression, and with it its bound parameters.
_KEY_PARTS = ["CAST(? AS VARCHAR)"] * 3 + ["h.subject_id", "h.window_start", "h.window_end"]
_HITS = (
    "SELECT {key} AS id, ? AS detector, 'rule' AS detector_kind, ? AS detector_version,"  # noqa: S608 - fixed text, values bound
    " ? AS typology, ? AS subject_kind, h.subject_id,"
    " CAST(h.window_start AS TIMESTAMP) AS window_start,"
    " CAST(h.window_end AS TIMESTAMP) AS window_end,"
    " CAST(greatest(0, least(1, h.score)) AS DOUBLE) AS score,"
    " CAST(h.amount_reporting AS DECIMAL(38, 8)) AS amount_reporting,"
    " CAST(h.transaction_ids AS VARCHAR[]) AS transaction_ids,"
    " concat('{{\"rule\": ', ?, ', \"version\": ', ?, ', \"fired\": ', to_json(h.fired),"
    " ', \"parameters\": ', ?, '}}') AS explanation"
    " FROM (SELECT r.*, row_number() OVER (PARTITION BY r.subject_id, r.window_start,"
    f" r.window_end ORDER BY {hit_order('r')}) AS mt_rank"
    " FROM ({rule}) r WHERE r.subject_id IS NOT NULL) h WHERE h.mt_rank = 1"
)
_MERGED = (
    "SELECT h.id, h.detector, h.detector_kind, h.detector_version, h.typology, h.subject_kind,"
    " h.subject_id, h.window_start, h.window_end, h.score, h.amount_reporting,"
    " h.transaction_ids, h.explanation, coalesce(a.status, 'to_review') AS status,"
    " a.analyst_note, a.decided_by, a.decided_at, coalesce(a.created_at, ?) AS created_at"
    " FROM mt_rule_hits h LEFT JOIN alerts a ON a.id = h.id"
    " UNION ALL SELECT a.* FROM alerts a"
    " WHERE NOT EXISTS (SELECT 1 FROM mt_rule_hits h WHERE h.id = a.id)"
)


def run_rules_on_spark(
    engine: SparkEngine,
    rules: Sequence[Rule],
    overrides: Mapping[str, Mapping[str, Any]],
    progress: RuleProgress | None = None,
) -> tuple[list[Any], float]:
    """Run ``rules`` on Spark and merge their hits into ``alerts`` (new: ``to_review``; known:
    evidence refreshed, review kept); per-rule outcomes and the seconds spent.

    Differences from the DuckDB runner, named: no ``job_runs`` record; a refreshed alert's
    explanation is replaced (the DuckDB runner keeps a ``history`` key in it, written by
    decisions, which do not run on Spark yet).
    """
    from moneytrail.model.ids import natural_key_sql

    key = natural_key_sql("alert", _KEY_PARTS)
    outcomes = []
    began_all = time.perf_counter()
    known = {r[0] for r in engine.fetchall("SELECT id FROM alerts")}
    engine.drop_work_table("mt_rule_hits")
    try:
        for rule in rules:
            outcomes.append(_one_rule_on_spark(engine, rule, overrides, key, known, progress))
        if outcomes:
            now = datetime.now(UTC).replace(tzinfo=None)
            engine.write_table_from_query("alerts", _MERGED, [now])
    finally:
        engine.drop_work_table("mt_rule_hits")
    return outcomes, time.perf_counter() - began_all


def _one_rule_on_spark(
    engine: SparkEngine,
    rule: Rule,
    overrides: Mapping[str, Mapping[str, Any]],
    key: str,
    known: set[str],
    progress: RuleProgress | None,
) -> Any:
    """One rule's hits appended to the work table ``mt_rule_hits``; its outcome."""
    from moneytrail.detect.rules import RuleOutcome
    from moneytrail.detect.rules.library import compile_query, effective_parameters
    from moneytrail.detect.rules.runner import _plain
    from moneytrail.engine.errors import EngineError
    from moneytrail.errors import BadInputError, Problem

    began = time.perf_counter()
    report = progress(rule.id) if progress else None
    query, rule_args = compile_query(rule, overrides)
    values = _plain(effective_parameters(rule, overrides))
    version = str(rule.version)
    args: list[Any] = [rule.id, version, rule.subject, rule.id, version, rule.typology]
    args += [rule.subject, json.dumps(rule.id), str(rule.version)]
    args += [json.dumps(values, ensure_ascii=False), *rule_args]  # in the SQL's order
    try:
        engine.stage_rows("mt_rule_hits", _HITS.format(key=key, rule=query), args)
    except EngineError as exc:  # the rule's own SQL failed on Spark: a user error
        problem = Problem(
            rule.source or rule.id,
            "detect_rule_failed",
            line=rule.query_line or None,
            field="query",
            params={"detail": exc.detail},
        )
        raise BadInputError("error.detect_rule_refused", [problem], file=rule.source) from exc
    ids = {
        r[0]
        for r in engine.fetchall(
            "SELECT id FROM mt_rule_hits WHERE detector = ? AND detector_version = ?",
            [rule.id, version],
        )
    }
    if report:
        report(100, 100)
    return RuleOutcome(
        rule=rule.id,
        version=rule.version,
        typology=rule.typology,
        hits=len(ids),
        alerts_new=len(ids - known),
        seconds=round(time.perf_counter() - began, 3),
        parameters=values,
    )


def unportable_rules(rules: Iterable[Rule] | None = None) -> dict[str, str]:
    """Rules (all shipped ones by default) whose SQL has no faithful Spark form, with why
    (a correlated scalar subquery, for one: see moneytrail.engine.spark_dialect; no shipped
    rule since ``scatter_gather`` sums with joins, decision 0143).
    ``detect run`` on Spark refuses them by name; ``--only`` runs the others."""
    from moneytrail.detect.rules import load_library
    from moneytrail.detect.rules.library import compile_query
    from moneytrail.engine.spark_dialect import SPARK as SPARK_SQL
    from moneytrail.engine.spark_dialect import UnportableSqlError

    out = {}
    for rule in rules if rules is not None else load_library().values():
        try:
            SPARK_SQL.prepare(compile_query(rule, {})[0])
        except (UnportableSqlError, ValueError) as exc:
            out[rule.id] = str(exc)
    return out


class SparkRulesPart(RulesPart):
    """``ws.rules`` of a Spark workspace: the same catalogue, runs on Spark."""

    def run(
        self,
        rule_ids: Sequence[str | Rule] = (),
        params: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
        folders: Iterable[Path | str] = (),
        progress: RuleProgress | None = None,
    ) -> RulesRun:
        rules, overrides = chosen_rules(rule_ids, params, folders)
        engine: SparkEngine = self._ws.engine  # type: ignore[assignment]
        outcomes, seconds = run_rules_on_spark(engine, rules, overrides, progress)
        return RulesRun(
            rules=outcomes,
            hits=sum(o.hits for o in outcomes),
            alerts_new=sum(o.alerts_new for o in outcomes),
            seconds=round(seconds, 3),
            job_run_id="",
            interrupted_runs=[],
        )

    def quality(self) -> RulesQuality:
        refuse_on_spark(self._ws.engine, "detect quality")
        return super().quality()  # pragma: no cover - refused above
