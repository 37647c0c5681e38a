"""DuckDB implementation of :class:`~moneytrail.engine.base.Engine` (the embedded default)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from moneytrail.engine.base import Params, quote_ident


class DuckDBEngine:
    """One DuckDB connection (file or in-memory).

    ``threads`` and ``memory_limit`` bound what DuckDB may take; laptops in the field have little
    RAM, so the default memory limit is DuckDB's own (80% of RAM) unless settings say otherwise.
    A lock serialises statements: DuckDB connections are not meant for concurrent statements;
    only :meth:`progress` is called from another thread (DuckDB allows it while a query runs).
    """

    dialect = "duckdb"

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        database = ":memory:" if path is None else str(path)
        self._con = duckdb.connect(database, read_only=read_only, config=config)
        self._lock = threading.RLock()
        self.path = None if path is None else Path(path)

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for code in ``moneytrail.engine`` only."""
        return self._con

    def execute(self, sql: str, params: Params = None) -> None:
        with self._lock:
            self._con.execute(sql, params)

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        with self._lock:
            # con.sql() streams Arrow without the extra copy a DB-API result makes.
            return self._con.sql(sql, params=params).to_arrow_table()

    def iter_batches(
        self, sql: str, params: Params = None, size: int = 100_000
    ) -> Iterator[pa.RecordBatch]:
        with self._lock:
            reader = self._con.sql(sql, params=params).to_arrow_reader(size)
            if reader is None:
                return
            yield from reader

    def append_arrow(self, table: str, data: pa.Table) -> None:
        with self._lock:
            self._con.register("__mt_append", data)
            try:
                cols = ", ".join(quote_ident(c) for c in data.column_names)
                self._con.execute(
                    f"INSERT INTO {quote_ident(table)} ({cols}) SELECT {cols} FROM __mt_append"  # noqa: S608 - identifiers are quoted
                )
            finally:
                self._con.unregister("__mt_append")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            else:
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

        def work() -> None:
            try:
                self._con.execute(sql, params)
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
            raise errors[0]

    def close(self) -> None:
        with self._lock:
            self._con.close()
