"""Reader of moneytrail's own canonical Parquet files (format ``moneytrail``).

A file whose columns are exactly those of one canonical table (transactions, accounts, parties,
identifiers: see :mod:`moneytrail.ingest.canonical`) is staged as is, in DuckDB, without a row
ever becoming a Python object. ``moneytrail synth`` writes such files; so can any tool that
already speaks the canonical model.

Each file is one table and is ingested on its own, so a transactions file needs its accounts
already loaded: ingest ``parties``, ``accounts``, ``identifiers``, then ``transactions``.
``source_row`` is the 1-based row number in the file (the "line" of a Parquet record).

Hostile files (found by fuzzing, tests/hostile/test_fuzz_readers.py):

* each value is cast to its canonical type with ``TRY_CAST``: a row holding a value that does not
  cast (text in the ``ts`` column, an amount beyond ``DECIMAL(38, 8)``) or no value where the
  workspace needs one (an id, a name, an identifier's scheme) goes to quarantine with its row
  number and column;
* the file is first read whole by a throwaway in-memory engine: damaged pages can make the
  engine's Parquet reader fail an internal assertion, which invalidates the database it runs in;
  there it costs nothing, in the workspace's connection it would stop every later command. A file
  that engine cannot read is refused.

>>> CanonicalParquetReader("moneytrail").sniff(Path("x.parquet"), b"not parquet")
0
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.engine import scratch_engine
from moneytrail.engine.errors import EngineError
from moneytrail.errors import BadInputError
from moneytrail.files.literal import literal_path
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.canonical import STAGING, staging_table
from moneytrail.model import tables
from moneytrail.model.dates import EARLIEST, LATEST

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


# Dates refused outside the years every reader accepts (see moneytrail.model.dates).
DATED = {"transactions": ("ts",), "parties": ("birth_date",)}
# Columns the workspace tables declare NOT NULL that the commit step does not check itself (it
# reports a missing ``ts`` as ``date_missing``, a missing account kind as unknown).
REQUIRED = {
    "transactions": ("id", "amount", "currency", "channel"),
    "accounts": ("id",),
    "parties": ("id", "kind", "name"),
    "identifiers": ("owner_id", "scheme", "value"),
}


def _kind_of(path: Path) -> str | None:
    try:
        return canonical_kind(pq.read_schema(path))
    except (OSError, ValueError, pa.ArrowException):  # ValueError: a name that is not UTF-8
        return None


def _probe(path: Path) -> None:
    """Read every value of the Parquet file at ``path`` in a throwaway engine; raises
    :class:`EngineError` when it cannot (see the module's docstring)."""
    scratch = scratch_engine()
    try:
        scratch.fetchall("SELECT bit_xor(hash(t)) FROM read_parquet(?) t", [str(path)])
    finally:
        scratch.close()


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
        ctx.flush()
        try:
            _probe(ctx.read_path)
            if kind == "labels":
                self._stage_truth(ctx)
            else:
                _stage_table(ctx, kind)
        except EngineError as exc:  # the probe's engine or the workspace's
            detail = (str(exc).splitlines() or [type(exc).__name__])[0][:300]
            problem = ctx.problem("canonical_parquet_unreadable", params={"detail": detail})
            file = str(ctx.path)
            raise BadInputError("error.file_refused", problems=[problem], file=file) from exc

    def _stage_truth(self, ctx: StageContext) -> None:
        """Labels from ground truth; load it after the transactions it labels (others are
        rejected with their line by the commit step, since a label must point at a row of the
        workspace)."""
        instances = ctx.path.with_name("truth_instances.parquet")
        typology = "NULL"
        join = ""
        with literal_path(instances) as instances_path:
            params = [str(ctx.read_path)]
            if instances.exists():
                _probe(instances_path)
                typology = "TRY_CAST(i.typology AS VARCHAR)"
                join = (
                    " LEFT JOIN read_parquet(?) i"
                    " ON TRY_CAST(i.instance_id AS VARCHAR) = TRY_CAST(m.instance_id AS VARCHAR)"
                )
                params.append(str(instances_path))
            rows = (
                "(SELECT TRY_CAST(m.subject_kind AS VARCHAR) AS subject_kind,"  # noqa: S608 - fragments from the code
                " TRY_CAST(m.subject_id AS VARCHAR) AS subject_id,"
                f" TRY_CAST(m.role AS VARCHAR) AS label, {typology} AS typology,"
                " TRY_CAST(m.instance_id AS VARCHAR) AS instance_id,"
                f" m.file_row_number + 1 AS source_row FROM read_parquet(?, file_row_number = true)"
                f" m{join})"
            )
            missing = " ".join(
                f"WHEN {column} IS NULL THEN '{name}'"
                for column, name in (
                    ("subject_kind", "subject_kind"),
                    ("subject_id", "subject_id"),
                    ("label", "role"),
                )
            )
            ctx.engine.execute(
                "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"  # noqa: S608 - fragments from the code
                f" SELECT source_row, CASE {missing} END, NULL, 'field_missing', NULL FROM {rows}"
                " WHERE subject_kind IS NULL OR subject_id IS NULL OR label IS NULL",
                params,
            )
            ctx.engine.execute(
                "INSERT INTO stg_labels (subject_kind, subject_id, label, typology, instance_id,"  # noqa: S608 - fragments from the code
                f" source_row) SELECT * FROM {rows}"
                " WHERE subject_kind IS NOT NULL AND subject_id IS NOT NULL AND label IS NOT NULL",
                params,
            )


def _stage_table(ctx: StageContext, kind: str) -> None:
    """Stage the rows that pass every check; quarantine the others with the first check they
    fail. Names and types come from the canonical schema (code), never from the file."""
    declared = tables.STAGING[kind]
    type_name = ctx.engine.dialect.type_name
    fields = [(c.name, type_name(c.type)) for c in declared.columns if c.name != "source_row"]
    casts = ", ".join(f'TRY_CAST("{n}" AS {t}) AS "{n}", "{n}" AS "raw_{n}"' for n, t in fields)
    rows = (
        f"(SELECT file_row_number + 1 AS source_row, {casts}"  # noqa: S608 - names from the code
        " FROM read_parquet(?, file_row_number = true))"
    )
    # (condition, column, value shown, problem code, detail): the first that holds is reported.
    # No condition may be NULL: a row for which NOT (... OR NULL) is NULL would be neither
    # staged nor quarantined.
    first, last = f"TIMESTAMP '{EARLIEST:%Y-%m-%d}'", f"TIMESTAMP '{LATEST:%Y-%m-%d}'"
    checks = [
        (f'"raw_{n}" IS NOT NULL AND "{n}" IS NULL', f"'{n}'", f'TRY_CAST("raw_{n}" AS VARCHAR)',
         "'canonical_value_invalid'", f"'{t}'")
        for n, t in fields
    ]  # fmt: skip
    checks += [
        (f'"{n}" IS NOT NULL AND ("{n}" < {first} OR "{n}" >= {last})', f"'{n}'",
         f'CAST("{n}" AS VARCHAR)', "'date_out_of_range'", "NULL")
        for n in DATED.get(kind, ())
    ]  # fmt: skip
    checks += [
        (f'"raw_{n}" IS NULL', f"'{n}'", "NULL", "'field_missing'", "NULL") for n in REQUIRED[kind]
    ]
    case = [
        "CASE " + " ".join(f"WHEN {c[0]} THEN {c[part]}" for c in checks) + " END"
        for part in range(1, 5)
    ]
    failing = " OR ".join(f"({c[0]})" for c in checks)
    path = [str(ctx.read_path)]
    ctx.engine.execute(
        "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"  # noqa: S608 - names from the code
        f" SELECT source_row, {', '.join(case)} FROM {rows} WHERE {failing}",
        path,
    )
    names = ", ".join(f'"{n}"' for n, _ in fields)
    ctx.engine.execute(
        f"INSERT INTO {staging_table(kind)} (source_row, {names})"  # noqa: S608 - names from the code
        f" SELECT source_row, {names} FROM {rows} WHERE NOT ({failing})",
        path,
    )
