"""Parquet output with fixed settings, so that the same seed gives byte-identical files.

Fixed: zstd level 3, dictionary encoding, statistics, format 2.6, data page v1, a fixed row-group
size, rows in a deterministic order. (The writer records the pyarrow version in the file: same
bytes need the same pyarrow.) Transactions are written chunk by chunk: memory holds one chunk,
never the whole table, and row groups are cut at ``row_group_size`` rows whatever the chunk.

>>> PARQUET_OPTIONS["compression"]
'zstd'
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.model.ids import SEPARATOR
from moneytrail.model.tables import STAGING, ColumnType, arrow_type
from moneytrail.synth.batch import TxBatch
from moneytrail.synth.population import CURRENCY, Population

AMOUNT = arrow_type(ColumnType.AMOUNT)
TRANSACTIONS = STAGING["transactions"].arrow_schema()
"""The canonical Parquet layout of transactions (declared in :mod:`moneytrail.model.tables`)."""

PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


def write_table(path: Path, table: pa.Table, row_group_size: int) -> None:
    """Write ``table`` to ``path`` with the fixed settings."""
    pq.write_table(table, path, row_group_size=row_group_size, **PARQUET_OPTIONS)


def write_rows(
    path: Path, rows: list[dict[str, Any]], schema: pa.Schema, row_group_size: int
) -> int:
    """Write canonical ``rows`` (``source_row`` = 1-based row number); returns the row count."""
    numbered = [{**row, "source_row": i + 1} for i, row in enumerate(rows)]
    write_table(path, pa.Table.from_pylist(numbered, schema=schema), row_group_size)
    return len(rows)


def fast_tx_key(prefix: hashlib._Hash, ext_id: str) -> str:
    """``natural_key("tx", scope, ext_id)`` from the md5 state of ``"tx<US>scope<US>"``."""
    digest = prefix.copy()
    digest.update(ext_id.encode("utf-8"))
    return digest.hexdigest()


class TransactionWriter:
    """Streams transaction batches to one Parquet file in the canonical layout."""

    def __init__(self, path: Path, pop: Population, scope: str, row_group_size: int) -> None:
        self.scope = scope
        self._prefix = hashlib.md5(
            SEPARATOR.join(("tx", scope, "")).encode(), usedforsecurity=False
        )
        self.row_group_size = row_group_size
        self.ids = np.asarray([a["id"] for a in pop.accounts], dtype=object)
        self.countries = np.asarray([a["country"] for a in pop.accounts], dtype=object)
        self.rows = 0
        self.normal = 0
        # Rows wait here until a full row group is ready: groups do not depend on chunk sizes.
        self._pending = TRANSACTIONS.empty_table()
        self._writer = pq.ParquetWriter(path, TRANSACTIONS, **PARQUET_OPTIONS)

    def write(self, batch: TxBatch) -> None:
        """Append ``batch`` (already in its final order)."""
        n = len(batch)
        if n == 0:
            return
        ext = batch.ext_id.copy()
        blank = np.flatnonzero(ext == None)  # noqa: E711 - element-wise test on an object array
        ext[blank] = [f"{self.scope}-N{self.normal + i:010d}" for i in range(len(blank))]
        self.normal += len(blank)
        # Hot path: natural_key("tx", scope, ext_id) with the constant prefix hashed once.
        tx_ids = [fast_tx_key(self._prefix, e) for e in ext]
        columns = {
            "id": pa.array(tx_ids, pa.string()),
            "ext_id": pa.array(ext, pa.string()),
            "ts": pa.array(batch.ts.astype("datetime64[us]"), pa.timestamp("us")),
            "src_account_id": pa.array(self.ids[batch.src], pa.string()),
            "dst_account_id": pa.array(self.ids[batch.dst], pa.string()),
            "amount": pa.array(batch.amount, pa.int64()).cast(AMOUNT),
            "currency": pa.array(np.full(n, CURRENCY, dtype=object), pa.string()),
            "channel": pa.array(batch.channel, pa.string()),
            "tx_type": pa.array(batch.tx_type, pa.string()),
            "fee": pa.nulls(n, AMOUNT),
            "src_country": pa.array(self.countries[batch.src], pa.string()),
            "dst_country": pa.array(self.countries[batch.dst], pa.string()),
            "reference": pa.array(batch.reference, pa.string()),
            "source_row": pa.array(np.arange(self.rows + 1, self.rows + n + 1), pa.int64()),
        }
        self.rows += n
        self._pending = pa.concat_tables(
            [self._pending, pa.Table.from_pydict(columns, TRANSACTIONS)]
        )
        size = self.row_group_size
        while self._pending.num_rows >= size:
            self._writer.write_table(self._pending.slice(0, size), row_group_size=size)
            self._pending = self._pending.slice(size)

    def close(self) -> None:
        """Write the last partial row group and finish the file."""
        if self._pending.num_rows:
            self._writer.write_table(self._pending, row_group_size=self.row_group_size)
        self._writer.close()
