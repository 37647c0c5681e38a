"""``moneytrail evaluate`` and ``moneytrail score`` in-process."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from moneytrail.workspace import Workspace
from tests.detect_model.story import build_story, story_workspace


def test_evaluate_json_then_score(tmp_path: Path, cli: Any) -> None:
    folder = story_workspace(tmp_path / "ws", "transaction")
    result = cli(
        "evaluate", "-w", folder, "--threads", "1", "--json",
        "--dataset-name", "story", "--save-model", "m1",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = result.json()
    assert report["dataset"] == "story" and len(report["sides"]) == 1  # the model alone
    assert "peer" not in report and "f1_gap_points" not in report
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
    folder = story_workspace(tmp_path / "ws", "transaction")
    human = cli("--lang", "fr", "evaluate", "-w", folder, "--threads", "1")
    assert human.code == 0, human.err
    assert "moneytrail (2 étapes)" in human.out
    one = cli("evaluate", "-w", folder, "--threads", "1", "--stages", "1", "--json")
    assert one.code == 0 and one.json()["sides"][0]["stages"] == 1
    bad = cli("--lang", "en", "evaluate", "-w", folder, "--stages", "3")
    assert bad.code == 2
    assert "--stages 3" in bad.err
    assert "Traceback" not in bad.err


def test_the_model_group_trains_lists_and_scores(tmp_path: Path, cli: Any) -> None:
    folder = story_workspace(tmp_path / "ws", "transaction")
    empty = cli("--lang", "en", "model", "list", "-w", folder)
    assert empty.code == 0 and "No model saved" in empty.out
    trained = cli(
        "model", "train", "-w", folder, "--model", "m2", "--threads", "1", "--stages", "1",
        "--json",
    )  # fmt: skip
    assert trained.code == 0, trained.err
    saved = trained.json()
    assert saved["name"] == "m2" and saved["stages"] == 1 and 0 < saved["threshold"] < 1
    assert {"f1", "precision", "recall"} <= set(saved["metrics"])
    listed = cli("model", "list", "-w", folder, "--json").json()
    assert [(m["name"], m["version"]) for m in listed] == [("m2", saved["version"])]
    human = cli("--lang", "en", "model", "list", "-w", folder)
    assert "m2" in human.out and saved["version"] in human.out
    scored = cli("model", "score", "-w", folder, "--model", "m2", "--json")
    assert scored.code == 0, scored.err
    assert scored.json()["model"] == "m2" and scored.json()["inserted"] > 0


def test_score_warns_about_an_interrupted_scoring_run(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        build_story(ws.engine, "transaction")
        ws.model.train("m3", threads=1, stages=1)
        ws.engine.execute(
            "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
            " VALUES ('deadbeef00112233', 'score', ?, 'running', '{}', '0.1.0',"
            " 'other-host:4242:1700000000000')",
            [datetime(2024, 5, 2, 10, 41)],
        )
    scored = cli("--lang", "en", "score", "-w", folder, "--model", "m3", "--json")
    assert scored.code == 0, scored.err
    assert [r["id"] for r in scored.json()["interrupted_runs"]] == ["deadbeef00112233"]
    assert "the score run deadbeef00 started 2024-05-02 10:41 (UTC)" in scored.err
    again = cli("--lang", "en", "score", "-w", folder, "--model", "m3")
    assert again.code == 0 and "Warning:" not in again.err


def test_the_peer_is_the_benchmarks_now(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    refused = cli("--lang", "en", "evaluate", "-w", folder, "--peer", "snapml")
    assert refused.code == 2 and "python -m benchmarks.run detect" in refused.err
    assert "Traceback" not in refused.err
    assert "--peer" not in cli("evaluate", "--help").out  # kept for old scripts, hidden
