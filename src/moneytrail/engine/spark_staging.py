"""Driver-side staging for a Spark workspace: its tables in a DuckDB, and back as Parquet.

Why (decision 0135, part 1): the ingest pipeline (readers, validation, quarantine, natural
keys, exchange rates, conflicting versions) is SQL of the canonical dialect that also
writes (``INSERT``, ``UPDATE``, ``ON CONFLICT``), which Parquet tables cannot take. Until the
commit step is written as set-based reads that Spark runs, an ingest into a Spark workspace
runs the *same* pipeline on the driver, in a DuckDB holding a copy of the workspace's tables
(DuckDB reads the Parquet files directly, no JVM hop), then writes back, whole, each table
whose content changed. Results are identical by construction; the cost is one read of the
workspace and one write of each changed table per ingest call (measured in
docs/benchmarks.md, section ``spark``). The driver needs disk for that copy, not memory:
DuckDB spills.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.engine import spark_store
from moneytrail.engine.base import quote_ident
from moneytrail.model.tables import WORKSPACE

if TYPE_CHECKING:
    from moneytrail.engine.duckdb_engine import DuckDBEngine


def fingerprint(engine: DuckDBEngine, table: str) -> tuple[int, int]:
    """Row count and an order-free hash of every row of ``table`` (to tell what changed)."""
    name = quote_ident(table)
    rows = engine.fetchall(f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {name} t")  # noqa: S608 - quoted
    return int(rows[0][0]), int(rows[0][1])


def load_tables(folder: Path, engine: DuckDBEngine, names: list[str]) -> None:
    """Replace the rows of each of ``names`` in the (migrated) DuckDB ``engine`` by those of
    the Spark workspace ``folder``; columns are matched by name."""
    for name in names:
        files = [str(f) for f in spark_store.table_files(folder, name)]
        if not files:
            continue
        target = quote_ident(name)
        engine.execute(f"DELETE FROM {target}")  # noqa: S608 - quoted
        engine.execute(
            f"INSERT INTO {target} BY NAME SELECT * FROM read_parquet(?)",  # noqa: S608 - quoted
            [files],
        )


def save_tables(
    engine: DuckDBEngine, names: list[str], writes: spark_store.TableWrites
) -> dict[str, int]:
    """Write each of ``names`` from ``engine`` as a new version in ``writes`` (swapped in by
    the caller); rows written per table. Rows go out ordered by the table's first column, so
    that the files of the same content are the same files."""
    written = {}
    for name in names:
        table = WORKSPACE[name]
        order = ", ".join(quote_ident(c) for c in (table.primary_key or table.names))
        sql = f"SELECT * FROM {quote_ident(name)} ORDER BY {order}"  # noqa: S608 - quoted
        schema = table.arrow_schema()
        batches = engine.iter_batches(sql, size=200_000)
        written[name] = spark_store.write_arrow_files(writes.new_dir(name), batches, schema)
    return written
