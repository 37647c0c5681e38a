"""The dialect object: engine-specific constructs behind functions, the rest transpiled.

Each construct function is run on the engines of ``ENGINE_KINDS`` (the ``engine`` fixture);
the transpilation tests show what sqlglot does for Spark, the next engine, so that a change
of sqlglot that breaks a promise of docs/api.md fails here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.engine import DuckDBEngine, Engine, EngineError
from moneytrail.engine.dialect import (
    DUCKDB,
    NATIVE,
    CsvOptions,
    native,
    transpile,
    unportable_constructs,
)
from moneytrail.model.tables import STAGING, ColumnType


def test_a_temporary_table_is_created_replaced_and_private(engine: Engine) -> None:
    table = STAGING["identifiers"]
    engine.execute(engine.dialect.create_temp_table(table.name, table))
    engine.execute(f"INSERT INTO {table.name} (owner_id) VALUES ('a')")
    engine.execute(engine.dialect.create_temp_table(table.name, table))  # replaced: empty again
    assert engine.fetchall(f"SELECT count(*) FROM {table.name}") == [(0,)]
    engine.execute(engine.dialect.create_temp_table_as("t2", "SELECT 1 AS x"))
    engine.execute(engine.dialect.create_temp_table_as("t2", "SELECT 2 AS x"))
    assert engine.fetchall("SELECT x FROM t2") == [(2,)]


def test_column_definitions_carry_types_nullability_and_keys() -> None:
    from moneytrail.model.tables import SETTINGS

    assert DUCKDB.column_definitions(SETTINGS) == (
        '"key" VARCHAR NOT NULL, "value" VARCHAR NOT NULL, PRIMARY KEY ("key")'
    )
    assert DUCKDB.type_name(ColumnType.AMOUNT) == "DECIMAL(38, 8)"
    assert DUCKDB.type_name(ColumnType.TEXT_LIST) == "VARCHAR[]"


# -- the as-of join --------------------------------------------------------------------------
RATES = [("EUR", date(1999, 1, 1), 655.957), ("USD", date(2024, 1, 1), 600.0)]
RATES += [("USD", date(2024, 3, 1), 610.0), ("USD", date(2024, 6, 1), 590.0)]
DAYS = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 2, 29), date(2024, 3, 1), date(2025, 1, 1)]


def _rates_and_days(engine: Engine, rates: list[tuple[str, date, float]], days: list[date]) -> None:
    engine.execute("CREATE OR REPLACE TABLE r (currency VARCHAR, valid_from DATE, rate DOUBLE)")
    engine.execute("CREATE OR REPLACE TABLE c (n INTEGER, currency VARCHAR, day DATE)")
    for row in rates:
        engine.execute("INSERT INTO r VALUES (?, ?, ?)", list(row))
    for n, day in enumerate(days):
        for currency in ("EUR", "USD", "XOF"):
            engine.execute("INSERT INTO c VALUES (?, ?, ?)", [n, currency, day])


def _joined(engine: Engine, join: str) -> list[tuple[object, ...]]:
    return engine.fetchall(f"SELECT c.n, c.currency, x.rate FROM c{join} ORDER BY c.n, c.currency")


def _asof(engine: Engine, portable: bool) -> str:
    build = engine.dialect.portable_asof_left_join if portable else engine.dialect.asof_left_join
    return build(
        "r", "x", keys=[("c.currency", "currency")], left_time="c.day", right_time="valid_from"
    )


def test_the_asof_join_takes_the_rate_in_force_on_the_day(engine: Engine) -> None:
    _rates_and_days(engine, RATES, DAYS)
    usd = [rate for n, currency, rate in _joined(engine, _asof(engine, False)) if currency == "USD"]
    assert usd == [None, 600.0, 600.0, 610.0, 590.0]
    xof = [rate for _, currency, rate in _joined(engine, _asof(engine, False)) if currency == "XOF"]
    assert xof == [None] * len(DAYS)  # no rate: NULL, the row is kept


@settings(max_examples=40)
@given(
    rates=st.lists(
        st.tuples(
            st.sampled_from(["EUR", "USD"]),
            st.dates(date(2023, 1, 1), date(2024, 12, 31)),
            st.integers(1, 1000).map(float),
        ),
        max_size=8,
        unique_by=lambda r: (r[0], r[1]),
    ),
    days=st.lists(st.dates(date(2022, 6, 1), date(2025, 6, 1)), min_size=1, max_size=6),
)
def test_the_portable_asof_join_agrees_with_the_native_one(
    rates: list[tuple[str, date, float]], days: list[date]
) -> None:
    engine = DuckDBEngine()
    try:
        _rates_and_days(engine, rates, days)
        assert _joined(engine, _asof(engine, True)) == _joined(engine, _asof(engine, False))
    finally:
        engine.close()


def test_the_portable_asof_join_transpiles_to_spark_as_plain_sql() -> None:
    join = _asof(DuckDBEngine(), True)
    sql = f"SELECT c.n, x.rate FROM c{join}"
    assert unportable_constructs(sql) == []
    assert "ASOF" not in transpile(sql, "spark")
    assert unportable_constructs(f"SELECT c.n, x.rate FROM c{_asof(DuckDBEngine(), False)}") == [
        "ASOF join"
    ]


# -- file readers ----------------------------------------------------------------------------
def test_a_csv_is_read_as_text_with_its_bad_lines_set_aside(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "relevé d'Aïcha.csv"
    path.write_text("date;montant\n2024-01-02;0012\n2024-01-03;5;extra\n2024-01-04;7\n", "utf-8")
    options = CsvOptions(columns=("c0", "c1"), delimiter=";", rejects="rej")
    for table in engine.dialect.rejects_tables("rej"):
        engine.execute(f"DROP TABLE IF EXISTS {table}")
    rows = engine.fetchall(f"SELECT * FROM {engine.dialect.read_csv(str(path), options)}")
    assert rows == [("2024-01-02", "0012"), ("2024-01-04", "7")]  # text, leading zeros kept
    rejected = engine.fetchall("SELECT line, csv_line, error_type FROM rej")
    assert [(line, text) for line, text, _ in rejected] == [(3, "2024-01-03;5;extra")]


def test_a_csv_without_a_rejects_table_fails_on_a_bad_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\tb\n1\t2\n3\n", "utf-8")
    options = CsvOptions(columns=("c0", "c1"), delimiter="\t", strict=True, null_padding=False)
    with pytest.raises(EngineError):
        engine.fetchall(f"SELECT * FROM {engine.dialect.read_csv(str(path), options)}")


def test_a_parquet_file_is_read_with_its_row_numbers(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"name": ["Moussa", "Awa", "Fatou"]}), path, row_group_size=1)
    relation = engine.dialect.read_parquet(str(path), file_row_number=True)
    rows = engine.fetchall(f"SELECT file_row_number, name FROM {relation} ORDER BY 1")
    assert rows == [(0, "Moussa"), (1, "Awa"), (2, "Fatou")]
    plain = engine.fetchall(f"SELECT * FROM {engine.dialect.read_parquet(str(path))} LIMIT 1")
    assert plain == [("Moussa",)]


def test_row_positions_follow_insertion_order(engine: Engine) -> None:
    engine.execute(engine.dialect.create_temp_table_as("t", "SELECT * FROM range(5) r(n)"))
    position = engine.dialect.row_position("t")
    rows = engine.fetchall(f"SELECT {position} - min({position}) OVER (), n FROM t ORDER BY 1")
    assert rows == [(i, i) for i in range(5)]


# -- what prepare transpiles ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("duckdb", "spark"),
    [
        ("SELECT list_contains(?, kind) FROM t", "SELECT ARRAY_CONTAINS(?, kind) FROM t"),
        ("SELECT list_filter(l, x -> x > 1) FROM t", "SELECT FILTER(l, x -> x > 1) FROM t"),
        ("SELECT array_to_string(l, ', ') FROM t", "SELECT ARRAY_JOIN(l, ', ') FROM t"),
        ("SELECT unnest(l) AS v FROM t", "SELECT EXPLODE(l) AS v FROM t"),
        ("SELECT x::VARCHAR FROM t", "SELECT CAST(x AS STRING) FROM t"),
        ("SELECT array_length(l) FROM t", "SELECT SIZE(l) FROM t"),
        ("SELECT * FROM read_parquet('a.parquet')", "SELECT * FROM parquet.`a.parquet`"),
    ],
)
def test_what_sqlglot_transpiles_stays_inline(duckdb: str, spark: str) -> None:
    assert transpile(duckdb, "spark") == spark
    assert DUCKDB.prepare(duckdb) == duckdb


def test_len_of_a_list_does_not_transpile_faithfully() -> None:
    # Why the code writes array_length(l): sqlglot takes len() for the length of a text.
    assert transpile("SELECT len(l) FROM t", "spark") == "SELECT LENGTH(l) FROM t"


def test_qualify_becomes_a_window_in_a_subquery() -> None:
    sql = "SELECT a, b FROM t QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) = 1"
    spark = transpile(sql, "spark")
    assert "QUALIFY" not in spark and "ROW_NUMBER() OVER (PARTITION BY a" in spark


def test_a_native_statement_is_left_alone() -> None:
    statement = native("CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1")
    assert statement.startswith(NATIVE) and native(statement) == statement
    assert DUCKDB.prepare(statement) == "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1"


def test_constructs_sqlglot_would_let_through_are_named() -> None:
    sql = (
        "SELECT rowid, epoch_us(ts), list(id ORDER BY ts) FROM read_csv('x.csv')"
        " ASOF LEFT JOIN r ON t.a = r.a AND t.ts >= r.ts"
    )
    found = unportable_constructs(sql)
    assert "rowid" in found and "ASOF join" in found
    assert "function epoch_us()" in found and "function read_csv()" in found
    assert any(f.startswith("ordered aggregate") for f in found)
    assert unportable_constructs("SELECT list_contains(l, 1), count(*) FROM t") == []
