"""Commands that write files, killed half way, leave no half-written file (issue 13).

A real process is killed with SIGKILL once it has worked for a while: the target is either
absent or, when it existed before, byte-identical to the earlier complete file.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.hostile.builders import bulk_workspace

pytestmark = pytest.mark.slow


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_and_kill(args: list[str], cpu_seconds: float = 1.5) -> bool:
    """Start ``moneytrail args``, SIGKILL it after ``cpu_seconds`` of CPU; False if it ended
    before (then the caller uses a bigger input)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "moneytrail", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(watched.cpu_times()[:2]) > cpu_seconds:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return True


@pytest.fixture(scope="module")
def bulky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bulk_workspace(tmp_path_factory.mktemp("bulky") / "ws", 300_000, accounts=20_000)


def test_killed_export_leaves_the_previous_file(bulky: Path, tmp_path: Path) -> None:
    out = tmp_path / "entites.jsonl"
    out.write_text('{"previous": "complete export"}\n', encoding="utf-8")
    before = sha(out)
    assert run_and_kill(["export", "ftm", "-w", str(bulky), str(out)]), "export ended too soon"
    assert sha(out) == before


def test_killed_network_export_writes_nothing(bulky: Path, tmp_path: Path) -> None:
    out = tmp_path / "reseau.graphml"
    assert run_and_kill(["network", "export", "-w", str(bulky), str(out)], 2.5), "ended too soon"
    assert not out.exists()


def test_killed_synth_leaves_no_half_scenario(tmp_path: Path) -> None:
    out = tmp_path / "scenario"
    assert run_and_kill(["synth", "--scale", "40000", "--days", "120", "--out", str(out)], 3.0)
    assert not out.exists()
    # The earlier scenario survives a killed regeneration untouched.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "moneytrail",
            "synth",
            "--scale",
            "50",
            "--days",
            "10",
            "--out",
            str(out),
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    before = {p.name: sha(p) for p in out.iterdir()}
    assert run_and_kill(["synth", "--scale", "40000", "--days", "120", "--out", str(out)], 3.0)
    assert {p.name: sha(p) for p in out.iterdir()} == before
