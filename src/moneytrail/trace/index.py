"""The temporal index: every transaction as numpy arrays, sorted in the order money moved.

Why arrays: the allocation kernels (:mod:`moneytrail.trace.policies`) walk millions of
transactions in compiled code; they need dense integers, not strings or Python objects. The
index is read from the workspace with one Arrow query and never becomes one object per row.

Order of events: ``ts``, then ``source_id``, ``source_row``, ``id``. Two transactions with the same
timestamp are taken in the order their statement lists them (assumption: a statement lists
events in the order they happened); this is the tie rule of docs/tracing.md.

Amounts become scaled integers (``amount * 10**scale``, int64) so that the kernels add and
subtract exactly; ``scale`` is the smallest of 0, 2, 8 that represents every amount exactly.

Accounts are numbered by their DuckDB ``rowid`` (dense, no Python dictionary to build); the
ingest commit guarantees that every account a transaction names exists (assumption: a missing
one would read as "outside the data").

Example::

    index = load_index(engine, settings, home_country="ML")
    index.amount[:3], index.src[:3]  # int64 minor units, account rowids (-1: outside)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.model.vocab import Channel
from moneytrail.trace.model import Direction, EndpointKind, TraceSettings

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

# XOF (the bulk of Sahel data) has no minor unit and the ingest commit refuses XOF decimals, so
# only the other currencies are scanned for the decimals they use.
_SCALE_SQL = """
SELECT CASE WHEN count(*) = 0 OR bool_and(amount = round(amount, 0)) THEN 0
            WHEN bool_and(amount = round(amount, 2)) THEN 2 ELSE 8 END,
       max(amount)
FROM transactions WHERE currency NOT IN ('XOF', 'XAF')
"""

# One row per transaction, integers only: the transaction's and accounts' rowids (dense numbers
# the kernels index arrays with; a NULL account is -1), microseconds, scaled amount, stop code.
# {far}/{near} are the aliases chosen by the code for the direction, never user text.
_INDEX_SQL = """
SELECT t.rowid AS row, epoch_us(t.ts) AS ts,
       coalesce(sa.rowid, -1) AS src, coalesce(da.rowid, -1) AS dst,
       CAST(t.amount * ? AS BIGINT) AS units,
       CAST(CASE
         WHEN t.{far}_account_id IS NULL THEN 1
         WHEN ? AND list_contains(?, t.{far}_account_id) THEN 2
         WHEN ? AND (t.channel = ? OR {fa}.kind = 'cash') THEN 3
         WHEN ? AND (t.channel = 'crypto' OR {fa}.kind = 'crypto'
                     OR list_contains(?, t.{far}_account_id)) THEN 4
         WHEN ? AND (coalesce(t.{far}_country, {fa}.country)
                       <> coalesce(t.{near}_country, {na}.country)
                     OR coalesce(t.{far}_country, {fa}.country) <> ?) THEN 5
         ELSE 0 END AS TINYINT) AS stop
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
{where}
ORDER BY t.ts, t.source_id, t.source_row, t.id
"""
_ROWS_SQL = """
SELECT t.rowid, t.id, t.ts, t.src_account_id, t.dst_account_id, t.channel, t.currency,
       coalesce(t.src_country, sa.country) AS src_country,
       coalesce(t.dst_country, da.country) AS dst_country
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
WHERE t.rowid IN (SELECT unnest(?::BIGINT[]))
"""
_TOUCHING = (
    "WHERE t.src_account_id IN (SELECT unnest(?::VARCHAR[]))"
    " OR t.dst_account_id IN (SELECT unnest(?::VARCHAR[]))"
)
_NEXT_HOP = {
    Direction.FORWARD: "SELECT DISTINCT dst_account_id FROM transactions"
    " WHERE src_account_id IN (SELECT unnest(?::VARCHAR[])) AND dst_account_id IS NOT NULL",
    Direction.BACKWARD: "SELECT DISTINCT src_account_id FROM transactions"
    " WHERE dst_account_id IN (SELECT unnest(?::VARCHAR[])) AND src_account_id IS NOT NULL",
}
# Above this many reached accounts the whole workspace is read instead (one scan is cheaper);
# beyond this many hops the reach is not computed at all.
REACH_LIMIT = 200_000
REACH_MAX_HOPS = 8


@dataclass
class TemporalIndex:
    """Transactions in event order as parallel integer arrays.

    ``rows`` are the transactions' rowids; ``src``/``dst`` the accounts' rowids (-1: outside the
    data), so that ``n_accounts`` sized arrays can be indexed directly. ``stop`` is the
    :class:`StopCode` of the far side of each transaction for the trace's direction/settings.
    Text (ids, channels, countries) is fetched only for the few rows a person will read.
    """

    engine: Engine
    rows: I64
    ts: I64
    src: I64
    dst: I64
    amount: I64
    stop: I8
    n_accounts: int
    scale: int

    def __len__(self) -> int:
        return len(self.ts)

    def to_decimal(self, units: int) -> Decimal:
        """Scaled integer back to an exact amount."""
        return Decimal(int(units)).scaleb(-self.scale)

    def to_units(self, amount: Decimal) -> int:
        """Exact amount to scaled integer (rounded half-even below the scale)."""
        return int(amount.scaleb(self.scale).to_integral_value())

    def account_positions(self, account_ids: list[str]) -> list[int]:
        """Dense numbers (rowids) of ``account_ids`` that exist."""
        rows = self.engine.fetchall(
            "SELECT rowid FROM accounts WHERE id IN (SELECT unnest(?::VARCHAR[]))", [account_ids]
        )
        return [int(r[0]) for r in rows]

    def account_ids(self, positions: list[int]) -> dict[int, str]:
        """Account id of each dense number."""
        rows = self.engine.fetchall(
            "SELECT rowid, id FROM accounts WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
            [positions],
        )
        return {int(r[0]): str(r[1]) for r in rows}

    def position_of(self, transaction_id: str) -> int | None:
        """Position in the index of a transaction id (``None`` when not in it)."""
        rows = self.engine.fetchall("SELECT rowid FROM transactions WHERE id = ?", [transaction_id])
        if not rows:
            return None
        found = np.nonzero(self.rows == int(rows[0][0]))[0]
        return int(found[0]) if len(found) else None

    def rows_at(self, positions: list[int]) -> dict[int, dict[str, Any]]:
        """Readable facts (id, ts, accounts, channel, currency, countries) of index positions."""
        if not positions:
            return {}
        wanted = {int(self.rows[p]): p for p in positions}
        table = self.engine.fetch_arrow(_ROWS_SQL, [sorted(wanted)])
        return {wanted[int(r.pop("rowid"))]: r for r in table.to_pylist()}


def amount_scale(engine: Engine) -> int:
    """Decimals needed to hold every amount of the workspace exactly (0, 2 or 8)."""
    scale, biggest = engine.fetchall(_SCALE_SQL)[0]
    if scale is None:
        return 0
    if biggest is not None and Decimal(biggest).scaleb(int(scale)) >= Decimal(2) ** 62:
        return 0 if scale == 0 else 2
    return int(scale)


def reach(engine: Engine, start: list[str], settings: TraceSettings) -> list[str] | None:
    """Accounts within ``settings.max_hops`` transactions of ``start`` (time ignored, so a
    superset), or ``None`` when that is most of the workspace.

    Why: a seeded trace only depends on the transactions that touch these accounts (their
    inflows decide what is clean on them), so reading only those makes a 4-hop trace on a
    national data set a matter of a few scans instead of loading every transaction.
    """
    if settings.max_hops > REACH_MAX_HOPS:
        return None
    seen = set(start)
    frontier = sorted(seen)
    for _ in range(settings.max_hops):
        if not frontier:
            break
        rows = engine.fetchall(_NEXT_HOP[settings.direction], [frontier])
        frontier = sorted({str(r[0]) for r in rows} - seen)
        seen.update(frontier)
        if len(seen) > REACH_LIMIT:
            return None
    return sorted(seen)


def load_index(
    engine: Engine,
    settings: TraceSettings,
    home_country: str | None,
    only_touching: list[str] | None = None,
) -> TemporalIndex:
    """Read the workspace's transactions into a :class:`TemporalIndex` for ``settings``;
    with ``only_touching``, only the transactions from or to those accounts."""
    scale = amount_scale(engine)
    backward = settings.direction is Direction.BACKWARD
    far, near = ("src", "dst") if backward else ("dst", "src")
    cash = Channel.CASH_DEPOSIT if backward else Channel.CASH_WITHDRAWAL
    stops = settings.stop_at
    params: list[object] = [
        10**scale,
        EndpointKind.SANCTIONED in stops,
        sorted(settings.sanctioned_accounts),
        EndpointKind.CASH in stops,
        cash.value,
        EndpointKind.EXCHANGE in stops,
        sorted(settings.exchange_accounts),
        EndpointKind.ABROAD in stops,
        home_country,
    ]
    where = ""
    if only_touching is not None:
        where = _TOUCHING
        params += [only_touching, only_touching]
    sql = _INDEX_SQL.format(far=far, near=near, fa=far[0] + "a", na=near[0] + "a", where=where)
    table = engine.fetch_arrow(sql, params)
    n_accounts = engine.fetchall("SELECT coalesce(max(rowid) + 1, 0) FROM accounts")[0][0]
    return TemporalIndex(
        engine=engine,
        rows=_column(table, "row", np.int64),
        ts=_column(table, "ts", np.int64),
        src=_column(table, "src", np.int64),
        dst=_column(table, "dst", np.int64),
        amount=_column(table, "units", np.int64),
        stop=_column(table, "stop", np.int8),
        n_accounts=int(n_accounts),
        scale=scale,
    )


def _column(table: pa.Table, name: str, dtype: type[Any]) -> Any:
    return np.ascontiguousarray(table[name].to_numpy(), dtype=dtype)
