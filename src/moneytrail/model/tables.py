"""The workspace tables, declared once: column names, logical types, nullability, keys.

Why here: the canonical tables are a domain fact that several places spell out — the Arrow
layouts readers stage into, the staging DDL, the Parquet files the generator writes, and any
second engine's DDL. Each is generated from these declarations; the migrations
(``moneytrail/engine/migrations``) stay frozen SQL history, and a test checks that a freshly
migrated workspace has exactly these columns (names, order, types, nullability) and keys, so
the two can never drift apart. A migration that changes a table changes its declaration here.

Types are logical (:class:`ColumnType`); an engine's dialect names them in its SQL
(``DuckDBDialect().type_name(ColumnType.AMOUNT) == "DECIMAL(38, 8)"``) and
:meth:`Table.arrow_schema` gives the Arrow layout.

>>> TRANSACTIONS.names[:3]
('id', 'ext_id', 'ts')
>>> STAGING["transactions"].name, "source_id" in STAGING["transactions"].names
('stg_transactions', False)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from moneytrail.model.money import AMOUNT_SCALE

if TYPE_CHECKING:  # pragma: no cover - pyarrow is imported only when a schema is asked for
    import pyarrow as pa

RATE_SCALE = 12
"""Decimals of an exchange rate (``fx_rates.rate``)."""


class ColumnType(StrEnum):
    """What a column holds, whatever engine stores it."""

    TEXT = "text"
    INT32 = "int32"
    INT64 = "int64"
    FLOAT64 = "float64"
    AMOUNT = "amount"  # exact decimal, 38 digits, AMOUNT_SCALE of them after the point
    RATE = "rate"  # exact decimal, 38 digits, RATE_SCALE of them after the point
    DATE = "date"
    TIMESTAMP = "timestamp"  # UTC, no offset, microseconds
    JSON = "json"
    TEXT_LIST = "text_list"

    @property
    def decimal(self) -> tuple[int, int] | None:
        """``(precision, scale)`` of an exact decimal type, else ``None``."""
        if self is ColumnType.AMOUNT:
            return (38, AMOUNT_SCALE)
        if self is ColumnType.RATE:
            return (38, RATE_SCALE)
        return None


TEXT, INT32, INT64, FLOAT64 = (
    ColumnType.TEXT,
    ColumnType.INT32,
    ColumnType.INT64,
    ColumnType.FLOAT64,
)
AMOUNT, RATE, DATE, TIMESTAMP = (
    ColumnType.AMOUNT,
    ColumnType.RATE,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
)
JSON, TEXT_LIST = ColumnType.JSON, ColumnType.TEXT_LIST


@dataclass(frozen=True)
class Column:
    """One column: its name, logical type and whether it may be NULL."""

    name: str
    type: ColumnType
    nullable: bool = True


@dataclass(frozen=True)
class Table:
    """One table (or staging column set): its columns in order and its primary key."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name`` (``KeyError`` when there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def derived(self, name: str, *, without: Iterable[str] = (), nullable: bool = False) -> Table:
        """A column set built from this table: ``without`` some columns, order kept, no key;
        every column nullable when ``nullable`` (staging holds raw values the commit checks)."""
        dropped = set(without)
        unknown = dropped - set(self.names)
        if unknown:
            raise KeyError(sorted(unknown))
        kept = tuple(
            replace(c, nullable=True) if nullable else c
            for c in self.columns
            if c.name not in dropped
        )
        return Table(name, kept)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow layout of these columns (NOT NULL columns are non-nullable fields)."""
        import pyarrow as pa

        return pa.schema(
            [pa.field(c.name, arrow_type(c.type), nullable=c.nullable) for c in self.columns]
        )


def arrow_type(kind: ColumnType) -> pa.DataType:
    """The Arrow type of a logical type (JSON travels as text)."""
    import pyarrow as pa

    if kind.decimal is not None:
        return pa.decimal128(*kind.decimal)
    types: dict[ColumnType, pa.DataType] = {
        TEXT: pa.string(),
        INT32: pa.int32(),
        INT64: pa.int64(),
        FLOAT64: pa.float64(),
        DATE: pa.date32(),
        TIMESTAMP: pa.timestamp("us"),
        JSON: pa.string(),
        TEXT_LIST: pa.list_(pa.string()),
    }
    return types[kind]


def _table(
    name: str,
    *columns: tuple[str, ColumnType] | tuple[str, ColumnType, bool],
    key: tuple[str, ...] = (),
) -> Table:
    """``_table("t", ("id", TEXT, False), ("note", TEXT))``: ``False`` marks NOT NULL."""
    return Table(name, tuple(Column(*c) for c in columns), key)


NN = False  # a column declared NOT NULL

# -- the canonical tables (migration 0001 and later) -----------------------------------------
SOURCES = _table(
    "sources",
    ("id", TEXT, NN),
    ("path", TEXT, NN),
    ("sha256", TEXT, NN),
    ("size_bytes", INT64, NN),
    ("format", TEXT, NN),
    ("mapping", TEXT),
    ("ingested_at", TIMESTAMP, NN),
    ("rows_ok", INT64, NN),
    ("rows_rejected", INT64, NN),
    ("code_version", TEXT, NN),
    key=("id",),
)

PARTIES = _table(
    "parties",
    ("id", TEXT, NN),
    ("kind", TEXT, NN),
    ("name", TEXT, NN),
    ("aliases", TEXT_LIST),
    ("birth_date", DATE),
    ("nationality", TEXT),
    ("country", TEXT),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
)

IDENTIFIERS = _table(
    "identifiers",
    ("owner_id", TEXT, NN),
    ("scheme", TEXT, NN),
    ("value", TEXT, NN),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
)

ACCOUNTS = _table(
    "accounts",
    ("id", TEXT, NN),
    ("kind", TEXT, NN),
    ("institution", TEXT),
    ("number", TEXT),
    ("name", TEXT),
    ("currency", TEXT),
    ("country", TEXT),
    ("holder_party_id", TEXT),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
)

_TRANSACTION_FACTS: tuple[tuple[str, ColumnType] | tuple[str, ColumnType, bool], ...] = (
    ("ext_id", TEXT),
    ("ts", TIMESTAMP, NN),
    ("src_account_id", TEXT),
    ("dst_account_id", TEXT),
    ("amount", AMOUNT, NN),
    ("currency", TEXT, NN),
    ("amount_reporting", AMOUNT),
    ("channel", TEXT, NN),
    ("tx_type", TEXT),
    ("fee", AMOUNT),
    ("src_country", TEXT),
    ("dst_country", TEXT),
    ("reference", TEXT),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
)

TRANSACTIONS = _table("transactions", ("id", TEXT, NN), *_TRANSACTION_FACTS)

QUARANTINE = _table(
    "quarantine",
    ("source_id", TEXT, NN),
    ("source_path", TEXT, NN),
    ("line", INT64),
    ("field", TEXT),
    ("raw_value", TEXT),
    ("code", TEXT, NN),
    ("detail", TEXT),
    ("recorded_at", TIMESTAMP, NN),
)

FX_RATES = _table(
    "fx_rates",
    ("currency", TEXT, NN),
    ("reporting", TEXT, NN),
    ("valid_from", DATE, NN),
    ("rate", RATE, NN),
    ("origin", TEXT, NN),
)

SETTINGS = _table("settings", ("key", TEXT, NN), ("value", TEXT, NN), key=("key",))

LABELS = _table(
    "labels",
    ("subject_kind", TEXT, NN),
    ("subject_id", TEXT, NN),
    ("label", TEXT, NN),
    ("typology", TEXT),
    ("instance_id", TEXT),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
)

# -- findings and reviews (migrations 0003 to 0007) ------------------------------------------
SCREEN_LIST_VERSIONS = _table(
    "screen_list_versions",
    ("id", TEXT, NN),
    ("list_id", TEXT, NN),
    ("source", TEXT, NN),
    ("format", TEXT, NN),
    ("version_date", DATE),
    ("file_name", TEXT, NN),
    ("sha256", TEXT, NN),
    ("entry_count", INT32, NN),
    ("loaded_at", TIMESTAMP, NN),
    key=("id",),
)

SCREEN_LIST_ENTRIES = _table(
    "screen_list_entries",
    ("version_id", TEXT, NN),
    ("entry_id", TEXT, NN),
    ("schema", TEXT, NN),
    ("primary_name", TEXT, NN),
    ("birth_dates", TEXT_LIST),
    ("nationalities", TEXT_LIST),
    ("countries", TEXT_LIST),
    ("identifiers", TEXT_LIST),
    ("programs", TEXT_LIST),
    ("listed_on", TEXT),
    ("remarks", TEXT),
    ("fingerprint", TEXT, NN),
    key=("version_id", "entry_id"),
)

SCREEN_LIST_NAMES = _table(
    "screen_list_names",
    ("version_id", TEXT, NN),
    ("entry_id", TEXT, NN),
    ("position", INT32, NN),
    ("name", TEXT, NN),
)

_REVIEW: tuple[tuple[str, ColumnType] | tuple[str, ColumnType, bool], ...] = (
    ("status", TEXT, NN),
    ("analyst_note", TEXT),
    ("decided_by", TEXT),
    ("decided_at", TIMESTAMP),
    ("created_at", TIMESTAMP, NN),
)

SCREENING_MATCHES = _table(
    "screening_matches",
    ("id", TEXT, NN),
    ("party_id", TEXT),
    ("query", TEXT, NN),
    ("version_id", TEXT, NN),
    ("entry_id", TEXT, NN),
    ("matched_name", TEXT, NN),
    ("score", FLOAT64, NN),
    ("scorer", TEXT, NN),
    ("scorer_version", TEXT, NN),
    ("explanation", JSON, NN),
    *_REVIEW,
    key=("id",),
)

ALERTS = _table(
    "alerts",
    ("id", TEXT, NN),
    ("detector", TEXT, NN),
    ("detector_kind", TEXT, NN),
    ("detector_version", TEXT, NN),
    ("typology", TEXT, NN),
    ("subject_kind", TEXT, NN),
    ("subject_id", TEXT, NN),
    ("window_start", TIMESTAMP),
    ("window_end", TIMESTAMP),
    ("score", FLOAT64, NN),
    ("amount_reporting", AMOUNT),
    ("transaction_ids", TEXT_LIST, NN),
    ("explanation", JSON, NN),
    *_REVIEW,
    key=("id",),
)

RESOLUTION_RUNS = _table(
    "resolution_runs",
    ("id", TEXT, NN),
    ("created_at", TIMESTAMP, NN),
    ("threshold", FLOAT64, NN),
    ("settings", JSON, NN),
    ("model", JSON, NN),
    ("parties", INT64, NN),
    ("pairs", INT64, NN),
    ("seconds", FLOAT64, NN),
    ("code_version", TEXT, NN),
    key=("id",),
)

RESOLUTION_PAIRS = _table(
    "resolution_pairs",
    ("run_id", TEXT, NN),
    ("left_id", TEXT, NN),
    ("right_id", TEXT, NN),
    ("match_probability", FLOAT64, NN),
    ("match_weight", FLOAT64, NN),
    ("explanation", JSON, NN),
)

RESOLUTION_CLUSTERS = _table(
    "resolution_clusters",
    ("run_id", TEXT, NN),
    ("party_id", TEXT, NN),
    ("cluster_id", TEXT, NN),
)

RESOLUTION_DECISIONS = _table(
    "resolution_decisions",
    ("id", TEXT, NN),
    ("seq", INT64, NN),
    ("left_id", TEXT, NN),
    ("right_id", TEXT, NN),
    ("decision", TEXT, NN),
    ("reverses", TEXT),
    ("decided_by", TEXT, NN),
    ("decided_at", TIMESTAMP, NN),
    ("note", TEXT),
    key=("id",),
)

TRANSACTION_VERSIONS = _table(
    "transaction_versions",
    ("id", TEXT, NN),
    ("transaction_id", TEXT, NN),
    *_TRANSACTION_FACTS,
    ("differs", TEXT_LIST, NN),
    ("status", TEXT, NN),
    ("decided_by", TEXT),
    ("decided_at", TIMESTAMP),
    ("note", TEXT),
    ("recorded_at", TIMESTAMP, NN),
    key=("id",),
)

JOB_RUNS = _table(
    "job_runs",
    ("id", TEXT, NN),
    ("kind", TEXT, NN),
    ("started_at", TIMESTAMP, NN),
    ("finished_at", TIMESTAMP),
    ("status", TEXT, NN),
    ("settings", JSON, NN),
    ("code_version", TEXT, NN),
    ("counts", JSON),
    ("error", TEXT),
    ("owner", TEXT, NN),
    key=("id",),
)

# -- goAML reports (migration 0008) -----------------------------------------------------------
GOAML_REPORTS = _table(
    "goaml_reports",
    ("id", TEXT, NN),
    ("source_id", TEXT, NN),
    ("source_row", INT64),
    ("member", TEXT),
    ("profile", TEXT, NN),
    ("report_code", TEXT, NN),
    ("submission_code", TEXT),
    ("rentity_id", TEXT, NN),
    ("rentity_branch", TEXT),
    ("entity_reference", TEXT, NN),
    ("fiu_ref_number", TEXT),
    ("submission_date", TIMESTAMP),
    ("currency_local", TEXT),
    ("reason", TEXT),
    ("action", TEXT),
    ("indicators", TEXT_LIST, NN),
    ("transaction_ids", TEXT_LIST, NN),
    key=("id",),
)

SCHEMA_MIGRATIONS = _table(
    "schema_migrations",
    ("version", INT32, NN),
    ("name", TEXT, NN),
    ("applied_at", TIMESTAMP, NN),
    key=("version",),
)

CANONICAL: dict[str, Table] = {
    t.name: t for t in (SOURCES, PARTIES, IDENTIFIERS, ACCOUNTS, TRANSACTIONS, LABELS, QUARANTINE)
}
"""The canonical data model of DESIGN.md: what readers load."""

WORKSPACE: dict[str, Table] = {
    t.name: t
    for t in (
        *CANONICAL.values(),
        FX_RATES,
        SETTINGS,
        SCREEN_LIST_VERSIONS,
        SCREEN_LIST_ENTRIES,
        SCREEN_LIST_NAMES,
        SCREENING_MATCHES,
        ALERTS,
        RESOLUTION_RUNS,
        RESOLUTION_PAIRS,
        RESOLUTION_CLUSTERS,
        RESOLUTION_DECISIONS,
        TRANSACTION_VERSIONS,
        JOB_RUNS,
        GOAML_REPORTS,
        SCHEMA_MIGRATIONS,
    )
}
"""Every table of a workspace at the code's schema version (``schema_migrations`` included)."""

# -- staging: what a reader stages for the commit step (moneytrail.ingest.commit) -----------
# The canonical table's columns without what the commit adds (the source id, the amount in the
# reporting currency, the quarantine's file and time), all nullable: the commit checks them.
STAGING: dict[str, Table] = {
    "transactions": TRANSACTIONS.derived(
        "stg_transactions", without=("amount_reporting", "source_id"), nullable=True
    ),
    "accounts": ACCOUNTS.derived("stg_accounts", without=("source_id",), nullable=True),
    "parties": PARTIES.derived("stg_parties", without=("source_id",), nullable=True),
    "identifiers": IDENTIFIERS.derived("stg_identifiers", without=("source_id",), nullable=True),
    "quarantine": QUARANTINE.derived(
        "stg_quarantine", without=("source_id", "source_path", "recorded_at"), nullable=True
    ),
    "labels": LABELS.derived("stg_labels", without=("source_id",), nullable=True),
}
"""Staging column sets, keyed by the canonical table they feed. The canonical Parquet layout
(``moneytrail synth`` output, the ``moneytrail`` reader) is the same column sets."""
