"""A locked-down DuckDB for running SQL that came from outside the code (typology rule files).

The load-time check (:mod:`moneytrail.detect.rules.guard`) refuses a rule that names a file, a
URL or a dangerous function. This is the second, independent wall: the rules run on a DuckDB
instance where

* ``enable_external_access = false``: no file outside the database, no URL, no ``ATTACH``,
  no ``COPY ... TO``, no ``INSTALL`` (DuckDB refuses them with a ``Permission Error``);
* ``autoload_known_extensions`` / ``autoinstall_known_extensions`` /
  ``allow_community_extensions`` / ``allow_unsigned_extensions = false``: a query cannot
  pull ``httpfs`` (or any extension) in behind our back;
* ``lock_configuration = true``: nothing above can be ``SET`` back by the SQL that runs.

Why a separate instance: DuckDB refuses to turn external access back on in a running
instance, and an in-process instance is shared by every connection opened on the same file
with the same configuration. Locking the workspace's own connection would leave it locked
for the rest of the process (an ingest after ``ws.detect()`` could not read its file). So
:func:`locked_down`:

1. closes the workspace connection (DuckDB checkpoints; committed work is on disk);
2. opens a fresh **in-memory** instance with the workspace connection's options
   (:attr:`DuckDBEngine.config`: threads, memory limit), ``ATTACH``es the workspace file into
   it (read-only when the workspace was opened so) and makes it the default catalog (rules
   read ``transactions`` and write ``alerts`` unchanged), points its spill folder beside the
   workspace file (as DuckDB's default for a file does), then locks it down and checks that
   every setting took;
3. yields that engine; when the block ends (or fails) closes it and reopens the workspace's
   engine in place (:meth:`DuckDBEngine.reopen`, same file, mode and options).

The in-memory host guarantees a fresh instance: if anything else in this process still holds
the workspace file, DuckDB refuses the ``ATTACH`` ("unique file handle conflict") rather than
share it, and :func:`locked_down` reopens the workspace and raises a usage error.

Trade-offs, named: the workspace's connection is closed for the duration of the block, so
its temporary tables, registered Arrow views and ``SET`` options are gone afterwards (no caller
keeps any across ``run_rules``), and another process could take the file in the gap between
close and reopen (the reopen then fails with a usage error saying so). An **in-memory**
engine (tests, doctests) cannot be closed without losing its data: it is locked down in place,
for the rest of its life. Engines other than DuckDB pass through unchanged: none exists yet,
and the static check is then the only wall.

>>> from moneytrail.engine import DuckDBEngine
>>> with locked_down(DuckDBEngine()) as engine:
...     engine.fetchall("SELECT current_setting('enable_external_access')")
[(False,)]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlglot.expressions as sx

from moneytrail.engine.base import Engine
from moneytrail.engine.duckdb_engine import DuckDBEngine
from moneytrail.engine.errors import EngineError
from moneytrail.errors import UsageError

LOCKDOWN: dict[str, bool] = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}
"""Settings of the locked-down instance (``lock_configuration`` is set last, on top)."""

CATALOG = "workspace"


@contextmanager
def locked_down(engine: Engine, options: Mapping[str, Any] | None = None) -> Iterator[Engine]:
    """An engine on the same workspace with external access disabled, for the block.

    ``options`` are further DuckDB settings applied before the lock (e.g.
    ``{"enable_progress_bar_print": False}``): once locked, nothing can be ``SET``.
    """
    if not isinstance(engine, DuckDBEngine):
        yield engine
        return
    if engine.path is None:
        _lock(engine, options or {})
        yield engine
        return
    path = engine.path
    engine.close()
    try:
        sandbox = _attached(engine, path)
    except BaseException:
        _reopen(engine)
        raise
    try:
        _lock(sandbox, options or {})
        yield sandbox
    finally:
        sandbox.close()
        _reopen(engine)


def _attached(workspace: DuckDBEngine, path: Path) -> DuckDBEngine:
    """A fresh in-memory instance, opened like ``workspace``, with its file ``path`` attached
    as the default catalog."""
    sandbox = DuckDBEngine(config=workspace.config)
    spill = sx.Literal.string(f"{path}.tmp").sql(dialect="duckdb")
    try:
        sandbox.attach(path, CATALOG, read_only=workspace.read_only)
    except EngineError as exc:
        sandbox.close()
        raise UsageError("error.rule_sandbox_shared", path=str(path), detail=exc.detail) from exc
    sandbox.execute(f"USE {CATALOG}")
    sandbox.execute(f"SET temp_directory = {spill}")
    return sandbox


def _lock(engine: DuckDBEngine, options: Mapping[str, Any]) -> None:
    """Apply ``options`` and :data:`LOCKDOWN`, lock the configuration, check every value."""
    if not _is_locked(engine):
        for name, value in {**options, **LOCKDOWN}.items():
            literal = sx.convert(value).sql(dialect="duckdb")
            engine.execute(f"SET {sx.to_identifier(name).sql(dialect='duckdb')} = {literal}")
        engine.execute("SET lock_configuration = true")
    if not _is_locked(engine):
        raise RuntimeError("the DuckDB lockdown did not take")  # a DuckDB change; never a user's


def _is_locked(engine: DuckDBEngine) -> bool:
    names = [*LOCKDOWN, "lock_configuration"]
    rows = engine.fetchall(
        "SELECT name, lower(value) FROM duckdb_settings() WHERE list_contains(?, name)", [names]
    )
    values = dict(rows)
    return values.get("lock_configuration") == "true" and all(
        values.get(name) == str(value).lower() for name, value in LOCKDOWN.items()
    )


def _reopen(engine: DuckDBEngine) -> None:
    """Open the workspace's engine again, in place (callers keep their object)."""
    try:
        engine.reopen()
    except EngineError as exc:
        raise UsageError(
            "error.rule_sandbox_reopen", path=str(engine.path), detail=exc.detail
        ) from exc
