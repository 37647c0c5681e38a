"""Run records: every multi-step job says what it was asked, and whether it finished.

Why: a job that writes many rows (``detect run``, model scoring, ``screen parties``, ``resolve
run``) writes them in **one transaction**, so a power cut or a ``kill -9`` in the middle leaves
none of them. But "none" must not look like "nothing found": the job first commits a record
``running`` in ``job_runs`` (migration 0007), then does all its work in its transaction and marks
the record ``done`` *inside that same transaction*, so the record and the results commit
together. After a kill the record is still ``running`` while its process is gone, and every
reader can say so: "the detect run 3f2a... started 2024-05-02 10:41 was interrupted; none of its
results were kept". A job that fails with an error rolls back and marks its record ``failed``
with the error. The next job of the same kind reports the interrupted records it found and
marks them ``interrupted``, so the warning is given once a later run has replaced them.

Who runs a record: ``owner`` is ``host:pid:process start``. A record ``running`` with another
owner is interrupted: a live DuckDB writer holds the workspace file locked, so no other process
can read the workspace while one runs; a record of this very process is still running.

Example::

    with recorded(engine, "detect", {"rules": ["structuring"]}) as run:
        with engine.transaction():
            ...  # every write of the job
            run.done(engine, {"alerts_new": 3})
    run.interrupted  # earlier runs of this kind found interrupted, to warn about
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psutil

from moneytrail._version import __version__
from moneytrail.engine.base import Engine
from moneytrail.i18n import translate
from moneytrail.model.ids import natural_key

KINDS = ("detect", "score", "screen", "resolve")
RUNNING, DONE, FAILED, INTERRUPTED = "running", "done", "failed", "interrupted"
STATUSES = (RUNNING, DONE, FAILED, INTERRUPTED)
_COLUMNS = "id, kind, started_at, finished_at, status, settings, code_version, counts, error, owner"


@dataclass(frozen=True)
class RunRecord:
    """One row of ``job_runs``."""

    id: str
    kind: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    settings: dict[str, Any]
    code_version: str
    counts: dict[str, Any] | None
    error: str | None
    owner: str

    def warning(self, lang: str | None = None) -> str:
        """The sentence that tells a user this run was interrupted and kept nothing."""
        return translate(
            "warning.job_interrupted",
            lang,
            kind=self.kind,
            id=self.id[:10],
            started=self.started_at.isoformat(sep=" ", timespec="minutes"),
        )


@dataclass
class JobRun:
    """The record of the job running now: its id, and the interrupted runs it found."""

    id: str
    kind: str
    interrupted: list[RunRecord] = field(default_factory=list)
    finished: bool = False

    def done(self, engine: Engine, counts: Mapping[str, Any]) -> None:
        """Mark the run ``done`` with what it did. Call it inside the job's transaction, so
        that the record and the results commit together (or not at all)."""
        _finish(engine, self.id, DONE, counts, None)
        self.finished = True


def process_owner() -> str:
    """``host:pid:start`` of this process (the start time tells a reused pid apart)."""
    pid = os.getpid()
    started = int(psutil.Process(pid).create_time() * 1000)
    return f"{socket.gethostname()}:{pid}:{started}"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def recorded(engine: Engine, kind: str, settings: Mapping[str, Any]) -> Iterator[JobRun]:
    """Record a job of ``kind`` run with ``settings`` (JSON-able) around the block.

    Before the block: the interrupted runs of the same kind are marked ``interrupted`` (and
    listed in ``run.interrupted``), and this run's record is committed as ``running``. After:
    ``done`` unless the block already called :meth:`JobRun.done`; ``failed`` with the error if
    the block raised before its results were committed (the error is raised again).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    owner = process_owner()
    started = _now()
    run = JobRun(natural_key("job_run", kind, started.isoformat(), owner), kind)
    with engine.transaction():
        run.interrupted = interrupted_runs(engine, [kind])
        for earlier in run.interrupted:
            engine.execute(
                "UPDATE job_runs SET status = ?, error = ? WHERE id = ?",
                [INTERRUPTED, f"interrupted; noticed by run {run.id}", earlier.id],
            )
        engine.execute(
            "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run.id, kind, started, RUNNING, _json(settings), __version__, owner],
        )
    try:
        yield run
    except BaseException as exc:
        # If even this fails, the record stays 'running' and readers call the run interrupted.
        with contextlib.suppress(Exception):
            _finish(engine, run.id, FAILED, None, _error_text(exc))
        raise
    if not run.finished:
        run.done(engine, {})


def interrupted_runs(engine: Engine, kinds: Sequence[str] = ()) -> list[RunRecord]:
    """Runs still ``running`` that belong to another (hence dead) process, oldest first;
    only those of ``kinds`` when given."""
    rows = engine.fetchall(
        f"SELECT {_COLUMNS} FROM job_runs WHERE status = ? AND owner <> ?"  # noqa: S608 - constant
        " AND (array_length(?) = 0 OR list_contains(?, kind)) ORDER BY started_at, id",
        [RUNNING, process_owner(), list(kinds), list(kinds)],
    )
    return [_record(row) for row in rows]


def runs(engine: Engine, kind: str | None = None, limit: int = 20) -> list[RunRecord]:
    """The latest run records (of ``kind`` when given), newest first."""
    rows = engine.fetchall(
        f"SELECT {_COLUMNS} FROM job_runs WHERE ? IS NULL OR kind = ?"  # noqa: S608 - constant
        " ORDER BY started_at DESC, id LIMIT ?",
        [kind, kind, limit],
    )
    return [_record(row) for row in rows]


def _finish(
    engine: Engine, run_id: str, status: str, counts: Mapping[str, Any] | None, error: str | None
) -> None:
    # Only a running record changes: an error raised after the job's transaction committed
    # (its record already 'done' with it) does not make its kept results look lost.
    engine.execute(
        "UPDATE job_runs SET status = ?, finished_at = ?, counts = ?, error = ?"
        " WHERE id = ? AND status = ?",
        [status, _now(), None if counts is None else _json(counts), error, run_id, RUNNING],
    )


def _record(row: tuple[Any, ...]) -> RunRecord:
    values = list(row)
    values[5] = json.loads(values[5]) if values[5] else {}
    values[7] = json.loads(values[7]) if values[7] else None
    return RunRecord(*values)


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return (f"{name}: {text}" if text else name)[:2000]
