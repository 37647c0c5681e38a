"""Opening a Spark workspace deletes the result folders of readers that died, and only those."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from moneytrail.engine import spark_store


def _ended_pid() -> int:
    """The pid of a process that has run and ended (reaped, so no longer in the table)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dead_readers_result_folder_goes_and_a_living_ones_stays(tmp_path: Path) -> None:
    tables = tmp_path / spark_store.TABLES
    (tables / "transactions").mkdir(parents=True)
    host = socket.gethostname()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tables / f".fetch-{host}-{_ended_pid()}-0123456789ab"
        alive = tables / f".fetch-{host}-{sleeper.pid}-0123456789ab"
        mine = spark_store.fetch_dir(tmp_path)
        elsewhere = tables / ".fetch-autre-machine-1-0123456789ab"
        odd = tables / ".fetch-0123456789ab"  # an older release's name: reader unknown
        for folder in (dead, alive, mine, elsewhere, odd):
            folder.mkdir()
            (folder / "part-00000.parquet").write_bytes(b"PAR1")
        assert mine.name.startswith(f".fetch-{host}-{os.getpid()}-")

        spark_store.recover(tmp_path)

        assert not dead.exists()
        assert alive.exists() and mine.exists() and elsewhere.exists() and odd.exists()
        assert (tables / "transactions").is_dir()
        assert spark_store.table_names(tmp_path) == ["transactions"]
    finally:
        sleeper.kill()
        sleeper.wait()
