"""Ground truth of a generated scenario loads into the workspace's labels table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.synth import INGEST_ORDER, generate
from moneytrail.synth.config import SynthConfig
from moneytrail.workspace import Workspace


def test_truth_members_load_as_labels_with_their_typology(tmp_path: Path) -> None:
    result = generate(
        SynthConfig(scale=80, seed=2, days=21, typologies=("kidnap_ransom",)), tmp_path / "s"
    )
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest([result.files[k] for k in INGEST_ORDER])
        [outcome] = ws.ingest([result.files["truth_members"]])
        assert (outcome.status.value, outcome.format) == ("loaded", "moneytrail")
        rows = ws.engine.fetchall(
            "SELECT typology, label, subject_kind, count(*) FROM labels GROUP BY ALL ORDER BY ALL"
        )
        members = ws.engine.fetchall(
            "SELECT count(*) FROM read_parquet(?)", [str(result.files["truth_members"])]
        )[0][0]
        dangling = ws.engine.fetchall(
            "SELECT count(*) FROM labels l WHERE l.subject_kind = 'transaction'"
            " AND l.subject_id NOT IN (SELECT id FROM transactions)"
        )
        assert ws.info().counts["labels"] == outcome.inserted["labels"]
    assert {r[0] for r in rows} == {"kidnap_ransom"}
    assert ("kidnap_ransom", "ransom_split", "transaction") in {r[:3] for r in rows}
    assert sum(r[3] for r in rows) == members  # every member labelled, none lost
    assert dangling == [(0,)]


def test_truth_before_its_transactions_is_rejected_line_by_line_not_dropped(
    tmp_path: Path, cli: Any
) -> None:
    result = generate(
        SynthConfig(scale=80, seed=2, days=21, typologies=("kidnap_ransom",)), tmp_path / "s"
    )
    truth = result.files["truth_members"]
    with Workspace.init(tmp_path / "early") as ws:
        [early] = ws.ingest([truth])  # no transaction yet: every transaction label is refused
        on_tx, members = ws.engine.fetchall(
            "SELECT count(*) FILTER (subject_kind = 'transaction'), count(*) FROM read_parquet(?)",
            [str(truth)],
        )[0]
    assert early.rows_rejected == on_tx > 0
    assert early.rows_ok == members - on_tx
    problem = early.problems[0]
    assert problem.code == "label_subject_unknown" and problem.line is not None
    assert "then this file again with --retry-rejected" in problem.render("en")
    assert "puis rechargez ce fichier avec --retry-rejected" in problem.render("fr")
    # in the right order every label is accepted, and the summary says how many were added
    folder = str(tmp_path / "ordered")
    assert cli("init", folder).code == 0
    files = [str(result.files[k]) for k in INGEST_ORDER]
    assert cli("ingest", "-w", folder, *files).code == 0
    run = cli("--lang", "fr", "ingest", "-w", folder, str(truth))
    assert run.code == 0, run.err
    assert f"{members} enregistrement(s) accepté(s), 0 rejeté(s)" in run.out
    assert f"{members} étiquette(s)" in run.out


def test_retry_rejected_loads_the_labels_once_their_transactions_are_there(
    tmp_path: Path, cli: Any
) -> None:
    result = generate(
        SynthConfig(scale=80, seed=2, days=21, typologies=("kidnap_ransom",)), tmp_path / "s"
    )
    truth = str(result.files["truth_members"])
    folder = str(tmp_path / "ws")
    assert cli("init", folder).code == 0
    early = cli("ingest", "-w", folder, truth, "--json").json()["files"][0]
    assert early["rows_rejected"] > 0
    assert cli("ingest", "-w", folder, *[str(result.files[k]) for k in INGEST_ORDER]).code == 0
    again = cli("ingest", "-w", folder, truth, "--json").json()["files"][0]
    assert again["status"] == "unchanged"  # without the option, a known file is not read again
    retried = cli("ingest", "-w", folder, truth, "--retry-rejected", "--json").json()["files"][0]
    assert retried["status"] == "loaded" and retried["rows_rejected"] == 0
    assert retried["inserted"]["labels"] == early["rows_rejected"]
    with Workspace.open(folder, read_only=True) as ws:
        sources = ws.engine.fetchall(
            "SELECT count(*), sum(rows_rejected) FROM sources WHERE id = ?",
            [retried["source_id"]],
        )
        left = ws.engine.fetchall(
            "SELECT count(*) FROM quarantine WHERE source_id = ?", [retried["source_id"]]
        )
        dangling = ws.engine.fetchall(
            "SELECT count(*) FROM labels WHERE subject_kind = 'transaction'"
            " AND subject_id NOT IN (SELECT id FROM transactions)"
        )
    assert sources == [(1, 0)] and left == [(0,)] and dangling == [(0,)]
    # a file with nothing rejected is still not read twice, even when asked
    clean = cli("ingest", "-w", folder, truth, "--retry-rejected", "--json").json()["files"][0]
    assert clean["status"] == "unchanged"
