"""Ingest files: fingerprint, choose a reader, stage, commit, atomically per file.

Each file is loaded in its own transaction: a crash, a kill or a refusal in the middle of a file
leaves the workspace exactly as it was before that file (DuckDB rolls back an uncommitted
transaction when the database is opened again). A file whose SHA-256 is already recorded is not
read again, unless ``IngestOptions.retry_rejected`` asks for it and its earlier load rejected
rows: then its source record and quarantined rows are replaced, inside the same transaction, by
those of the new load (what it added before stays, as natural keys make it "already present").
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from moneytrail.crash import write_crash_report
from moneytrail.engine.base import Engine
from moneytrail.errors import BadInputError, MoneytrailError, Problem, UsageError
from moneytrail.files.literal import literal_path
from moneytrail.ingest.base import IngestOptions, ProgressCallback, Reader, SourceFile, StageContext
from moneytrail.ingest.canonical import STAGING, staging_table
from moneytrail.ingest.commit import commit_stage, register_reference_tables
from moneytrail.ingest.registry import detect_reader, reader_for
from moneytrail.model.tables import STAGING as STAGING_TABLES

HASH_CHUNK = 4 * 1024 * 1024


class Status(StrEnum):
    """Outcome of one file."""

    LOADED = "loaded"
    UNCHANGED = "unchanged"
    REFUSED = "refused"
    FAILED = "failed"  # an internal error: rolled back, reported, the other files go on


@dataclass
class FileOutcome:
    """What happened to one file; the CLI prints it, ``--json`` dumps it."""

    path: str
    status: Status
    format: str | None = None
    source_id: str | None = None
    inserted: dict[str, int] = field(default_factory=dict)
    already_present: int = 0
    rows_ok: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: int = 0
    error_key: str | None = None
    error_params: dict[str, object] = field(default_factory=dict)


ProgressFactory = Callable[[str], ProgressCallback]
"""Given a file name, return the callback that shows this file's progress."""


def fingerprint(path: Path, progress: ProgressCallback | None = None) -> SourceFile:
    """SHA-256 and size of ``path``, read in chunks (files may be larger than memory)."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, size)
    return SourceFile(path=path, sha256=digest.hexdigest(), size=size)


def create_staging(engine: Engine) -> None:
    """(Re)create the empty temporary staging tables (declared in ``model.tables``)."""
    for table in STAGING_TABLES.values():
        engine.execute(engine.dialect.create_temp_table(table.name, table))
    engine.execute("DROP VIEW IF EXISTS stg_checked")
    engine.execute("DROP TABLE IF EXISTS stg_problems")
    engine.execute("DROP TABLE IF EXISTS stg_dups")


def drop_staging(engine: Engine) -> None:
    """Remove the staging tables (they are temporary anyway; this frees memory early)."""
    for kind in STAGING:
        engine.execute(f"DROP TABLE IF EXISTS {staging_table(kind)}")
    engine.execute("DROP VIEW IF EXISTS stg_checked")
    engine.execute("DROP TABLE IF EXISTS stg_problems")
    engine.execute("DROP TABLE IF EXISTS stg_dups")


def ingest_files(
    engine: Engine,
    paths: Sequence[Path],
    options: IngestOptions,
    reporting_currency: str,
    progress: ProgressFactory | None = None,
) -> list[FileOutcome]:
    """Load each of ``paths``; one outcome per file, in order. Never raises for bad input."""
    register_reference_tables(engine)
    outcomes = []
    with bounded_memory(engine, options.memory_limit):
        for path in paths:
            report = progress(path.name) if progress else None
            outcomes.append(_ingest_one(engine, Path(path), options, reporting_currency, report))
    return outcomes


_MEMORY_LIMIT = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


@contextmanager
def bounded_memory(engine: Engine, limit: str | None) -> Iterator[None]:
    """Run the loads with the engine's memory capped at ``limit``, spilling beyond it.

    Why: a national operator's month (50 million rows) must load on an 8 GB laptop. The engine
    keeps intermediate results (the parsed rows, the accounts' hash tables, the staging tables)
    in memory up to the limit and writes the rest to disk
    (:meth:`~moneytrail.engine.base.Engine.bounded_memory`); the limit is restored afterwards,
    so a query run later in the same session keeps the memory the user gave it.
    """
    if limit is None:
        yield
        return
    if not _MEMORY_LIMIT.fullmatch(limit.strip()):
        raise UsageError("error.ingest_memory_limit", value=limit)
    with engine.bounded_memory(limit.strip()):
        yield


def _ingest_one(
    engine: Engine,
    path: Path,
    options: IngestOptions,
    reporting_currency: str,
    report: ProgressCallback | None,
) -> FileOutcome:
    started = time.perf_counter()
    outcome = FileOutcome(path=str(path), status=Status.REFUSED)
    try:
        _check_readable(path)
        source = fingerprint(path)
        outcome.source_id = source.id
        known = engine.fetchall(
            "SELECT format, rows_rejected FROM sources WHERE sha256 = ?", [source.sha256]
        )
        if known and not (options.retry_rejected and int(known[0][1]) > 0):
            outcome.status = Status.UNCHANGED
            outcome.format = str(known[0][0])
            return outcome
        reader: Reader = reader_for(options.format) if options.format else detect_reader(path)
        outcome.format = reader.name
        with literal_path(path) as readable, engine.transaction():
            ctx = StageContext(engine, source, options, report, read_path=readable)
            ctx.format = reader.name
            if known:  # a retry: this load's record and rejections replace the earlier ones
                engine.execute("DELETE FROM quarantine WHERE source_id = ?", [source.id])
                engine.execute("DELETE FROM sources WHERE id = ?", [source.id])
            create_staging(engine)
            reader.stage(ctx)
            ctx.flush()
            result = commit_stage(ctx, reporting_currency)
            drop_staging(engine)
        outcome.status = Status.LOADED
        outcome.format = ctx.format
        outcome.inserted = result.inserted
        outcome.already_present = result.already_present
        outcome.rows_ok = result.rows_ok
        outcome.rows_rejected = result.rows_rejected
        outcome.problems = result.problems
        outcome.warnings = ctx.warnings + result.warnings
        outcome.conflicts = result.conflicts
    except BadInputError as exc:
        outcome.status = Status.REFUSED
        outcome.problems = exc.problems
        outcome.error_key = exc.key
        outcome.error_params = dict(exc.params)
    except MoneytrailError:
        raise  # a usage error or a full disk concerns every file of the batch
    except Exception as exc:  # a bug on this file must not cost the user the other files
        crash = write_crash_report(exc)
        outcome.status = Status.FAILED
        outcome.error_key = "error.internal_file"
        outcome.error_params = {"report": str(crash or "-")}
    finally:
        outcome.seconds = time.perf_counter() - started
    return outcome


def _check_readable(path: Path) -> None:
    if not path.exists():
        code = "file_not_found"
    elif path.is_dir():
        code = "file_is_directory"
    elif path.stat().st_size == 0:
        code = "file_empty"
    else:
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError:
            code = "file_unreadable"
        else:
            return
    raise BadInputError("error.file_refused", problems=[Problem(str(path), code)], file=str(path))
