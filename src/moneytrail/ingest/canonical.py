"""Column layouts of the staging tables as Arrow schemas, shared by every reader.

Readers stage rows into temporary ``stg_*`` tables with exactly these columns; the common commit
step (:mod:`moneytrail.ingest.commit`) validates and merges them into the workspace. ``source_row``
is the physical line (1-based) where the record starts in its file: the line a prosecutor opens.
The column sets are declared once, in :mod:`moneytrail.model.tables` (``STAGING``); the Arrow
schemas here and the staging DDL (:func:`moneytrail.ingest.pipeline.create_staging`) are
generated from them.
"""

from __future__ import annotations

import pyarrow as pa

from moneytrail.model import tables

AMOUNT = tables.arrow_type(tables.ColumnType.AMOUNT)

TRANSACTIONS = tables.STAGING["transactions"].arrow_schema()
ACCOUNTS = tables.STAGING["accounts"].arrow_schema()
PARTIES = tables.STAGING["parties"].arrow_schema()
IDENTIFIERS = tables.STAGING["identifiers"].arrow_schema()
QUARANTINE = tables.STAGING["quarantine"].arrow_schema()
# Ground truth of benchmark data sets (AMLworld "Is Laundering", AMLSim isFraud/alerts).
LABELS = tables.STAGING["labels"].arrow_schema()

STAGING: dict[str, pa.Schema] = {
    kind: table.arrow_schema() for kind, table in tables.STAGING.items()
}


def staging_table(kind: str) -> str:
    """Name of the temporary staging table for canonical table ``kind``."""
    return tables.STAGING[kind].name
