"""A workspace on Spark: a directory of Parquet tables, replaced whole and atomically.

Layout (decision 0135)::

    enquete/
      moneytrail-engine.json   {"kind": "spark", "schema_version": 8}
      spark.conf               optional: spark.master, executors' memory... (spark-defaults)
      tables/<name>/part-*.parquet

Why whole tables and not appends: Parquet files have no UPDATE nor DELETE, and an ingest
refreshes accounts, a rule run refreshes alerts. A new version of a table is written beside it
(``tables/.<name>.<uuid>``) and swapped in by two renames; a :class:`TableWrites` batch swaps
all its tables at the end, or deletes them all when the block fails, so a failed ingest or
rule run leaves the workspace as it was. A crash between the two renames of one table leaves
``tables/.<name>.old``: :func:`recover` (called when a workspace opens) puts it back, and
deletes the result folders (``tables/.fetch-…``) of readers of this host that died.

Types are those of :mod:`moneytrail.model.tables` (decimal(38, 8) money, timestamps in
microseconds without offset, lists of text); files written by pyarrow and by Spark read
alike in DuckDB, pyarrow and Spark.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

MARKER = "moneytrail-engine.json"
TABLES = "tables"
ROWS_PER_FILE = 1_000_000


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The engine marker of the workspace in ``folder`` (``None``: a DuckDB workspace)."""
    path = folder / MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError("error.spark_marker_bad", path=str(path), detail=str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        raise UsageError("error.spark_marker_bad", path=str(path), detail="kind")
    return data


def write_marker(folder: Path, data: dict[str, Any]) -> None:
    """Write the engine marker (through a temporary file, then a rename)."""
    tmp = folder / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", "utf-8")
    tmp.replace(folder / MARKER)


def table_dir(folder: Path, name: str) -> Path:
    """Directory of table ``name`` in the Spark workspace ``folder``."""
    return folder / TABLES / name


def table_names(folder: Path) -> list[str]:
    """The tables of the workspace, sorted."""
    root = folder / TABLES
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def table_files(folder: Path, name: str) -> list[Path]:
    """The Parquet files of table ``name``, sorted (what DuckDB or pyarrow read)."""
    return sorted(table_dir(folder, name).glob("*.parquet"))


def recover(folder: Path) -> None:
    """Put back a table whose swap a crash interrupted (see the module doc)."""
    root = folder / TABLES
    if not root.is_dir():
        return
    for old in root.glob(".*.old"):
        target = root / old.name[1 : -len(".old")]
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(target)
    for staged in root.glob(".*.new-*"):
        shutil.rmtree(staged, ignore_errors=True)
    for fetch in root.glob(f"{FETCH}*"):
        if _orphaned(fetch.name):
            shutil.rmtree(fetch, ignore_errors=True)


#: Prefix of the folders a large Spark result is read through (``SparkEngine.iter_batches``,
#: ``fetch_arrow`` past ``spill_bytes``, ``result_files``).
FETCH = ".fetch-"


def fetch_dir(folder: Path) -> Path:
    """A new folder for one result read through Parquet files: ``tables/.fetch-<host>-<pid>-
    <random>``. The host and process name its reader, so that :func:`recover` deletes only the
    folders of readers that died (a crash, SIGKILL) and never one another process is reading."""
    return folder / TABLES / f"{FETCH}{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}"


def _orphaned(name: str) -> bool:
    """Whether the fetch folder ``name`` belongs to a process of this host that has ended.
    Folders of another host (a cluster's shared storage) and of unreadable names are kept:
    nothing here can tell whether their reader still runs."""
    parts = name[len(FETCH) :].rsplit("-", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


def write_arrow_files(directory: Path, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> int:
    """Write ``batches`` as Parquet files of ``ROWS_PER_FILE`` rows at most into the new
    ``directory`` (one empty file for no rows, so the table keeps its columns); rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True)
    written, part = 0, 0
    writer: pq.ParquetWriter | None = None
    in_file = 0
    try:
        for batch in batches:
            batch = pa.Table.from_batches([batch]).cast(schema)
            if writer is None or in_file >= ROWS_PER_FILE:
                if writer is not None:
                    writer.close()
                writer = pq.ParquetWriter(directory / f"part-{part:05d}.parquet", schema)
                part, in_file = part + 1, 0
            writer.write_table(batch)
            in_file += batch.num_rows
            written += batch.num_rows
        if writer is None:
            pq.write_table(schema.empty_table(), directory / "part-00000.parquet")
    finally:
        if writer is not None:
            writer.close()
    return written


class TableWrites:
    """New versions of some tables, swapped in together (or dropped) at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: dict[str, Path] = {}

    def new_dir(self, name: str) -> Path:
        """A fresh directory for the next version of table ``name`` (not yet created)."""
        if "/" in name or name.startswith("."):
            raise ValueError(f"not a table name: {name!r}")
        if name in self.staged:
            shutil.rmtree(self.staged[name], ignore_errors=True)
        path = self.folder / TABLES / f".{name}.new-{uuid.uuid4().hex[:12]}"
        self.staged[name] = path
        return path

    def commit(self) -> list[str]:
        """Swap every staged table in; the names swapped."""
        done = []
        for name, staged in self.staged.items():
            target = table_dir(self.folder, name)
            old = self.folder / TABLES / f".{name}.old"
            if target.exists():
                target.rename(old)
            staged.rename(target)
            shutil.rmtree(old, ignore_errors=True)
            done.append(name)
        self.staged.clear()
        return done

    def rollback(self) -> None:
        """Delete every staged table."""
        for staged in self.staged.values():
            shutil.rmtree(staged, ignore_errors=True)
        self.staged.clear()


@contextlib.contextmanager
def table_writes(folder: Path) -> Iterator[TableWrites]:
    """``with table_writes(ws) as w:`` write into ``w.new_dir(name)``; swapped at the end."""
    writes = TableWrites(folder)
    try:
        yield writes
    except BaseException:
        writes.rollback()
        raise
    writes.commit()
