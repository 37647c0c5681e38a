"""The engine interface every analytic and reader talks to.

Shaped after splink's database API: a small protocol (execute, fetch, load Arrow, transaction,
progress) and a dialect name. SQL given to an engine uses bound parameters (``?``) for values and
:func:`quote_ident` for names that come from users (mapping column names), never string
formatting of user values. A Spark implementation will provide the same protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa
import sqlglot.expressions as sx

Params = Sequence[Any] | None


@runtime_checkable
class Engine(Protocol):
    """What analytics need from a SQL engine."""

    @property
    def dialect(self) -> str:
        """sqlglot dialect name of the engine ("duckdb", "spark")."""
        ...

    def execute(self, sql: str, params: Params = None) -> None:
        """Run a statement, discarding any result."""
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

    def transaction(self) -> AbstractContextManager[None]:
        """All statements inside commit together or not at all."""
        ...

    def progress(self) -> float:
        """Percentage done of the query running now on another thread, or -1 when unknown."""
        ...

    def close(self) -> None:
        """Release the database."""
        ...


def quote_ident(name: str, dialect: str = "duckdb") -> str:
    """Quote ``name`` as an SQL identifier for ``dialect`` (safe for any user text)."""
    return sx.to_identifier(name, quoted=True).sql(dialect=dialect)
