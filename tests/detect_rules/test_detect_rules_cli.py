"""``moneytrail detect`` and ``moneytrail alerts`` in-process: JSON output and exit codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from moneytrail.workspace import Workspace
from tests.detect_rules.stories import Story
from tests.detect_rules.test_detect_rules_stories import structuring


def _story_ws(ws: Workspace) -> str:
    structuring(Story(ws.engine), True)
    ws.engine.execute(
        "INSERT INTO alerts (id, detector, detector_kind, detector_version, typology,"
        " subject_kind, subject_id, score, transaction_ids, explanation, created_at)"
        " VALUES ('model-alert-1', 'lgbm', 'model', '1', 'mule_pass_through', 'transaction',"
        " 'tx1', 0.42, [], json('{\"features\": {\"out_degree\": 7}}'), ?)",
        [datetime(2024, 3, 5)],
    )
    path = str(ws.path)
    ws.close()
    return path


def test_rules_list_json(cli: Any) -> None:
    result = cli("--lang", "fr", "detect", "rules", "list", "--json")
    assert result.code == 0
    rules = {r["id"]: r for r in result.json()}
    assert rules["structuring"]["typology_name"] == "Fractionnement (structuration) des dépôts"
    assert rules["structuring"]["parameters"]["threshold"] == 5000000
    assert rules["npo_cash_after_foreign_funds"]["references"][0]["body"] == "FATF"


def test_run_list_show_decide(ws: Workspace, cli: Any) -> None:
    path = _story_ws(ws)
    run = cli(
        "detect",
        "run",
        "-w",
        path,
        "--only",
        "structuring,large_cash",
        "--param",
        "large_cash.threshold=2500000",
        "--json",
    )
    assert run.code == 0, run.err
    doc = run.json()
    hits = {r["rule"]: r["hits"] for r in doc["rules"]}
    assert hits == {"structuring": 1, "large_cash": 3}  # three 3 000 000 deposits, 3 days
    assert doc["alerts_new"] == 4

    listed = cli("--lang", "en", "alerts", "list", "-w", path, "--json")
    alerts = listed.json()
    assert len(alerts) == 5
    kinds = {a["detector_kind"] for a in alerts}
    assert kinds == {"rule", "model"}
    model = next(a for a in alerts if a["detector_kind"] == "model")
    assert "out_degree" in model["text"]
    assert model["typology_name"] == "Rapid pass-through (money mule)"

    only = cli("alerts", "list", "-w", path, "--typology", "structuring", "--json").json()
    (alert,) = only
    shown = cli("--lang", "fr", "alerts", "show", "-w", path, alert["id"][:8], "--json").json()
    assert shown["text"].startswith("3 dépôts d'espèces entre 3\u202f000\u202f000")
    assert [t["amount"] for t in shown["transaction_list"]] == ["3000000.00000000"] * 3

    decided = cli(
        "alerts",
        "decide",
        "-w",
        path,
        alert["id"],
        "--status",
        "false_positive",
        "--note",
        "salaires",
        "--by",
        "Awa",
        "--json",
    )
    assert decided.code == 0, decided.err
    assert decided.json()["status"] == "false_positive"
    left = cli("alerts", "list", "-w", path, "--status", "to_review", "--json").json()
    assert alert["id"] not in {a["id"] for a in left} and len(left) == 4

    human = cli("--lang", "en", "alerts", "show", "-w", path, alert["id"])
    assert human.code == 0 and "Why: 3 cash deposits" in human.out


def test_usage_errors_exit_2(ws: Workspace, cli: Any) -> None:
    path = _story_ws(ws)
    assert cli("detect", "run", "-w", path, "--param", "structuring.x=1").code == 2
    assert cli("detect", "run", "-w", path, "--only", "nope").code == 2
    assert cli("alerts", "list", "-w", path, "--status", "maybe").code == 2
    bad = cli("alerts", "decide", "-w", path, "0000000000", "--status", "confirmed", "--by", "A")
    assert bad.code == 2 and "0000000000" in bad.err


def test_demo_part_prints_the_top_alerts_explained(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    from moneytrail.cli.detect_cmd import show_top_alerts
    from moneytrail.cli.output import Output

    structuring(Story(ws.engine), True)
    result = ws.rules.run()
    top = ws.alerts.list(limit=5, lang="fr").alerts
    capsys.readouterr()
    show_top_alerts(Output("fr"), result.hits, top)
    out = capsys.readouterr().out
    assert out.startswith("Alertes de typologie du scénario : 1 au total")
    assert "Fractionnement (structuration) des dépôts" in out
    assert "Pourquoi : 3 dépôts d'espèces" in out
