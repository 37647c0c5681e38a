"""Column batches of synthetic transactions (numpy arrays, never one Python object per row).

Accounts are indices into the population's account table (-1: outside the data); timestamps are
microseconds since 1970-01-01 UTC (naive); amounts are whole XOF (XOF has no minor unit).

>>> b = TxBatch.empty()
>>> len(b)
0
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

MICROS_PER_DAY = 86_400_000_000


@dataclass
class TxBatch:
    """Columns of transactions; ``ext_id`` is None for normal rows (numbered when written)."""

    ts: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    amount: np.ndarray
    channel: np.ndarray
    tx_type: np.ndarray
    ext_id: np.ndarray
    reference: np.ndarray

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    @classmethod
    def empty(cls) -> TxBatch:
        """A batch of no rows."""
        ints = np.zeros(0, dtype=np.int64)
        objs = np.zeros(0, dtype=object)
        return cls(ints, ints, ints, ints, objs, objs, objs, objs)

    @classmethod
    def concat(cls, batches: list[TxBatch]) -> TxBatch:
        """All rows of ``batches``, in order."""
        if not batches:
            return cls.empty()
        return cls(*(np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(cls)))

    def take(self, index: np.ndarray) -> TxBatch:
        """Rows at ``index`` (a boolean mask or integer positions)."""
        return TxBatch(*(getattr(self, f.name)[index] for f in fields(self)))

    def sorted(self) -> TxBatch:
        """Rows by time, ties broken by source then destination account and amount."""
        order = np.lexsort((self.amount, self.dst, self.src, self.ts))
        return self.take(order)
