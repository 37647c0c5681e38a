"""No command may destroy the workspace or a source through its output path (issue 13).

Before the fix, ``moneytrail export ftm -w W W/workspace.duckdb`` truncated the database to
0 bytes. Every command that writes a file is driven here at every protected path; the database
must come out byte-identical and still open, and the refusal must be a usage error (exit 2).
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from moneytrail.workspace import Workspace
from tests.conftest import REPO

SAMPLE = REPO / "src" / "moneytrail" / "samples" / "orange_money_2024-03.csv"
PAYER = "+22370112233"  # a wallet of the shipped sample


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(tmp_path: Path, cli: Any) -> Path:
    """A workspace holding the shipped mobile-money sample (copied next to it)."""
    source = tmp_path / "releve.csv"
    source.write_bytes(SAMPLE.read_bytes())
    folder = tmp_path / "ws"
    assert cli("init", folder).code == 0
    assert cli("ingest", "-w", folder, source).code == 0
    assert cli("trace", "-w", folder, "--account", PAYER).code == 0  # builds the trace index
    return folder


WRITERS: dict[str, Callable[[Path, Path], list[object]]] = {
    "export ftm": lambda ws, out: ["export", "ftm", "-w", ws, out],
    "network export": lambda ws, out: ["network", "export", "-w", ws, out],
    "network export gexf": lambda ws, out: ["network", "export", "-w", ws, out, "--format", "gexf"],
    "network picture": lambda ws, out: ["network", "picture", PAYER, "-w", ws, "--out", out],
    "trace sankey": lambda ws, out: ["trace", "-w", ws, "--account", PAYER, "--sankey", out],
}


def targets(ws: Path, tmp_path: Path) -> dict[str, Path]:
    """Every kind of protected output path, made to exist where it must."""
    db = ws / "workspace.duckdb"
    link = tmp_path / "lien.png"
    link.unlink(missing_ok=True)
    link.symlink_to(db)
    hard = tmp_path / "dur.png"
    hard.unlink(missing_ok=True)
    os.link(db, hard)
    return {
        "the database": db,
        "a symbolic link to it": link,
        "a hard link to it": hard,
        "inside the trace index": ws / "workspace.duckdb.trace-index" / "x.png",
        "inside the models folder": ws / "models" / "x.png",
        "a loaded source": tmp_path / "releve.csv",
        "the workspace folder": ws,
    }


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_no_writer_overwrites_the_workspace_or_a_source(
    writer: str, loaded: Path, tmp_path: Path, cli: Any
) -> None:
    db = loaded / "workspace.duckdb"
    source = tmp_path / "releve.csv"
    before = sha(db), sha(source)
    for what, target in targets(loaded, tmp_path).items():
        result = cli("--lang", "en", *WRITERS[writer](loaded, target))
        assert result.code == 2, (what, result.err)
        # Pictures refuse a file that is not .png/.svg before anything else: also exit 2.
        assert "Refusing to write" in result.err or "extension" in result.err, (what, result.err)
        assert "Traceback" not in result.err
        for stale in tmp_path.glob(".*.part*"):
            pytest.fail(f"temporary file left behind: {stale}")
    assert (sha(db), sha(source)) == before
    with Workspace.open(loaded, read_only=True) as ws:
        assert ws.info().counts["transactions"] == 60


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_plain_output_is_written_whole(
    writer: str, loaded: Path, tmp_path: Path, cli: Any
) -> None:
    suffix = ".svg" if "picture" in writer or "sankey" in writer else ".out"
    out = tmp_path / "sorties" / f"resultat{suffix}"
    result = cli(*WRITERS[writer](loaded, out))
    assert result.code == 0, result.err
    assert out.stat().st_size > 0
    assert not list(out.parent.glob(".*.part*"))
    # The mode a plain open() would give (the temporary file is private until renamed).
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def _file_size_limit(limit: int) -> Callable[[], None]:
    """For a child process: writes beyond ``limit`` bytes fail with EFBIG (like a full disk)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_failed_write_leaves_the_previous_output_intact(loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "entites.jsonl"
    command = [sys.executable, "-m", "moneytrail", "--lang", "en", "export", "ftm", "-w"]
    done = subprocess.run([*command, str(loaded), str(out)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    previous = sha(out)
    # The machine refuses to write more than 2 KB: the export fails half way.
    failed = subprocess.run(
        [*command, str(loaded), str(out)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_file_size_limit(2_000),
    )
    assert failed.returncode == 2, failed.stderr
    assert "Disk full" in failed.stderr
    assert sha(out) == previous
    assert not list(tmp_path.glob(".*.part*"))


def test_a_device_is_written_in_place_and_never_replaced(loaded: Path, cli: Any) -> None:
    """``/dev/full`` says the disk is full: a clear message, and the device stays a device."""
    result = cli("--lang", "en", "network", "export", "-w", loaded, "/dev/full")
    assert result.code == 2, result.err
    assert "Disk full" in result.err
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)
