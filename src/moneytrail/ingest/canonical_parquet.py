"""Reader of moneytrail's own canonical Parquet files (format ``moneytrail``).

A file whose columns are exactly those of one canonical table (transactions, accounts, parties,
identifiers: see :mod:`moneytrail.ingest.canonical`) is staged as is, in DuckDB, without a row
ever becoming a Python object. ``moneytrail synth`` writes such files; so can any tool that
already speaks the canonical model.

Each file is one table and is ingested on its own, so a transactions file needs its accounts
already loaded: ingest ``parties``, ``accounts``, ``identifiers``, then ``transactions``.
``source_row`` is the 1-based row number in the file (the "line" of a Parquet record).

>>> CanonicalParquetReader("moneytrail").sniff(Path("x.parquet"), b"not parquet")
0
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.errors import BadInputError
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.canonical import STAGING, duckdb_type, staging_table

MAGIC = b"PAR1"
TABLES = ("transactions", "accounts", "parties", "identifiers")


def canonical_kind(schema: pa.Schema) -> str | None:
    """Which canonical table has exactly the columns of ``schema`` (order aside), if any."""
    names = sorted(schema.names)
    for kind in TABLES:
        if sorted(STAGING[kind].names) == names:
            return kind
    return None


def _kind_of(path: Path) -> str | None:
    try:
        return canonical_kind(pq.read_schema(path))
    except (OSError, pa.ArrowException):
        return None


class CanonicalParquetReader:
    """Stages a canonical Parquet table with ``INSERT INTO stg_<kind> SELECT ... read_parquet``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """95 for a Parquet file with exactly a canonical table's columns, else 0."""
        if not head.startswith(MAGIC):
            return 0
        return 95 if _kind_of(path) else 0

    def stage(self, ctx: StageContext) -> None:
        """Copy the file into its staging table, casting each column to the canonical type."""
        kind = _kind_of(ctx.path)
        if kind is None:
            expected = " | ".join(",".join(STAGING[k].names) for k in TABLES)
            problem = ctx.problem("column_missing", params={"detail": expected})
            raise BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))
        ctx.format = self.name
        ctx.mapping_used = {"table": kind}
        schema = STAGING[kind]
        # Column names and types come from the canonical schema (code), never from the file.
        select = ", ".join(
            "file_row_number + 1"
            if f.name == "source_row"
            else f'CAST("{f.name}" AS {duckdb_type(f.type)})'
            for f in schema
        )
        columns = ", ".join(f'"{name}"' for name in schema.names)
        ctx.flush()
        ctx.engine.execute(
            f"INSERT INTO {staging_table(kind)} ({columns}) "  # noqa: S608 - names from the code
            f"SELECT {select} FROM read_parquet(?, file_row_number = true)",
            [str(ctx.path)],
        )
