"""``ws.alerts``: list, show and decide alerts through the library, typed and in JSON."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.alerts import AlertDetail, AlertList, AlertView
from moneytrail.api.serialize import to_jsonable
from moneytrail.detect.rules.alerts import AlertTransaction
from tests.detect_rules.stories import Story
from tests.detect_rules.test_detect_rules_stories import structuring

ALERT_KEYS = [
    "id", "detector", "detector_kind", "detector_version", "typology", "subject_kind",
    "subject_id", "subject_label", "window_start", "window_end", "score", "amount_reporting",
    "transactions", "status", "analyst_note", "decided_by", "decided_at", "explanation",
    "typology_name", "text", "currency",
]  # fmt: skip


@pytest.fixture
def alerted(ws: Workspace) -> Workspace:
    structuring(Story(ws.engine), True)
    ws.rules.run(["structuring"])
    return ws


def test_list_explains_in_the_readers_language(alerted: Workspace) -> None:
    listed = alerted.alerts.list(status="to_review", limit=10, lang="fr")
    assert isinstance(listed, AlertList) and listed.currency == "XOF"
    (alert,) = listed.alerts
    assert isinstance(alert, AlertView)
    assert alert.text.startswith("3 dépôts d'espèces")
    assert alert.typology_name == "Fractionnement (structuration) des dépôts"
    assert alert.amount_reporting == Decimal(9_000_000)
    english = alerted.alerts.list(lang="en").alerts[0]
    assert english.text.startswith("3 cash deposits")
    plain = to_jsonable(listed, "fr")
    assert list(plain) == ["alerts", "currency", "interrupted_runs"]
    assert list(plain["alerts"][0]) == ALERT_KEYS
    assert plain["alerts"][0]["amount_reporting"].startswith("9000000")
    assert alerted.alerts.list(status="confirmed").alerts == []
    with pytest.raises(UsageError):
        alerted.alerts.list(status="maybe")


def test_list_reports_interrupted_rule_and_scoring_runs_only(alerted: Workspace) -> None:
    for run_id, kind in (
        ("dead0detect", "detect"),
        ("dead0score", "score"),
        ("dead0scr", "screen"),
    ):
        alerted.engine.execute(
            "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
            " VALUES (?, ?, ?, 'running', '{}', '0.1.0', 'x:1:1')",
            [run_id, kind, datetime(2024, 5, 2, 10, 41)],
        )
    listed = alerted.alerts.list()
    assert {r.kind for r in listed.interrupted_runs} == {"detect", "score"}
    assert "was interrupted" in listed.interrupted_runs[0].warning("en")


def test_show_by_prefix_with_transactions(alerted: Workspace) -> None:
    (alert,) = alerted.alerts.list().alerts
    shown = alerted.alerts.show(alert.id[:8], "en")
    assert isinstance(shown, AlertDetail) and shown.id == alert.id
    assert shown.text.startswith("3 cash deposits")
    assert len(shown.transaction_list) == 3
    assert all(isinstance(t, AlertTransaction) for t in shown.transaction_list)
    plain = to_jsonable(shown, "en")
    assert list(plain) == [*ALERT_KEYS, "transaction_list"]
    assert [t["amount"] for t in plain["transaction_list"]] == ["3000000.00000000"] * 3
    with pytest.raises(UsageError):
        alerted.alerts.show("0000000000", "en")


def test_decide_keeps_the_history(alerted: Workspace) -> None:
    (alert,) = alerted.alerts.list().alerts
    first = alerted.alerts.decide(alert.id, "confirmed", "STR 117", "Awa Traoré")
    assert isinstance(first, AlertView)
    assert (first.status, first.decided_by, first.analyst_note) == (
        "confirmed",
        "Awa Traoré",
        "STR 117",
    )
    second = alerted.alerts.decide(alert.id, "escalated", "parquet", "Moussa", lang="en")
    assert [h["status"] for h in second.explanation["history"]] == ["confirmed"]
    assert to_jsonable(second, "en")["status"] == "escalated"
    with pytest.raises(UsageError):
        alerted.alerts.decide(alert.id, "guilty", "", "Awa")
    with pytest.raises(UsageError):
        alerted.alerts.decide(alert.id, "confirmed", "", "  ")
