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
# Ground truth written by ``moneytrail synth`` (truth_members.parquet) loads into ``labels``:
# the member's role is the label, the typology comes from truth_instances.parquet beside it.
TRUTH_MEMBERS = ("instance_id", "role", "subject_id", "subject_kind")


def canonical_kind(schema: pa.Schema) -> str | None:
    """Which canonical table has exactly the columns of ``schema`` (order aside), if any."""
    names = sorted(schema.names)
    for kind in TABLES:
        if sorted(STAGING[kind].names) == names:
            return kind
    if tuple(names) == TRUTH_MEMBERS:
        return "labels"
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
        if kind == "labels":
            self._stage_truth(ctx)
            return
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

    def _stage_truth(self, ctx: StageContext) -> None:
        """Labels from ground truth; load it after the transactions it labels (others are
        rejected with their line by the commit step, since a label must point at a row of the
        workspace)."""
        instances = ctx.path.with_name("truth_instances.parquet")
        typology = "NULL"
        join = ""
        params = [str(ctx.path)]
        if instances.exists():
            typology = "i.typology"
            join = " LEFT JOIN read_parquet(?) i ON i.instance_id = m.instance_id"
            params.append(str(instances))
        ctx.flush()
        ctx.engine.execute(
            "INSERT INTO stg_labels (subject_kind, subject_id, label, typology, instance_id,"  # noqa: S608 - fragments from the code
            f" source_row) SELECT m.subject_kind, m.subject_id, m.role, {typology},"
            " m.instance_id, m.file_row_number + 1"
            f" FROM read_parquet(?, file_row_number = true) m{join}",
            params,
        )
