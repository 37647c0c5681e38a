"""The tables declared once (moneytrail.model.tables) are the tables a workspace has.

Migrations are frozen SQL history; the declarations are what code generates layouts from
(staging DDL, Arrow schemas, the generator's Parquet files). These tests fail as soon as the
two disagree on a table, a column, its position, its type, its nullability or a key.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pytest

from moneytrail.engine import Engine
from moneytrail.engine.schema import migrate
from moneytrail.ingest import canonical
from moneytrail.ingest.pipeline import create_staging, drop_staging
from moneytrail.model import tables
from moneytrail.model.tables import WORKSPACE, Column, ColumnType, Table
from moneytrail.synth import writer

Layout = list[tuple[str, str, bool]]


def _sql_type(engine: Engine, column: Column) -> str:
    return engine.dialect.type_name(column.type).replace(" ", "").upper()


def _declared(engine: Engine, table: Table) -> Layout:
    return [(c.name, _sql_type(engine, c), c.nullable) for c in table.columns]


def _columns(engine: Engine, catalog: str) -> dict[str, Layout]:
    rows = engine.fetchall(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_catalog = ? AND table_schema = 'main'"
        " ORDER BY table_name, ordinal_position",
        [catalog],
    )
    found: dict[str, Layout] = defaultdict(list)
    for table, column, data_type, nullable in rows:
        found[table].append((column, str(data_type).replace(" ", "").upper(), nullable == "YES"))
    return dict(found)


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    migrate(engine)
    return engine


def test_a_migrated_workspace_has_exactly_the_declared_tables(migrated: Engine) -> None:
    catalog = migrated.fetchall("SELECT current_database()")[0][0]
    found = _columns(migrated, catalog)
    assert sorted(found) == sorted(WORKSPACE)
    for name, table in WORKSPACE.items():
        assert found[name] == _declared(migrated, table), name


def test_primary_keys_are_the_declared_ones(migrated: Engine) -> None:
    rows = migrated.fetchall(
        "SELECT k.table_name, k.column_name FROM information_schema.key_column_usage k"
        " JOIN information_schema.table_constraints c ON c.constraint_name = k.constraint_name"
        " AND c.table_name = k.table_name WHERE c.constraint_type = 'PRIMARY KEY'"
        " ORDER BY k.table_name, k.ordinal_position"
    )
    keys: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for table, column in rows:
        keys[table] += (column,)
    assert dict(keys) == {n: t.primary_key for n, t in WORKSPACE.items() if t.primary_key}


def test_the_staging_ddl_is_generated_from_the_declarations(migrated: Engine) -> None:
    create_staging(migrated)
    found = _columns(migrated, "temp")
    for table in tables.STAGING.values():
        assert found[table.name] == _declared(migrated, table)
        assert all(nullable for _, _, nullable in found[table.name])  # the commit checks values
    drop_staging(migrated)
    assert not set(_columns(migrated, "temp")) & {t.name for t in tables.STAGING.values()}


def test_staging_is_the_canonical_table_less_what_the_commit_adds() -> None:
    for kind, staging in tables.STAGING.items():
        canonical_table = tables.CANONICAL[kind]
        assert set(staging.names) <= set(canonical_table.names)
        order = [n for n in canonical_table.names if n in staging.names]
        assert list(staging.names) == order, kind
        for col in staging.columns:
            assert col.type is canonical_table.column(col.name).type
    assert "source_id" not in tables.STAGING["transactions"].names
    assert "amount_reporting" not in tables.STAGING["transactions"].names


def test_the_arrow_layouts_of_readers_and_generator_come_from_the_declarations() -> None:
    for kind, table in tables.STAGING.items():
        assert canonical.STAGING[kind].equals(table.arrow_schema()), kind
        assert canonical.staging_table(kind) == table.name
    assert writer.TRANSACTIONS.equals(canonical.TRANSACTIONS)
    # The canonical Parquet layout is a published format: its transactions, frozen here.
    amount = pa.decimal128(38, 8)
    frozen = pa.schema(
        [
            ("id", pa.string()),
            ("ext_id", pa.string()),
            ("ts", pa.timestamp("us")),
            ("src_account_id", pa.string()),
            ("dst_account_id", pa.string()),
            ("amount", amount),
            ("currency", pa.string()),
            ("channel", pa.string()),
            ("tx_type", pa.string()),
            ("fee", amount),
            ("src_country", pa.string()),
            ("dst_country", pa.string()),
            ("reference", pa.string()),
            ("source_row", pa.int64()),
        ]
    )
    assert canonical.TRANSACTIONS.equals(frozen)


def test_not_null_columns_are_non_nullable_arrow_fields() -> None:
    schema = tables.TRANSACTIONS.arrow_schema()
    assert not schema.field("ts").nullable and schema.field("ext_id").nullable
    assert schema.field("amount").type == pa.decimal128(38, 8)
    assert tables.FX_RATES.arrow_schema().field("rate").type == pa.decimal128(38, 12)


def test_every_logical_type_has_a_name_and_an_arrow_type(engine: Engine) -> None:
    for kind in ColumnType:
        assert engine.dialect.type_name(kind)
        assert tables.arrow_type(kind) is not None


def test_a_derived_column_set_refuses_an_unknown_column() -> None:
    with pytest.raises(KeyError, match="amount_in_eur"):
        tables.TRANSACTIONS.derived("x", without=("amount_in_eur",))
    with pytest.raises(KeyError):
        tables.TRANSACTIONS.column("amount_in_eur")
