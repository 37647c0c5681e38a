"""``moneytrail evaluate`` and ``moneytrail score`` in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.workspace import Workspace
from tests.detect_model.story import build_story


def test_evaluate_json_then_score(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        build_story(ws.engine, "transaction")
    result = cli(
        "evaluate", "-w", folder, "--peer", "none", "--threads", "1", "--json",
        "--dataset-name", "story", "--save-model", "m1",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = result.json()
    assert report["dataset"] == "story" and report["peer"] == "none"
    side = report["sides"][0]
    assert side["name"] == "moneytrail"
    assert {"precision", "recall", "f1", "pr_auc", "threshold"} <= set(side["test"])
    assert report["saved_model"].startswith("m1@")
    scored = cli("score", "-w", folder, "--model", "m1", "--json")
    assert scored.code == 0, scored.err
    assert scored.json()["inserted"] > 0
    human = cli("--lang", "fr", "score", "-w", folder, "--model", "m1")
    assert human.code == 0 and "0 nouvelles" in human.out
    with Workspace.open(folder, read_only=True) as ws:
        top = ws.engine.fetchall(
            "SELECT id FROM alerts WHERE detector = 'm1' ORDER BY score DESC LIMIT 1"
        )[0][0]
    shown = cli("--lang", "fr", "alerts", "show", top, "-w", folder)
    assert shown.code == 0, shown.err
    # the stored JSON read as sentences, with the neighbour to follow (two stages by default)
    assert "le modèle « m1 » donne une probabilité de 0," in shown.out
    assert "suivre l'argent" in shown.out
    assert "Transaction suspecte selon le modèle" in shown.out  # the typology, not its key
    assert "→" in shown.out.split("Pourquoi")[0]  # the subject reads "payer -> payee"
    assert '"name"' not in shown.out and "features =" not in shown.out


def test_unknown_model_is_a_usage_error(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    result = cli("--lang", "en", "score", "-w", folder, "--model", "missing")
    assert result.code == 2
    assert "no model 'missing'" in result.err
    assert "Traceback" not in result.err


def test_stages_in_the_table_and_a_bad_count(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        build_story(ws.engine, "transaction")
    human = cli("--lang", "fr", "evaluate", "-w", folder, "--peer", "none", "--threads", "1")
    assert human.code == 0, human.err
    assert "moneytrail (2 étapes)" in human.out
    one = cli(
        "evaluate", "-w", folder, "--peer", "none", "--threads", "1", "--stages", "1", "--json"
    )
    assert one.code == 0 and one.json()["sides"][0]["stages"] == 1
    bad = cli("--lang", "en", "evaluate", "-w", folder, "--peer", "none", "--stages", "3")
    assert bad.code == 2
    assert "--stages / --peer-stages 3" in bad.err
    assert "Traceback" not in bad.err
