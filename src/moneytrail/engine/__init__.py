"""Engine interface: all SQL runs through an :class:`~moneytrail.engine.base.Engine`."""

from moneytrail.engine.base import Engine, quote_ident
from moneytrail.engine.duckdb_engine import DuckDBEngine

__all__ = ["DuckDBEngine", "Engine", "quote_ident"]
