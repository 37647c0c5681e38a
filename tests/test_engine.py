"""The engine interface: what analytics rely on, checked on every available engine.

The ``engine`` fixture (tests/conftest.py) is parametrised over ``ENGINE_KINDS``: each test
here runs once per engine kind.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pytest

from moneytrail.engine import DuckDBEngine, Engine, EngineError, open_engine, quote_ident
from moneytrail.engine.dialect import Dialect
from moneytrail.errors import MoneytrailError


def test_implements_the_protocol(engine: Engine) -> None:
    assert isinstance(engine, Engine)
    assert isinstance(engine.dialect, Dialect)
    assert engine.path is None  # in memory
    name, _, number = engine.version.partition(" ")
    assert name == engine.dialect.name and number


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


def test_a_table_is_created_from_arrow_with_its_types(engine: Engine) -> None:
    data = pa.table({"id": ["p1", "p2"], "aliases": [["Moussa"], []], "n": [1, 2]})
    engine.create_table_from_arrow("mt_parties", data)
    engine.create_table_from_arrow("mt_parties", data.slice(0, 1))  # replaced, not appended
    assert engine.fetch_arrow("SELECT * FROM mt_parties").to_pylist() == [
        {"id": "p1", "aliases": ["Moussa"], "n": 1}
    ]


@pytest.mark.parametrize(
    ("sql", "params", "first_line"),
    [
        ("SELECT CAST(? AS INTEGER)", ["douze"], "Conversion Error"),
        ("SELECT * FROM no_such_table", None, "Catalog Error"),
        ("SELEC 1", None, "Parser Error"),
    ],
)
def test_a_failed_statement_raises_the_engine_neutral_error(
    engine: Engine, sql: str, params: list[str] | None, first_line: str
) -> None:
    with pytest.raises(EngineError) as caught:
        engine.fetchall(sql, params)
    error = caught.value
    assert error.detail.startswith(first_line)
    assert "\n" not in error.detail
    assert error.engine == engine.dialect.name and error.kind
    assert not isinstance(error, MoneytrailError)  # a statement we wrote is a bug unless caught


def test_every_way_of_running_sql_raises_the_same_error(engine: Engine) -> None:
    calls = [
        lambda: engine.execute("SELECT * FROM nowhere"),
        lambda: engine.fetch_arrow("SELECT * FROM nowhere"),
        lambda: list(engine.iter_batches("SELECT * FROM nowhere")),
        lambda: engine.execute_watched("SELECT * FROM nowhere", None, lambda pct: None),
        lambda: engine.append_arrow("nowhere", pa.table({"x": [1]})),
    ]
    for call in calls:
        with pytest.raises(EngineError, match="nowhere"):
            call()


def test_a_watched_statement_reports_its_progress(engine: Engine) -> None:
    seen: list[float] = []
    engine.execute_watched(
        "CREATE TABLE big AS SELECT range AS n FROM range(3000000) ORDER BY random()",
        None,
        seen.append,
        every=0.01,
    )
    assert engine.fetchall("SELECT count(*) FROM big") == [(3_000_000,)]
    assert all(-1.0 <= pct <= 100.0 for pct in seen)


def test_sql_for_is_the_dialects_preparation(engine: Engine) -> None:
    sql = "SELECT list_contains(?, kind) FROM accounts QUALIFY row_number() OVER () = 1"
    assert engine.sql_for(sql) == engine.dialect.prepare(sql)
    if engine.dialect.name == "duckdb":  # the canonical dialect: nothing to transpile
        assert engine.sql_for(sql) is sql


def test_the_splink_api_runs_on_the_engine(engine: Engine) -> None:
    api = engine.splink_api()
    assert api.sql_dialect.sql_dialect_str == engine.dialect.name


def test_a_file_engine_says_where_it_lives_and_reopens_alike(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    engine = DuckDBEngine(path, threads=1, config={"preserve_insertion_order": False})
    try:
        assert engine.path == path
        engine.execute("CREATE TABLE t AS SELECT 1 AS x")
        engine.execute("CREATE TEMP TABLE gone AS SELECT 1 AS x")
        engine.reopen()
        assert engine.fetchall("SELECT x FROM t") == [(1,)]
        with pytest.raises(EngineError, match="gone"):  # a new connection: temp tables are gone
            engine.fetchall("SELECT * FROM gone")
        settings = "SELECT current_setting('threads'), current_setting('preserve_insertion_order')"
        assert engine.fetchall(settings) == [(1, False)]
        assert engine.config == {"preserve_insertion_order": False, "threads": 1}
    finally:
        engine.close()
    reader = open_engine(path, read_only=True)
    try:
        assert reader.fetchall("SELECT x FROM t") == [(1,)]
        with pytest.raises(EngineError, match="read-only"):
            reader.execute("INSERT INTO t VALUES (2)")
    finally:
        reader.close()


def test_the_engine_never_prints_its_own_progress_bar(engine: Engine) -> None:
    if engine.dialect.name != "duckdb":  # pragma: no cover - a DuckDB setting
        pytest.skip("DuckDB's own setting")
    assert engine.fetchall("SELECT current_setting('enable_progress_bar_print')") == [(False,)]


def test_progress_is_polled_from_another_thread(engine: Engine) -> None:
    values: list[float] = []
    poller = threading.Thread(target=lambda: values.append(engine.progress()))
    poller.start()
    poller.join()
    assert values and -1.0 <= values[0] <= 100.0


def test_an_unknown_engine_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="oracle"):
        open_engine(kind="oracle")
