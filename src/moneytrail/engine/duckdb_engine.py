"""DuckDB implementation of :class:`~moneytrail.engine.base.Engine` (the embedded default)."""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from moneytrail.engine.base import Params
from moneytrail.engine.dialect import DUCKDB, DuckDBDialect
from moneytrail.engine.errors import EngineError
from moneytrail.errors import BadInputError, MachineRefusedError, UsageError

if TYPE_CHECKING:
    import pyarrow as pa

# What DuckDB says when the database file itself is damaged (truncated, bytes flipped).
_DAMAGED = (
    "Corrupt database file",
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "database has been invalidated",
)
_FULL = ("No space left on device", "Disk quota exceeded", "File too large")
_NEWER = ("but we can only read version", "newer version of DuckDB", "created with a newer")


# DuckDB names the file an I/O error is about: 'Could not read enough bytes from file "x"'.
_FILE_NAMED = re.compile(r'file "([^"]+)"')


def translate_error(
    exc: BaseException, path: Path | None, attached: Sequence[Path] = ()
) -> BaseException:
    """An engine-neutral error for what DuckDB raised (``exc`` itself when not DuckDB's).

    Why here: only the engine knows its own messages; faces and analytics see a damaged
    workspace, a full disk or a busy workspace as the library's own errors, with a clear text,
    whichever engine is underneath, and any other failure as an :class:`EngineError`.
    ``path`` and ``attached`` are the engine's database files: a damaged *input* file (a
    truncated Parquet file an ingest reads) is an :class:`EngineError` for its reader to
    refuse, never a damaged workspace.
    """
    if not isinstance(exc, duckdb.Error):
        return exc
    text = str(exc)
    databases = [p for p in (path, *attached) if p is not None]
    where = str(databases[0]) if databases else ":memory:"
    first = text.splitlines()[0] if text else type(exc).__name__
    if any(s in text for s in _FULL):
        return MachineRefusedError("error.disk_full", path=where)
    if isinstance(exc, duckdb.OutOfMemoryException):
        return MachineRefusedError("error.out_of_memory", detail=first)
    if "Could not set lock on file" in text:
        return UsageError("error.workspace_locked", path=where, detail=first)
    if any(s in text for s in _NEWER):
        return UsageError("error.workspace_made_by_newer", path=where, detail=first)
    if any(s in text for s in _DAMAGED) and not _about_another_file(text, databases):
        return BadInputError("error.workspace_damaged", path=where, detail=first)
    return EngineError(text, kind=type(exc).__name__, engine="duckdb")


def _about_another_file(text: str, databases: Sequence[Path]) -> bool:
    """Whether DuckDB's message names a file that is none of ``databases``."""
    named = set(_FILE_NAMED.findall(text))
    ours = {str(d) for d in databases} | {f"{d}.wal" for d in databases}
    return bool(named) and not named & ours


class DuckDBEngine:
    """One DuckDB connection (file or in-memory).

    ``threads`` and ``memory_limit`` bound what DuckDB may take; laptops in the field have little
    RAM, so the default memory limit is DuckDB's own (80% of RAM) unless settings say otherwise.
    ``config`` passes further DuckDB options to the connection (:attr:`config` gives them all
    back, so that another instance can be opened alike). A lock serialises statements: DuckDB
    connections are not meant for concurrent statements; only :meth:`progress` is called from
    another thread (DuckDB allows it while a query runs). DuckDB never prints its own progress
    bar: faces draw progress from :meth:`progress` (and ``--json`` promises a clean stdout).
    """

    dialect: DuckDBDialect = DUCKDB

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        threads: int | None = None,
        memory_limit: str | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        options: dict[str, Any] = dict(config or {})
        if threads:
            options["threads"] = threads
        if memory_limit:
            options["memory_limit"] = memory_limit
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.config: dict[str, Any] = options
        self._attached: list[Path] = []
        self._lock = threading.RLock()
        self._con = self._connect()

    def _connect(self) -> duckdb.DuckDBPyConnection:
        database = ":memory:" if self.path is None else str(self.path)
        with self._translated():
            con = duckdb.connect(database, read_only=self.read_only, config=dict(self.config))
            con.execute("SET enable_progress_bar_print = false")
        return con

    def reopen(self) -> None:
        """Close the connection and open it again alike (same file, access mode, options).

        Why: the rule sandbox (:mod:`moneytrail.engine.sandbox`) must close the workspace's
        connection for a while; callers keep this object. Temporary tables and ``SET`` options
        of the closed connection are gone, as with any new connection.
        """
        with self._lock:
            with contextlib.suppress(duckdb.Error):
                self._con.close()
            self._con = self._connect()

    def attach(self, path: Path, catalog: str, *, read_only: bool = False) -> None:
        """``ATTACH`` the database file ``path`` as ``catalog`` (the rule sandbox hosts the
        workspace file so); DuckDB's errors about it are then the workspace's errors."""
        mode = " (READ_ONLY)" if read_only else ""
        target = self.dialect.literal(str(path))
        self._attached.append(path)
        try:
            self.execute(f"ATTACH {target} AS {self.dialect.quote(catalog)}{mode}")
        except BaseException:
            self._attached.remove(path)
            raise

    @property
    def version(self) -> str:
        return f"duckdb {duckdb.__version__}"

    def sql_for(self, sql: str) -> str:
        return self.dialect.prepare(sql)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Turn DuckDB's own errors into the library's errors or an :class:`EngineError`."""
        try:
            yield
        except duckdb.Error as exc:
            raise translate_error(exc, self.path, self._attached) from exc

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for code in ``moneytrail.engine`` only."""
        return self._con

    def execute(self, sql: str, params: Params = None) -> None:
        with self._lock, self._translated():
            self._con.execute(self.sql_for(sql), params)

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self._lock, self._translated():
            return self._con.execute(self.sql_for(sql), params).fetchall()

    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        with self._lock, self._translated():
            # con.sql() streams Arrow without the extra copy a DB-API result makes.
            return self._con.sql(self.sql_for(sql), params=params).to_arrow_table()

    def iter_batches(
        self, sql: str, params: Params = None, size: int = 100_000
    ) -> Iterator[pa.RecordBatch]:
        with self._lock, self._translated():
            reader = self._con.sql(self.sql_for(sql), params=params).to_arrow_reader(size)
            if reader is None:
                return
            yield from reader

    def append_arrow(self, table: str, data: pa.Table) -> None:
        with self._lock, self._translated():
            self._con.register("__mt_append", data)
            try:
                cols = ", ".join(self.dialect.quote(c) for c in data.column_names)
                self._con.execute(
                    f"INSERT INTO {self.dialect.quote(table)} ({cols})"  # noqa: S608 - identifiers are quoted
                    f" SELECT {cols} FROM __mt_append"
                )
            finally:
                self._con.unregister("__mt_append")

    def create_table_from_arrow(self, table: str, data: pa.Table) -> None:
        with self._lock, self._translated():
            self._con.register("__mt_create", data)
            try:
                self._con.execute(
                    f"CREATE OR REPLACE TABLE {self.dialect.quote(table)}"  # noqa: S608 - quoted
                    " AS SELECT * FROM __mt_create"
                )
            finally:
                self._con.unregister("__mt_create")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            with self._translated():
                self._con.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # a failed commit may have ended it
                    self._con.execute("ROLLBACK")
                raise
            else:
                with self._translated():
                    self._con.execute("COMMIT")

    def progress(self) -> float:
        try:
            return float(self._con.query_progress())
        except duckdb.Error:
            return -1.0

    def execute_watched(
        self, sql: str, params: Params, on_progress: Callable[[float], None], every: float = 0.2
    ) -> None:
        """Run one long statement in a worker thread; this thread calls ``on_progress(percent)``.

        Why: the caller usually holds the lock (inside :meth:`transaction`), so the worker uses
        the connection directly while this thread, still holding the lock, only polls
        ``query_progress`` (which DuckDB allows during a query).
        """
        errors: list[BaseException] = []
        statement = self.sql_for(sql)

        def work() -> None:
            try:
                self._con.execute(statement, params)
            except BaseException as exc:
                errors.append(exc)

        with self._lock:
            worker = threading.Thread(target=work, name="moneytrail-sql", daemon=True)
            worker.start()
            while True:
                worker.join(every)
                if not worker.is_alive():
                    break
                on_progress(self.progress())
        if errors:
            translated = translate_error(errors[0], self.path, self._attached)
            if translated is errors[0]:
                raise errors[0]
            raise translated from errors[0]

    @contextmanager
    def bounded_memory(self, limit: str) -> Iterator[None]:
        """DuckDB's ``memory_limit`` set to ``limit`` for the statements inside, spilling to
        ``temp_directory`` beyond it: the folder beside the database file (DuckDB's default),
        else, for an in-memory database, the system's temporary folder. Restored afterwards
        to what the connection was opened with (``memory_limit=`` or DuckDB's default)."""
        spill = self.fetchall("SELECT current_setting('temp_directory')")[0][0]
        if not spill:  # in memory: no folder of its own (DuckDB refuses to change it later)
            folder = Path(tempfile.gettempdir()) / "moneytrail-spill"
            self.execute(f"SET temp_directory = '{_quoted(str(folder))}'")
        self.execute(f"SET memory_limit = '{_quoted(limit)}'")
        try:
            yield
        finally:
            saved = self.config.get("memory_limit")
            if saved:
                self.execute(f"SET memory_limit = '{_quoted(str(saved))}'")
            else:
                self.execute("RESET memory_limit")

    def splink_api(self) -> Any:
        """``splink.DuckDBAPI`` over this connection (splink is imported here, on demand)."""
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self._con)

    def close(self) -> None:
        with self._lock, contextlib.suppress(duckdb.Error):
            self._con.close()


def _quoted(text: str) -> str:
    """``text`` inside a SQL string literal (``SET`` takes no bound parameter)."""
    return text.replace("'", "''")


def scratch_duckdb() -> DuckDBEngine:
    """A private in-memory DuckDB for work tables that must not outlive the call, without
    progress tracking (a little faster for the many short statements of a library)."""
    engine = DuckDBEngine()
    engine.execute("SET enable_progress_bar = false")
    return engine
