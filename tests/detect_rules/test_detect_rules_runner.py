"""Running rules: stable ids, idempotent re-runs, decisions kept, overrides, user rules."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.detect.rules import (
    compile_query,
    load_library,
    load_rule_text,
    parse_overrides,
    run_rules,
)
from moneytrail.detect.rules.alerts import decide, explain, get_alert, list_alerts
from moneytrail.errors import BadInputError, UsageError
from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace
from tests.detect_rules.stories import Story, acc
from tests.detect_rules.test_detect_rules_stories import structuring

LIBRARY = Path(__file__).resolve().parents[2] / "src/moneytrail/detect/rules/library"


def _structuring_ws(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)


def test_alert_id_is_the_documented_natural_key(ws: Workspace) -> None:
    _structuring_ws(ws)
    ws.rules.run([load_library()["structuring"]])
    (alert,) = list_alerts(ws.engine)
    expected = natural_key(
        "alert",
        "structuring",
        1,
        "account",
        acc("BANK-2"),
        alert.window_start,
        alert.window_end,
    )
    assert alert.id == expected
    assert alert.status == "to_review"
    assert alert.amount_reporting == Decimal(9_000_000)


def test_rerun_changes_nothing(ws: Workspace) -> None:
    _structuring_ws(ws)
    first = ws.rules.run()
    before = ws.engine.fetchall("SELECT id, score, transaction_ids FROM alerts ORDER BY id")
    second = ws.rules.run()
    after = ws.engine.fetchall("SELECT id, score, transaction_ids FROM alerts ORDER BY id")
    assert first.alerts_new == 1
    assert second.alerts_new == 0
    assert second.hits == first.hits == 1
    assert before == after


def test_decisions_survive_a_rerun_and_keep_their_history(ws: Workspace) -> None:
    _structuring_ws(ws)
    ws.rules.run([load_library()["structuring"]])
    (alert,) = list_alerts(ws.engine)
    decide(ws.engine, alert.id[:8], "confirmed", "STR 2024-117", "Awa Traoré")
    decide(ws.engine, alert.id, "escalated", "sent to the prosecutor", "Moussa Diarra")
    ws.rules.run([load_library()["structuring"]])
    kept = get_alert(ws.engine, alert.id)
    assert (kept.status, kept.decided_by) == ("escalated", "Moussa Diarra")
    assert kept.analyst_note == "sent to the prosecutor"
    history = kept.explanation["history"]
    assert [(h["status"], h["by"], h["note"]) for h in history] == [
        ("confirmed", "Awa Traoré", "STR 2024-117")
    ]
    assert kept.explanation["fired"]["count"] == 3  # evidence refreshed, history kept


def test_decide_refuses_unknown_status_and_alert(ws: Workspace) -> None:
    _structuring_ws(ws)
    ws.rules.run([load_library()["structuring"]])
    (alert,) = list_alerts(ws.engine)
    with pytest.raises(UsageError):
        decide(ws.engine, alert.id, "guilty", "", "A")
    with pytest.raises(UsageError):
        decide(ws.engine, "ffffffffff", "confirmed", "", "A")


def test_parameter_override_is_bound_and_changes_the_result(ws: Workspace) -> None:
    _structuring_ws(ws)  # three deposits of 3 000 000
    rules = load_library()
    overrides = parse_overrides(["structuring.threshold=3 000 000"], rules)
    assert overrides == {"structuring": {"threshold": Decimal(3_000_000)}}
    sql, args = compile_query(rules["structuring"], overrides)
    assert "3000000" not in sql and Decimal(3_000_000) in args
    assert run_rules(ws.engine, [rules["structuring"]], overrides).hits == 0
    window = parse_overrides(["structuring.window=12h"], rules)
    assert window["structuring"]["window"] == timedelta(hours=12)
    assert run_rules(ws.engine, [rules["structuring"]], window).hits == 0
    assert run_rules(ws.engine, [rules["structuring"]]).hits == 1


@pytest.mark.parametrize(
    "item", ["structuring.threshold", "structuring.nope=1", "nope.x=1", "structuring.threshold=abc"]
)
def test_bad_overrides_are_usage_errors(item: str) -> None:
    with pytest.raises(UsageError):
        parse_overrides([item], load_library())


def test_explanation_reads_in_both_languages(ws: Workspace) -> None:
    _structuring_ws(ws)
    ws.rules.run([load_library()["structuring"]])
    (alert,) = list_alerts(ws.engine)
    rules = load_library()
    fr = explain(alert, rules, "fr")
    en = explain(alert, rules, "en")
    assert "3 dépôts d'espèces" in fr and "9\u202f000\u202f000 XOF" in fr and "7 jour(s)" in fr
    assert "3 cash deposits" in en and "5\u202f000\u202f000 XOF threshold" in en


BAD_RULE = """\
id: my_rule
version: 1
typology: my_rule
typology_name: {fr: "Ma règle", en: "My rule"}
title: {fr: "t", en: "t"}
description: {fr: "d", en: "d"}
explain: {fr: "e", en: "e"}
references:
  - {body: FATF, title: "Some report", year: 20}
parameters:
  limit: {type: money, default: 5000000, fr: "seuil", en: "limit"}
query: |
  SELECT dst_account_id AS subject_id FROM transactions WHERE amount > $limit
"""


def test_a_broken_rule_file_says_file_line_field_reason(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.yaml").write_text(BAD_RULE, encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        load_library([folder])
    (problem,) = caught.value.problems
    text = problem.render("en")
    assert text.startswith(f"{folder / 'mine.yaml'}:9: references.0.year: ")
    assert "greater than or equal to 1945" in text


def test_undeclared_parameter_and_dollar_in_strings(tmp_path: Path) -> None:
    text = BAD_RULE.replace("year: 20}", "year: 2016}").replace("$limit", "$lim")
    with pytest.raises(BadInputError) as caught:
        load_rule_text(text, "x.yaml")
    assert caught.value.problems[0].render("en") == (
        "x.yaml:12: query: the query uses undeclared parameters: lim"
    )
    quoted = text.replace("$lim", "$limit AND reference <> '$lim'")
    rule = load_rule_text(quoted, "x.yaml")
    sql, args = compile_query(rule, {})
    assert "'$lim'" in sql and args == [Decimal(5_000_000)]


def test_comments_in_a_query_are_only_comments(tmp_path: Path, ws: Workspace) -> None:
    """A French comment's apostrophes (« l'agent ») once opened a string for the parameter
    scanner, and the engine then refused the rule with "Mixing named and positional
    parameters"; a ``$name`` inside a comment is not a parameter either."""
    plain = (LIBRARY / "structuring.yaml").read_text(encoding="utf-8")
    query = "query: |\n"
    assert plain.count(query) == 1
    commented = plain.replace("id: structuring", "id: structuring_commente").replace(
        query,
        query + "  -- l'agent reçoit d'abord les dépôts ; ancien seuil : $ancien_seuil\n"
        "  /* « n'oubliez pas » : $autre\n     sur deux lignes */\n",
    )
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "commente.yaml").write_text(commented, encoding="utf-8")
    rules = load_library([folder])
    mine, shipped = rules["structuring_commente"], rules["structuring"]
    assert mine.placeholders() == shipped.placeholders()
    sql, args = compile_query(mine, {})
    assert "$ancien_seuil" in sql and "$autre" in sql
    assert args == compile_query(shipped, {})[1]
    _structuring_ws(ws)
    result = ws.rules.run([mine, shipped])
    hits = {o.rule: o.hits for o in result.rules}
    assert hits["structuring_commente"] == hits["structuring"] > 0


def test_hits_with_one_id_keep_the_same_evidence_every_time(tmp_path: Path, ws: Workspace) -> None:
    """Two hits of one alert (same subject and window) with the same score and amount: the
    alert keeps the smaller evidence, whichever row the engine met first (the score alone
    once left the choice to the engine, and DuckDB and Spark chose differently)."""
    shipped = (LIBRARY / "large_cash.yaml").read_text(encoding="utf-8")
    query = shipped[shipped.index("query: |") :]
    tied = (
        "query: |\n"
        "  SELECT * FROM (\n"
        "    SELECT 'acc-1' AS subject_id, TIMESTAMP '2025-01-01' AS window_start,\n"
        "           TIMESTAMP '2025-01-02' AS window_end, 0.5 AS score,\n"
        "           CAST(10 AS DECIMAL(38, 8)) AS amount_reporting,\n"
        "           ['t9', 't2'] AS transaction_ids, {'n': 2} AS fired, $threshold AS s\n"
        "    UNION ALL\n"
        "    SELECT 'acc-1', TIMESTAMP '2025-01-01', TIMESTAMP '2025-01-02', 0.5,\n"
        "           CAST(10 AS DECIMAL(38, 8)), ['t1', 't5'], {'n': 1}, $threshold)\n"
    )
    text = shipped.replace(query, tied).replace("id: large_cash", "id: tied_hits")
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "tied.yaml").write_text(text, encoding="utf-8")
    rule = load_library([folder])["tied_hits"]
    for _ in range(3):
        assert [o.hits for o in ws.rules.run([rule]).rules] == [1]
        rows = ws.engine.fetchall("SELECT transaction_ids FROM alerts WHERE detector = 'tied_hits'")
        assert rows == [(["t1", "t5"],)]


def test_a_user_folder_adds_and_replaces_rules(tmp_path: Path, ws: Workspace) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    own = (LIBRARY / "structuring.yaml").read_text(encoding="utf-8")
    own = own.replace("id: structuring", "id: structuring_local").replace(
        "default: 3,", "default: 4,"
    )
    (folder / "local.yaml").write_text(own, encoding="utf-8")
    replaced = (
        (LIBRARY / "large_cash.yaml")
        .read_text(encoding="utf-8")
        .replace("version: 1", "version: 2")
    )
    (folder / "large_cash.yaml").write_text(replaced, encoding="utf-8")
    rules = load_library([folder])
    assert rules["large_cash"].version == 2
    assert rules["structuring_local"].parameters["min_count"].default == 4
    _structuring_ws(ws)
    result = ws.rules.run([rules["structuring_local"], rules["structuring"]])
    assert [(o.rule, o.hits) for o in result.rules] == [
        ("structuring_local", 0),
        ("structuring", 1),
    ]


def test_shipped_rules_are_complete() -> None:
    rules = load_library()
    assert len(rules) >= 12
    for rule in rules.values():
        assert rule.references and rule.title.fr != rule.title.en
        for name, param in rule.parameters.items():
            assert param.fr and param.en, name
        assert set(rule.placeholders()) == set(rule.parameters), rule.id
        for text in (rule.explain.fr, rule.explain.en):
            json.dumps(text)


@pytest.mark.parametrize(
    "query",
    ["DELETE FROM alerts WHERE amount > $limit", "SELECT $limit AS x; DROP TABLE alerts"],
)
def test_a_rule_query_must_only_read(query: str) -> None:
    text = BAD_RULE.replace("year: 20}", "year: 2016}").replace(
        "SELECT dst_account_id AS subject_id FROM transactions WHERE amount > $limit", query
    )
    with pytest.raises(BadInputError) as caught:
        load_rule_text(text, "evil.yaml")
    assert (
        caught.value.problems[0]
        .render("en")
        .startswith("evil.yaml:12: query: the query must be a single read-only SELECT")
    )


def test_a_rule_whose_sql_fails_is_a_bad_input_not_a_crash(tmp_path: Path, ws: Workspace) -> None:
    text = BAD_RULE.replace("year: 20}", "year: 2016}").replace("amount > $limit", "nope > $limit")
    rule = load_rule_text(text, "mine.yaml")
    with pytest.raises(BadInputError) as caught:
        run_rules(ws.engine, [rule])
    message = caught.value.problems[0].render("en")
    assert message.startswith("mine.yaml:12: query: the rule's query failed in the engine: ")
    assert "nope" in message
    assert ws.engine.fetchall("SELECT count(*) FROM alerts") == [(0,)]


def test_python_callers_may_pass_raw_or_parsed_overrides(ws: Workspace) -> None:
    _structuring_ws(ws)
    rule = load_library()["structuring"]
    assert ws.rules.run([rule], {"structuring": {"window": "12h"}}).hits == 0
    assert ws.rules.run([rule], {"structuring": {"window": timedelta(days=3)}}).hits == 1
    with pytest.raises(UsageError):
        ws.rules.run([rule], {"structuring": {"nope": 1}})
