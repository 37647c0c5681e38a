"""A real ``moneytrail`` job killed with SIGKILL in the middle keeps none of its results and
leaves an interrupted run record; readers say so, and running the job again completes.

Each job runs in its own process on a workspace big enough that it is still working after a
few CPU-seconds (start-up costs about 2.5 s of CPU, the jobs here 8 to 15 s). The kill comes
once the process has used a set amount of CPU, past start-up; the test then checks that the
kill did land mid-job (the run record is ``running``), so a kill that came too early or too
late fails loudly instead of passing for the wrong reason.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil
import pytest

from moneytrail.engine.runs import RunRecord, runs
from moneytrail.screen.lists import load_list
from moneytrail.screen.store import save_list
from moneytrail.workspace import Workspace
from tests.detect_model.story import build_story
from tests.hostile.builders import bulk_workspace

pytestmark = pytest.mark.slow

MONEYTRAIL = [sys.executable, "-m", "moneytrail"]


def kill_after(args: Sequence[Any], cpu_seconds: float) -> None:
    """Start ``moneytrail *args``, SIGKILL it once it has used ``cpu_seconds`` of CPU."""
    proc = subprocess.Popen(
        [*MONEYTRAIL, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if sum(watched.cpu_times()[:2]) > cpu_seconds:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the job finished before it could be killed: make it bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def records(folder: Path) -> list[RunRecord]:
    with Workspace.open(folder, read_only=True) as ws:
        return runs(ws.engine)


def count(folder: Path, sql: str) -> int:
    with Workspace.open(folder, read_only=True) as ws:
        return int(ws.engine.fetchall(sql)[0][0])


def the_killed_run(folder: Path, kind: str) -> RunRecord:
    """The one run record the kill left: ``running``, never finished."""
    (killed,) = records(folder)
    assert (killed.kind, killed.status, killed.finished_at) == (kind, "running", None), (
        "the kill did not land mid-job: adjust the CPU threshold"
    )
    return killed


@pytest.fixture(scope="module")
def bulk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One million transactions (all 12 rules take ~6 s of CPU on it, scoring ~10 s)."""
    return bulk_workspace(tmp_path_factory.mktemp("bulk") / "ws", 1_000_000)


def fresh_copy(bulk: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(bulk, folder)
    return folder


def test_sigkill_during_detect_run_keeps_no_alert_and_says_so(
    bulk: Path, tmp_path: Path, cli: Any
) -> None:
    folder = fresh_copy(bulk, tmp_path)
    kill_after(["detect", "run", "-w", folder, "--json"], cpu_seconds=5.0)

    killed = the_killed_run(folder, "detect")
    assert count(folder, "SELECT count(*) FROM alerts") == 0  # not one rule's alerts kept
    listed = cli("--lang", "en", "alerts", "list", "-w", folder, "--json")
    assert listed.code == 0 and listed.json() == []
    assert f"the detect run {killed.id[:10]}" in listed.err
    assert "none of its results were kept" in listed.err

    again = cli("--lang", "en", "detect", "run", "-w", folder, "--json")
    assert again.code == 0, again.err
    doc = again.json()
    assert [r["id"] for r in doc["interrupted_runs"]] == [killed.id]
    assert f"the detect run {killed.id[:10]}" in again.err
    assert doc["alerts_new"] > 0
    assert count(folder, "SELECT count(*) FROM alerts") == doc["alerts_new"]
    assert {r.id: r.status for r in records(folder)} == {
        killed.id: "interrupted",
        doc["job_run_id"]: "done",
    }


def test_sigkill_during_scoring_keeps_no_alert_and_says_so(
    bulk: Path, tmp_path: Path, cli: Any
) -> None:
    trained = tmp_path / "trained"
    with Workspace.init(trained) as ws:
        build_story(ws.engine, "transaction")
    saved = cli(
        "evaluate", "-w", trained, "--peer", "none", "--threads", "1", "--json",
        "--dataset-name", "story", "--save-model", "m1",
    )  # fmt: skip
    assert saved.code == 0, saved.err
    folder = fresh_copy(bulk, tmp_path)
    shutil.copytree(trained / "models", folder / "models")

    kill_after(["score", "-w", folder, "--model", "m1", "--json"], cpu_seconds=6.5)

    killed = the_killed_run(folder, "score")
    assert count(folder, "SELECT count(*) FROM alerts") == 0
    listed = cli("--lang", "en", "alerts", "list", "-w", folder, "--json")
    assert f"the score run {killed.id[:10]}" in listed.err

    again = cli("score", "-w", folder, "--model", "m1", "--json")
    assert again.code == 0, again.err
    doc = again.json()
    assert [r["id"] for r in doc["interrupted_runs"]] == [killed.id]
    assert doc["inserted"] > 0
    assert count(folder, "SELECT count(*) FROM alerts") == doc["inserted"]
    assert {r.id: r.status for r in records(folder)} == {
        killed.id: "interrupted",
        doc["job_run_id"]: "done",
    }


def test_sigkill_during_screening_keeps_no_finding_and_says_so(
    tmp_path: Path, shared_data: Path, cli: Any
) -> None:
    folder = bulk_workspace(tmp_path / "ws", 0, accounts=3_000)
    un = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    with Workspace.open(folder) as ws:
        save_list(ws.engine, load_list(un), un)
        ws.engine.execute(
            "INSERT INTO parties (id, kind, name, source_id) VALUES"
            " ('listed1', 'person', 'Iyad Ag Ghaly', 'bulk'),"
            " ('listed2', 'person', 'AMADOU KOUFFA', 'bulk')"
        )

    # Start-up and reading the list cost ~4 s of CPU; the index and the names ~9 s more.
    kill_after(["screen", "parties", "-w", folder, "--workers", "1", "--json"], cpu_seconds=8.0)

    killed = the_killed_run(folder, "screen")
    assert count(folder, "SELECT count(*) FROM screening_matches") == 0

    again = cli("screen", "parties", "-w", folder, "--workers", "1", "--json")
    assert again.code == 0, again.err
    doc = again.json()
    assert [r["id"] for r in doc["interrupted_runs"]] == [killed.id]
    assert doc["matches_new"] >= 2
    assert count(folder, "SELECT count(*) FROM screening_matches") == doc["matches_new"]
    assert {r.id: r.status for r in records(folder)} == {
        killed.id: "interrupted",
        doc["job_run_id"]: "done",
    }
