"""The engine interface every analytic and reader talks to.

Shaped after splink's database API: a small protocol (execute, fetch, load Arrow, transaction,
progress) and a dialect object (:mod:`moneytrail.engine.dialect`) behind which everything
engine-specific sits. SQL given to an engine is written in the canonical dialect (DuckDB's);
the engine runs :meth:`Engine.sql_for` of it (identity on DuckDB, a sqlglot transpilation
elsewhere). Values are bound parameters (``?``) and names that come from users (mapping column
names) go through :func:`quote_ident`, never string formatting of user values.

Errors: a statement the engine cannot run raises
:class:`~moneytrail.engine.errors.EngineError` (with the engine's first message line); a
damaged, busy or too new workspace, a full disk or exhausted memory raise the library's own
errors (:mod:`moneytrail.errors`). No engine library's exception leaves the engine package.
A Spark implementation will provide the same protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pyarrow as pa

    from moneytrail.engine.dialect import Dialect

Params = Sequence[Any] | None


@runtime_checkable
class Engine(Protocol):
    """What analytics need from a SQL engine."""

    @property
    def dialect(self) -> Dialect:
        """The engine's dialect: what is engine-specific in its SQL."""
        ...

    @property
    def path(self) -> Path | None:
        """The database file, ``None`` for an in-memory database."""
        ...

    @property
    def version(self) -> str:
        """Engine name and version (``"duckdb 1.2.0"``), part of cache keys of derived data."""
        ...

    def sql_for(self, sql: str) -> str:
        """Canonical ``sql`` as this engine runs it (``dialect.prepare``)."""
        ...

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement, discarding any result."""
        ...

    def execute_watched(
        self, sql: str, params: Params, on_progress: Callable[[float], None], every: float = 0.2
    ) -> None:
        """Run one long statement, calling ``on_progress(percent)`` (``-1``: unknown) about
        every ``every`` seconds while it runs; an engine that cannot tell just runs it."""
        ...

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query and return all rows as tuples (for small results only)."""
        ...

    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        """Run a query and return an Arrow table (columnar, for large results)."""
        ...

    def iter_batches(
        self, sql: str, params: Params = None, size: int = 100_000
    ) -> Iterator[pa.RecordBatch]:
        """Run a query and stream its result as Arrow record batches."""
        ...

    def append_arrow(self, table: str, data: pa.Table) -> None:
        """Append an Arrow table to an existing table, matching columns by name."""
        ...

    def create_table_from_arrow(self, table: str, data: pa.Table) -> None:
        """Create (or replace) ``table`` holding ``data``, with its columns and types."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """All statements inside commit together or not at all."""
        ...

    def progress(self) -> float:
        """Percentage done of the query running now on another thread, or -1 when unknown."""
        ...

    def bounded_memory(self, limit: str) -> AbstractContextManager[None]:
        """Statements inside hold at most ``limit`` (``"1GiB"``) in memory and spill the rest
        to disk; the engine's own limit is restored afterwards."""
        ...

    def splink_api(self) -> Any:
        """splink's database API object over this engine (``splink.DuckDBAPI`` on DuckDB)."""
        ...

    def close(self) -> None:
        """Release the database."""
        ...


def quote_ident(name: str, dialect: str = "duckdb") -> str:
    """Quote ``name`` as an SQL identifier for ``dialect`` (safe for any user text)."""
    import sqlglot.expressions as sx  # on first use: sqlglot is not needed to read

    return sx.to_identifier(name, quoted=True).sql(dialect=dialect)
