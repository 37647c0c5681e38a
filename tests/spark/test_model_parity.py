"""Graph features and model scoring on Spark give DuckDB's values (decision 0141).

The same scenario in both engines (``pair``); the features are compared bit for bit (float32,
NaN equal to NaN), the scores exactly, the model alerts row for row with their explanations.
The figures are printed for docs/scale.md (``pytest tests/spark -s``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from moneytrail.errors import UsageError
from tests.spark.conftest import Pair

MODEL = "parite"
_ALERTS = (
    "SELECT id, detector, detector_version, typology, subject_id, window_start, window_end,"
    " score, amount_reporting, transaction_ids, status, CAST(explanation AS VARCHAR)"
    " FROM alerts WHERE detector_kind = 'model' ORDER BY id"
)


def _matrix(folder: Path) -> pa.Table:
    return pq.read_table(folder).sort_by("id")


@pytest.fixture(scope="module")
def matrices(pair: Pair, tmp_path_factory: pytest.TempPathFactory) -> tuple[pa.Table, pa.Table]:
    out = tmp_path_factory.mktemp("features")
    duck = pair.duck.model.features(out / "duck")
    spark = pair.spark.model.features(out / "spark")
    assert (duck.rows, duck.features) == (spark.rows, spark.features)
    return _matrix(out / "duck"), _matrix(out / "spark")


def test_the_feature_matrix_is_bit_identical(matrices: tuple[pa.Table, pa.Table]) -> None:
    duck, spark = matrices
    assert duck.column_names == spark.column_names
    assert duck["id"].equals(spark["id"])
    assert duck.num_rows > 3_000
    differing = {}
    for name in duck.column_names[1:]:
        a, b = duck[name].to_numpy(), spark[name].to_numpy()
        assert a.dtype == b.dtype == np.float32
        same = (a.view(np.uint32) == b.view(np.uint32)) | (np.isnan(a) & np.isnan(b))
        if not same.all():
            differing[name] = int((~same).sum())
    cells = duck.num_rows * (duck.num_columns - 1)
    print(f"\nfeatures: {duck.num_rows} rows x {duck.num_columns - 1} columns = {cells} values")
    assert differing == {}
    # not a matrix of zeros: the graph features did run
    assert float(np.abs(duck["fan_in_dst"].to_numpy()).sum()) > 0


@pytest.fixture(scope="module")
def scored(pair: Pair) -> tuple[Any, Any]:
    pair.duck.model.train(MODEL, threads=1)
    target = pair.spark.path / "models"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(pair.duck.path / "models", target)
    return pair.duck.model.score(MODEL), pair.spark.model.score(MODEL)


def test_scoring_stores_the_same_model_alerts(pair: Pair, scored: tuple[Any, Any]) -> None:
    duck, spark = scored
    assert (spark.transactions, spark.flagged, spark.stored, spark.inserted) == (
        duck.transactions,
        duck.flagged,
        duck.stored,
        duck.inserted,
    )
    assert duck.inserted > 0
    rows = [pair.duck.engine.fetchall(_ALERTS), pair.spark.engine.fetchall(_ALERTS)]
    for table in rows:
        for k, row in enumerate(table):
            table[k] = (*row[:-1], json.loads(row[-1]))
    print(f"\nmodel alerts: {len(rows[0])} compared")
    assert rows[0] == rows[1]
    assert any(r[-1]["memory"] for r in rows[0] if "memory" in r[-1])


def test_every_score_is_the_same(pair: Pair, scored: tuple[Any, Any]) -> None:
    from moneytrail.api.spark_features import scores_on_spark
    from moneytrail.detect.model.alerts import score_rows
    from moneytrail.detect.model.store import load_model

    del scored
    boosters, card = load_model(pair.duck.path, MODEL)
    duck = score_rows(pair.duck.engine, card, boosters)
    expected = dict(zip(duck.ids.to_pylist(), duck.scored.scores.tolist(), strict=True))
    frame = scores_on_spark(pair.spark.engine, card, boosters)
    got = {row["id"]: row["score"] for row in frame.select("id", "score").collect()}
    print(f"\nscores: {len(got)} compared")
    assert got == expected


def test_scoring_again_adds_nothing(pair: Pair, scored: tuple[Any, Any]) -> None:
    del scored
    again = pair.spark.model.score(MODEL)
    assert again.inserted == 0
    assert again.stored > 0


def test_training_on_spark_says_where_to_train(pair: Pair) -> None:
    with pytest.raises(UsageError) as caught:
        pair.spark.model.train("ailleurs")
    assert "models/" in caught.value.render("en")
    assert "DuckDB" in caught.value.render("fr")


def test_the_cli_writes_the_feature_matrix_of_a_spark_workspace(
    cli: Any, pair: Pair, tmp_path: Path
) -> None:
    result = cli("model", "features", "-w", str(pair.spark.path), "--out", str(tmp_path / "f"))
    assert result.code == 0, result.err
    assert pq.read_table(tmp_path / "f").num_rows == pair.spark.info().counts["transactions"]
    again = cli("model", "features", "-w", str(pair.spark.path), "--out", str(tmp_path / "f"))
    assert again.code == 2
