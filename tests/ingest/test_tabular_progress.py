"""The long statement of a tabular ingest runs in a worker while the caller reports progress."""

from __future__ import annotations

import pytest

from moneytrail.engine.duckdb_engine import DuckDBEngine
from moneytrail.engine.errors import EngineError


def test_progress_is_polled_inside_a_transaction_without_deadlock() -> None:
    engine = DuckDBEngine()
    seen: list[float] = []
    try:
        with engine.transaction():  # the ingest holds the engine lock the whole time
            engine.execute_watched(
                "CREATE TEMP TABLE x AS SELECT i % 7 AS k, count(*) AS n"
                " FROM range(60000000) t(i) GROUP BY ALL",
                [],
                seen.append,
                every=0.01,
            )
        assert engine.fetchall("SELECT sum(n) FROM x") == [(60000000,)]
    finally:
        engine.close()
    assert seen, "progress was never polled"
    assert all(-1.0 <= p <= 100.0 for p in seen)


def test_worker_errors_reach_the_caller() -> None:
    engine = DuckDBEngine()
    try:
        with pytest.raises(EngineError, match="no_such_table"):
            engine.execute_watched("SELECT * FROM no_such_table", [], lambda _p: None)
    finally:
        engine.close()
