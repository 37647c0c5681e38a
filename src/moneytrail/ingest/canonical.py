"""Column layouts of the canonical tables as Arrow schemas, shared by every reader.

Readers stage rows into temporary ``stg_*`` tables with exactly these columns; the common commit
step (:mod:`moneytrail.ingest.commit`) validates and merges them into the workspace. ``source_row``
is the physical line (1-based) where the record starts in its file: the line a prosecutor opens.
"""

from __future__ import annotations

import pyarrow as pa

from moneytrail.model.money import AMOUNT_SCALE

AMOUNT = pa.decimal128(38, AMOUNT_SCALE)

TRANSACTIONS = pa.schema(
    [
        ("id", pa.string()),
        ("ext_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("src_account_id", pa.string()),
        ("dst_account_id", pa.string()),
        ("amount", AMOUNT),
        ("currency", pa.string()),
        ("channel", pa.string()),
        ("tx_type", pa.string()),
        ("fee", AMOUNT),
        ("src_country", pa.string()),
        ("dst_country", pa.string()),
        ("reference", pa.string()),
        ("source_row", pa.int64()),
    ]
)

ACCOUNTS = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("institution", pa.string()),
        ("number", pa.string()),
        ("name", pa.string()),
        ("currency", pa.string()),
        ("country", pa.string()),
        ("holder_party_id", pa.string()),
        ("source_row", pa.int64()),
    ]
)

PARTIES = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("birth_date", pa.date32()),
        ("nationality", pa.string()),
        ("country", pa.string()),
        ("source_row", pa.int64()),
    ]
)

IDENTIFIERS = pa.schema(
    [
        ("owner_id", pa.string()),
        ("scheme", pa.string()),
        ("value", pa.string()),
        ("source_row", pa.int64()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("line", pa.int64()),
        ("field", pa.string()),
        ("raw_value", pa.string()),
        ("code", pa.string()),
        ("detail", pa.string()),
    ]
)

# Ground truth of benchmark data sets (AMLworld "Is Laundering", AMLSim isFraud/alerts).
LABELS = pa.schema(
    [
        ("subject_kind", pa.string()),
        ("subject_id", pa.string()),
        ("label", pa.string()),
        ("typology", pa.string()),
        ("instance_id", pa.string()),
        ("source_row", pa.int64()),
    ]
)

STAGING: dict[str, pa.Schema] = {
    "transactions": TRANSACTIONS,
    "accounts": ACCOUNTS,
    "parties": PARTIES,
    "identifiers": IDENTIFIERS,
    "quarantine": QUARANTINE,
    "labels": LABELS,
}


def staging_table(kind: str) -> str:
    """Name of the temporary staging table for canonical table ``kind``."""
    if kind not in STAGING:
        raise KeyError(kind)
    return f"stg_{kind}"


def duckdb_type(arrow_type: pa.DataType) -> str:
    """SQL type used for a staging column of ``arrow_type``."""
    if pa.types.is_decimal(arrow_type):
        return f"DECIMAL({arrow_type.precision}, {arrow_type.scale})"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_date(arrow_type):
        return "DATE"
    if pa.types.is_int64(arrow_type):
        return "BIGINT"
    if pa.types.is_list(arrow_type):
        return "VARCHAR[]"
    return "VARCHAR"
