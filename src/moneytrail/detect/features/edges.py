"""Build :class:`EdgeArrays` from a workspace or from any columns of keys.

Why a separate step: the kernels want dense integer node ids and event order; sources give
account ids as text (IBAN, MSISDN, hashes) in file order. Factorising with Arrow's dictionary
encoding and sorting with a stable numpy sort keeps it columnar (no Python loop per row).

Example::

    edges = edges_from_arrays(["A", "B", "A"], ["B", "C", "C"], [30, 10, 20], [5.0, 4.0, 3.0])
    edges.ts  # array([10, 20, 30]); row i of edges is input row event_order(ts)[i]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from moneytrail.detect.features.model import EdgeArrays
from moneytrail.engine.base import Engine

# Same event order as the tracing index (docs/tracing.md): time, then the statement's own order.
# A missing reporting amount (no exchange rate) falls back to the original amount (assumption
# named in docs/detection-features.md). Accounts are numbered by their rowid (dense).
_EDGES_SQL = """
SELECT t.id AS id, epoch_us(t.ts) // 1000000 AS ts,
       coalesce(sa.rowid, -1) AS src, coalesce(da.rowid, -1) AS dst,
       CAST(coalesce(t.amount_reporting, t.amount) AS DOUBLE) AS amount
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
ORDER BY t.ts, t.source_id, t.source_row, t.id
"""


def event_order(ts: Any) -> npt.NDArray[np.int64]:
    """Positions that sort ``ts`` ascending, ties in input order (what edges_from_arrays uses)."""
    return np.argsort(_seconds(ts), kind="stable").astype(np.int64)


def edges_from_arrays(src_keys: Any, dst_keys: Any, ts: Any, amount: Any) -> EdgeArrays:
    """Factorise arbitrary account keys to dense ids and sort by time (stable).

    Keys may be strings or integers (any sequence Arrow understands); ``None`` means outside the
    data (id -1). ``ts``: integer seconds or numpy ``datetime64``. Row i of the result is input
    row ``event_order(ts)[i]``.
    """
    seconds = _seconds(ts)
    order = np.argsort(seconds, kind="stable")
    src = pa.array(src_keys)
    dst = pa.array(dst_keys)
    if src.type != dst.type:
        src, dst = src.cast(pa.string()), dst.cast(pa.string())
    both = pc.dictionary_encode(pa.concat_arrays([src, dst]))
    codes = both.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    n = len(seconds)
    return EdgeArrays(
        src=np.ascontiguousarray(codes[:n][order]),
        dst=np.ascontiguousarray(codes[n:][order]),
        ts=np.ascontiguousarray(seconds[order]),
        amount=np.ascontiguousarray(np.asarray(amount, dtype=np.float64)[order]),
        n_nodes=len(both.dictionary),
    )


def edges_from_workspace(engine: Engine) -> tuple[EdgeArrays, pa.Array]:
    """Every transaction of the workspace in event order, with its id in the same order."""
    table = engine.fetch_arrow(_EDGES_SQL)
    n_nodes = engine.fetchall("SELECT coalesce(max(rowid) + 1, 0) FROM accounts")[0][0]
    edges = EdgeArrays(
        src=_column(table, "src", np.int64),
        dst=_column(table, "dst", np.int64),
        ts=_column(table, "ts", np.int64),
        amount=_column(table, "amount", np.float64),
        n_nodes=int(n_nodes),
    )
    return edges, table["id"].combine_chunks()


def _seconds(ts: Any) -> npt.NDArray[np.int64]:
    arr = np.asarray(ts)
    if arr.dtype.kind == "M":
        arr = arr.astype("datetime64[s]")
    return np.ascontiguousarray(arr.astype(np.int64))


def _column(table: pa.Table, name: str, dtype: type[Any]) -> Any:
    return np.ascontiguousarray(table[name].to_numpy(), dtype=dtype)
