"""A damaged, too new, busy or full workspace gets a clear message, never a traceback.

Issue 13: a truncated or byte-flipped workspace file ended in an internal error; a workspace
from a newer version said it "needs an upgrade"; a full disk crashed the ingest.
"""

from __future__ import annotations

import hashlib
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from moneytrail.workspace import Workspace
from tests.conftest import REPO

SAMPLE = REPO / "src" / "moneytrail" / "samples" / "orange_money_2024-03.csv"
CAMT = REPO / "src" / "moneytrail" / "samples" / "releve_bdm_2024-03.camt053.xml"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pristine") / "ws"
    with Workspace.init(folder) as ws:
        ws.ingest([SAMPLE])
    return folder


def damage(pristine: Path, tmp_path: Path, how: Callable[[bytes], bytes]) -> Path:
    folder = tmp_path / "ws"
    shutil.copytree(pristine, folder)
    db = folder / "workspace.duckdb"
    db.write_bytes(how(db.read_bytes()))
    return folder


def flip(offset: int) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        changed = bytearray(data)
        changed[offset] ^= 0xFF
        return bytes(changed)

    return apply


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "truncated to a third": lambda b: b[: len(b) // 3],
    "truncated to 100 bytes": lambda b: b[:100],
    "emptied": lambda b: b"",
    "not a database": lambda b: b"nothing to see here\n" * 500,
    "header byte flipped": flip(100),
    "block byte flipped": flip(12_288 + 50),
}


@pytest.mark.parametrize("how", sorted(DAMAGES))
@pytest.mark.parametrize("command", [("info",), ("ingest", str(CAMT)), ("alerts", "list")])
def test_a_damaged_workspace_is_named_damaged(
    how: str, command: tuple[str, ...], pristine: Path, tmp_path: Path, cli: Any
) -> None:
    folder = damage(pristine, tmp_path, DAMAGES[how])
    before = hashlib.sha256((folder / "workspace.duckdb").read_bytes()).hexdigest()
    result = cli("--lang", "en", command[0], *command[1:], "-w", folder)
    if result.code == 0:  # a flipped byte in a block the command never reads
        assert how.endswith("flipped"), result.err
        return
    assert result.code in (2, 3), result.err
    assert "Internal" not in result.err and "Traceback" not in result.err
    assert "damaged" in result.err, result.err
    after = hashlib.sha256((folder / "workspace.duckdb").read_bytes()).hexdigest()
    assert after == before  # moneytrail did not "repair" or rewrite it


def test_a_workspace_made_by_a_newer_moneytrail(pristine: Path, tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(pristine, folder)
    with Workspace.open(folder) as ws:
        ws.engine.execute(
            "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', TIMESTAMP '2030-01-01')"
        )
    for command in (("info",), ("ingest", str(CAMT))):
        result = cli("--lang", "en", *command, "-w", folder)
        assert result.code == 2, result.err
        assert "made by a newer moneytrail" in result.err
        assert "upgrade" not in result.err.split("moneytrail")[0]
    french = cli("--lang", "fr", "info", "-w", folder)
    assert "plus récent" in french.err


def test_a_busy_workspace_is_reported_as_in_use(pristine: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(pristine, folder)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True);"
            " time.sleep(60)",
            str(folder / "workspace.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "moneytrail",
                "--lang",
                "en",
                "ingest",
                "-w",
                str(folder),
                str(CAMT),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 2, done.stderr
    assert "in use by another process" in done.stderr


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_ingest_loses_nothing(pristine: Path, tmp_path: Path) -> None:
    """The machine refuses to grow any file past its current size plus a little: the ingest
    of a big file fails with "disk full" (exit 2), the workspace still opens, unchanged."""
    folder = tmp_path / "ws"
    shutil.copytree(pristine, folder)
    big = tmp_path / "gros.csv"
    header, body = SAMPLE.read_text(encoding="utf-8").split("\n", 1)
    rows = [line for line in body.split("\n") if line]
    lines = [
        row.replace("OM24003", f"OM{i:05d}").replace("/03/2024", f"/{1 + i % 12:02d}/2024")
        for i in range(4_000)
        for row in rows
    ]
    big.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with Workspace.open(folder, read_only=True) as ws:
        before = ws.info().counts
    size = (folder / "workspace.duckdb").stat().st_size
    failed = subprocess.run(
        [sys.executable, "-m", "moneytrail", "--lang", "en", "ingest", "-w", str(folder), str(big)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_file_size_limit(size + 300_000),
    )
    assert failed.returncode == 2, failed.stderr
    assert "Disk full" in failed.stderr and "Internal" not in failed.stderr
    with Workspace.open(folder) as ws:
        assert ws.info().counts == before
        [outcome] = ws.ingest([big])  # room again: the same load goes through
    assert outcome.status.value == "loaded"
