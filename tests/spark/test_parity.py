"""DuckDB and Spark give the same workspace, the same ``info`` and the same rule hits.

Each comparison is row for row on a total key, and prints its figures (rows compared,
differences found), collected in docs/scale.md.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from moneytrail.model.tables import CANONICAL, TRANSACTIONS
from tests.spark.conftest import Pair


def _rows(ws: Any, table: str, order: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in ws.engine.fetchall(f"SELECT * FROM {table} ORDER BY {order}")]


def _differences(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> int:
    longest = max(len(a), len(b))
    return sum(1 for i in range(longest) if i >= len(a) or i >= len(b) or a[i] != b[i])


@pytest.mark.parametrize("table", sorted(CANONICAL))
def test_every_canonical_table_is_the_same_row_for_row(pair: Pair, table: str) -> None:
    order = ", ".join(CANONICAL[table].names)  # every column: a total order
    if table == "sources":
        order = "id"  # ingested_at differs between the two loads, by construction
    duck, spark = _rows(pair.duck, table, order), _rows(pair.spark, table, order)
    if table == "sources":
        duck = [r[:6] + r[7:] for r in duck]  # without ingested_at
        spark = [r[:6] + r[7:] for r in spark]
    if table == "quarantine":
        duck = [r[:-1] for r in duck]  # without recorded_at
        spark = [r[:-1] for r in spark]
    diff = _differences(duck, spark)
    print(f"parity {table}: {len(duck)} rows compared, {diff} differences")
    assert diff == 0
    if table in ("transactions", "accounts", "parties"):
        assert duck, f"the scenario must load some {table}"


def test_transactions_keep_exact_money_and_utc_times(pair: Pair) -> None:
    rows = pair.spark.engine.fetchall("SELECT amount, ts FROM transactions ORDER BY id LIMIT 5")
    assert all(isinstance(a, Decimal) and a.as_tuple().exponent == -8 for a, _ in rows)
    assert all(t.tzinfo is None for _, t in rows)
    assert len(TRANSACTIONS.names) == len(
        pair.spark.engine.fetchall("SELECT * FROM transactions LIMIT 1")[0]
    )


def test_info_is_the_same(pair: Pair) -> None:
    duck, spark = pair.duck.info(), pair.spark.info()
    assert spark.counts == duck.counts and sum(duck.counts.values()) > 0
    assert (spark.first_transaction, spark.last_transaction) == (
        duck.first_transaction,
        duck.last_transaction,
    )
    assert spark.currencies == duck.currencies
    assert spark.channels == duck.channels
    assert spark.schema_version == duck.schema_version
    strip = [{k: v for k, v in s.items() if k != "ingested_at"} for s in duck.sources]
    assert [{k: v for k, v in s.items() if k != "ingested_at"} for s in spark.sources] == strip
    print(f"parity info: {len(duck.counts)} counts, {len(duck.currencies)} currencies compared")


def _alerts(ws: Any) -> list[tuple[Any, ...]]:
    rows = ws.engine.fetchall(
        "SELECT id, detector, detector_version, typology, subject_kind, subject_id,"
        " window_start, window_end, score, amount_reporting, transaction_ids, explanation,"
        " status FROM alerts WHERE detector_kind = 'rule' ORDER BY id"
    )
    out = []
    for r in rows:
        explanation = json.loads(r[11], parse_float=Decimal, parse_int=Decimal)
        out.append((*r[:10], list(r[10]), explanation, r[12]))
    return out


def test_rule_hits_are_the_same_per_rule(pair: Pair) -> None:
    duck_hits = {o.rule: o.hits for o in pair.duck_rules.rules}
    spark_hits = {o.rule: o.hits for o in pair.spark_rules.rules}
    print(f"parity rule hits: {sum(duck_hits.values())} hits over {len(duck_hits)} rules")
    assert spark_hits == duck_hits
    assert sum(duck_hits.values()) > 0, "the scenario must make some rule fire"


def test_a_rule_without_a_faithful_spark_form_is_refused_by_name(pair: Pair) -> None:
    from moneytrail.api.spark import unportable_rules
    from moneytrail.errors import BadInputError

    refused = unportable_rules()
    assert set(refused) == {"scatter_gather"}, refused  # a new one must be looked at
    assert "correlated scalar subquery" in refused["scatter_gather"]
    with pytest.raises(BadInputError) as caught:
        pair.spark.rules.run(["scatter_gather"])
    assert "scatter_gather" in caught.value.render("en")


def test_alerts_are_the_same_row_for_row(pair: Pair) -> None:
    duck, spark = _alerts(pair.duck), _alerts(pair.spark)
    diff = _differences(duck, spark)
    print(
        f"parity alerts: {len(duck)} rows compared (ids, windows, scores, money, evidence"
        f" in order, explanations), {diff} differences"
    )
    assert diff == 0 and duck


def test_a_second_rule_run_keeps_the_alerts_and_finds_nothing_new(pair: Pair) -> None:
    before = _alerts(pair.spark)
    again = pair.spark.rules.run(["structuring", "large_cash"])
    assert again.alerts_new == 0
    assert _alerts(pair.spark) == before


def test_ingesting_the_same_files_again_changes_nothing(pair: Pair) -> None:
    counts = pair.spark.info().counts
    outcomes = pair.spark.ingest(pair.files[:2])
    assert {o.status.value for o in outcomes} == {"unchanged"}
    assert pair.spark.info().counts == counts
