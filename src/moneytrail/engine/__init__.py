"""Engine interface: all SQL runs through an :class:`~moneytrail.engine.base.Engine`.

Only this package speaks to an engine's library (DuckDB today, Spark next): the protocol
(:mod:`~moneytrail.engine.base`), the dialect object behind which every engine-specific
construct sits (:mod:`~moneytrail.engine.dialect`), the one error a failed statement raises
(:mod:`~moneytrail.engine.errors`), and the implementations. Names are resolved on first use,
so that ``from moneytrail.engine.errors import EngineError`` does not load DuckDB.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - names for the type checker, loaded lazily at run time
    from moneytrail.engine.base import Engine, quote_ident
    from moneytrail.engine.dialect import Dialect, DuckDBDialect
    from moneytrail.engine.duckdb_engine import DuckDBEngine
    from moneytrail.engine.errors import EngineError
    from moneytrail.engine.spark_dialect import SparkDialect
    from moneytrail.engine.spark_engine import SparkEngine

ENGINE_KINDS = ("duckdb",)
"""Engines the shared ``engine``/``ws`` test fixtures run on. Spark is not among them yet:
those tests write with ``INSERT``/``CREATE TABLE``, which a Spark workspace (Parquet files)
refuses; Spark has its parity suite (tests/spark/, decision 0135)."""

OPENABLE_KINDS = ("duckdb", "spark")
"""Engines :func:`open_engine` opens (Spark needs the ``moneytrail[spark]`` extra and Java 17)."""

_LAZY = {
    "Engine": "moneytrail.engine.base",
    "quote_ident": "moneytrail.engine.base",
    "Dialect": "moneytrail.engine.dialect",
    "DuckDBDialect": "moneytrail.engine.dialect",
    "DuckDBEngine": "moneytrail.engine.duckdb_engine",
    "EngineError": "moneytrail.engine.errors",
    "SparkDialect": "moneytrail.engine.spark_dialect",
    "SparkEngine": "moneytrail.engine.spark_engine",
}

__all__ = [
    "ENGINE_KINDS",
    "OPENABLE_KINDS",
    "Dialect",
    "DuckDBDialect",
    "DuckDBEngine",
    "Engine",
    "EngineError",
    "SparkDialect",
    "SparkEngine",
    "open_engine",
    "quote_ident",
    "scratch_engine",
]


def open_engine(
    path: Path | str | None = None, *, kind: str = "duckdb", read_only: bool = False
) -> Engine:
    """An engine of ``kind`` on the database file ``path`` (in memory when ``None``); for
    ``"spark"``, ``path`` is the workspace folder of Parquet tables (pyspark is imported then)."""
    if kind == "spark":
        from moneytrail.engine.spark_engine import SparkEngine

        return SparkEngine(path, read_only=read_only)
    if kind != "duckdb":
        raise ValueError(f"unknown engine kind {kind!r} (known: {', '.join(OPENABLE_KINDS)})")
    from moneytrail.engine.duckdb_engine import DuckDBEngine

    return DuckDBEngine(path, read_only=read_only)


def scratch_engine(kind: str = "duckdb") -> Engine:
    """A private in-memory engine for work tables that must not outlive the call (splink's)."""
    if kind != "duckdb":
        raise ValueError(f"unknown engine kind {kind!r} (known: {', '.join(ENGINE_KINDS)})")
    from moneytrail.engine.duckdb_engine import scratch_duckdb

    return scratch_duckdb()


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
