"""The engine interface: what analytics rely on, checked on every available engine."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest

from moneytrail.engine import DuckDBEngine, Engine, quote_ident


@pytest.fixture(params=["duckdb"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Every engine implementation (Spark joins this list when it exists)."""
    eng = DuckDBEngine()
    try:
        yield eng
    finally:
        eng.close()


def test_implements_the_protocol(engine: Engine) -> None:
    assert isinstance(engine, Engine)


def test_bound_parameters_and_hostile_identifiers(engine: Engine) -> None:
    name = 'montant"; DROP TABLE x; --'
    engine.execute(f"CREATE TABLE t ({quote_ident(name)} VARCHAR)")
    engine.execute("INSERT INTO t VALUES (?)", ["Aïssata Maïga ' OR 1=1"])
    assert engine.fetchall("SELECT * FROM t") == [("Aïssata Maïga ' OR 1=1",)]


def test_transaction_rolls_back_on_error(engine: Engine) -> None:
    engine.execute("CREATE TABLE t (v INTEGER)")
    with pytest.raises(RuntimeError), engine.transaction():
        engine.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("crash in the middle")
    assert engine.fetchall("SELECT count(*) FROM t") == [(0,)]


def test_arrow_in_and_out(engine: Engine) -> None:
    engine.execute("CREATE TABLE t (name VARCHAR, n BIGINT)")
    engine.append_arrow("t", pa.table({"n": [1, 2], "name": ["محمد", "Traoré"]}))
    table = engine.fetch_arrow("SELECT * FROM t ORDER BY n")
    assert table.column("name").to_pylist() == ["محمد", "Traoré"]
    batches = list(engine.iter_batches("SELECT * FROM range(250000)", size=100_000))
    assert sum(b.num_rows for b in batches) == 250_000
