"""DuckDB and Spark give the same workspace, the same ``info`` and the same rule hits.

Each comparison is row for row on a total key, and prints its figures (rows compared,
differences found), collected in docs/scale.md.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
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


def test_every_shipped_rule_runs_on_spark(pair: Pair) -> None:
    """``scatter_gather`` once summed with correlated scalar subqueries, which Spark 4.3 answers
    wrongly; it now sums with joins, and every shipped rule has a faithful Spark form."""
    from moneytrail.api.spark import unportable_rules

    assert unportable_rules() == {}  # a new one must be looked at
    ran = {o.rule for o in pair.spark_rules.rules}
    assert "scatter_gather" in ran, sorted(ran)


_CORRELATED = """\
id: sums_by_subquery
version: 1
typology: test
typology_name: {fr: "Essai", en: "Test"}
subject: account
title: {fr: "Essai", en: "Test"}
description: {fr: "Essai.", en: "Test."}
explain: {fr: "{n}", en: "{n}"}
references: [{body: FATF, title: "Test", year: 2012}]
parameters: {}
query: |
  SELECT h.src_account_id AS subject_id, min(h.ts) AS window_start, max(h.ts) AS window_end,
         0.5 AS score, list(h.id) AS transaction_ids,
         (SELECT sum(x.amount_reporting) FROM transactions x
          WHERE x.src_account_id = h.src_account_id) AS amount_reporting,
         {'n': count(*)} AS fired
  FROM transactions h WHERE h.src_account_id IS NOT NULL GROUP BY h.src_account_id
"""


def test_a_rule_without_a_faithful_spark_form_is_refused_by_name(
    pair: Pair, tmp_path: Path
) -> None:
    from moneytrail.api.spark import unportable_rules
    from moneytrail.detect.rules.spec import load_rule_file
    from moneytrail.errors import BadInputError

    (tmp_path / "sums_by_subquery.yaml").write_text(_CORRELATED, encoding="utf-8")
    refused = unportable_rules([load_rule_file(tmp_path / "sums_by_subquery.yaml")])
    assert set(refused) == {"sums_by_subquery"}, refused
    assert "correlated scalar subquery" in refused["sums_by_subquery"]
    with pytest.raises(BadInputError) as caught:
        pair.spark.rules.run(["sums_by_subquery"], folders=[tmp_path])
    assert "sums_by_subquery" in caught.value.render("en")


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
