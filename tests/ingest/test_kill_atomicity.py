"""A real ``moneytrail ingest`` process killed in the middle leaves the workspace as it was."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from benchmarks.bench_ingest import generate
from moneytrail.workspace import Workspace

pytestmark = pytest.mark.slow


def counts(folder: Path) -> dict[str, int]:
    with Workspace.open(folder, read_only=True) as ws:
        return ws.info().counts


def test_sigkill_during_ingest_loses_nothing_and_adds_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    small = generate(1_000, tmp_path / "small.csv")
    big = generate(1_500_000, tmp_path / "big.csv")
    with Workspace.init(folder) as ws:
        [first] = ws.ingest([small])
        assert first.status.value == "loaded", first.problems[:3]
    before = counts(folder)
    assert before["transactions"] == 1_000

    cmd = [sys.executable, "-m", "moneytrail", "ingest", "-w", str(folder), str(big), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    # Let it work for real (parse, stage, part of the commit) before the kill.
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(watched.cpu_times()[:2]) > 2.5:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed: use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert counts(folder) == before
    # The workspace is not damaged: the same load now goes through completely.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert counts(folder)["transactions"] == 1_000 + 1_500_000 - 1_000  # first 1 000 are shared
