"""The temporal index: the transactions a trace needs, as numpy arrays in the order money moved.

Why arrays: the allocation kernels (:mod:`moneytrail.trace.policies`) walk millions of
transactions in compiled code; they need dense integers, not strings or Python objects. The
arrays come from the workspace's trace store (:mod:`moneytrail.trace.store`: read once, cached
memory-mapped beside the workspace) and never become one object per row.

Order of events: ``ts``, then ``source_id``, ``source_row``, ``id``. Two transactions with the same
timestamp are taken in the order their statement lists them (assumption: a statement lists
events in the order they happened); this is the tie rule of docs/tracing.md.

Amounts are scaled integers (``amount * 10**scale``, int64) so that the kernels add and
subtract exactly; ``scale`` is the smallest of 0, 2, 8 that represents every amount exactly.

Accounts are numbered by their DuckDB ``rowid`` (dense, no Python dictionary to build); the
ingest commit guarantees that every account a transaction names exists (assumption: a missing
one would read as "outside the data").

A seeded trace (:func:`select_index`) reads only the transactions from or to the accounts its
money can pass through (:func:`moneytrail.trace.reach.reach_accounts`): a 4-hop trace on a
national data set touches thousands of rows, not millions.

Example::

    index = load_index(engine, settings, home_country="ML")
    index.amount[:3], index.src[:3]  # int64 minor units, account rowids (-1: outside)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.model.money import minor_units
from moneytrail.trace.model import Direction, EndpointKind, Seed, TraceSettings
from moneytrail.trace.reach import reach_accounts, stop_codes, stop_codes_all, touching
from moneytrail.trace.store import TraceStore, amount_scale, open_store

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

_ROWS_SQL = """
SELECT t.rowid, t.id, t.ts, t.src_account_id, t.dst_account_id, t.channel, t.currency,
       t.ext_id, sa.number AS src_number, da.number AS dst_number,
       coalesce(t.src_country, sa.country) AS src_country,
       coalesce(t.dst_country, da.country) AS dst_country
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
WHERE t.rowid IN (SELECT unnest(?::BIGINT[]))
"""
# With a store, countries come from its arrays: joining the accounts table by id would hash all
# of its rows (a second on a national data set) for the few rows a person reads.
# The bank's reference and the account numbers travel with the internal ids: an investigator
# quotes the statement's words, not hashes (a few rows, so the joins cost nothing).
_ROWS_ONLY_SQL = """
SELECT t.rowid, t.id, t.ts, t.src_account_id, t.dst_account_id, t.channel, t.currency, t.ext_id,
       sa.number, da.number
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
WHERE t.rowid IN (SELECT unnest(?::BIGINT[]))
"""
_ROWS_ONLY_COLUMNS = (
    "id",
    "ts",
    "src_account_id",
    "dst_account_id",
    "channel",
    "currency",
    "ext_id",
    "src_number",
    "dst_number",
)
_FACTS_SQL = """
SELECT rowid, id, number, kind, country FROM accounts WHERE rowid IN (SELECT unnest(?::BIGINT[]))
"""
# Beyond this many hops a seeded trace does not try to prune (it reads every transaction); the
# walk also gives up once it scanned half the workspace, where one full pass is cheaper.
REACH_MAX_HOPS = 64
MICROS_PER_DAY = 86_400_000_000

__all__ = ["I8", "I64", "TemporalIndex", "amount_scale", "load_index", "select_index"]


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
    span: tuple[int, int] | None = None  # first and last event time of the whole workspace
    store: TraceStore | None = None  # the store it was cut from: fast id lookups
    at: I64 | None = None  # position in the store of each row (``None``: the same positions)

    def __len__(self) -> int:
        return len(self.ts)

    def to_decimal(self, units: int) -> Decimal:
        """Scaled integer back to an exact amount."""
        return Decimal(int(units)).scaleb(-self.scale)

    def to_units(self, amount: Decimal) -> int:
        """Exact amount to scaled integer (rounded half-even below the scale)."""
        return int(amount.scaleb(self.scale).to_integral_value())

    def grains(self) -> I64:
        """Smallest unit of each transaction's currency in scaled integers: ``10**scale`` for
        XOF or JPY (no minor unit), ``10**(scale - 2)`` for EUR, at least 1 (an unknown code
        counts as 2 decimals). Pro-rata shares are whole multiples of it."""
        if self.store is None or not len(self.store.currencies):
            return np.ones(len(self), dtype=np.int64)
        table = np.asarray(
            [10 ** max(self.scale - _decimals(c), 0) for c in self.store.currencies] + [1],
            dtype=np.int64,
        )
        codes = self.store.currency if self.at is None else self.store.currency[self.at]
        return np.ascontiguousarray(table[np.asarray(codes, dtype=np.int64)])

    def account_positions(self, account_ids: list[str]) -> list[int]:
        """Dense numbers (rowids) of ``account_ids`` that exist."""
        if self.store is not None:
            found = self.store.account_rows(self.engine, account_ids)
            return sorted({r for rows in found.values() for r in rows})
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
        if self.store is not None:
            at = self.store.transaction_positions(self.engine, [transaction_id])
            if not len(at):
                return None
            rowid = int(self.store.rows[at[0]])
        else:
            rows = self.engine.fetchall(
                "SELECT rowid FROM transactions WHERE id = ?", [transaction_id]
            )
            if not rows:
                return None
            rowid = int(rows[0][0])
        found = np.nonzero(self.rows == rowid)[0]
        return int(found[0]) if len(found) else None

    def rows_at(self, positions: list[int]) -> dict[int, dict[str, Any]]:
        """Readable facts (id, bank reference, ts, accounts and their numbers, channel,
        currency, countries) of index positions."""
        if not positions:
            return {}
        wanted = {int(self.rows[p]): p for p in positions}
        if self.store is None:
            table = self.engine.fetch_arrow(_ROWS_SQL, [sorted(wanted)])
            return {wanted[int(r.pop("rowid"))]: r for r in table.to_pylist()}
        found = {}
        names = [None, *self.store.countries]
        for rowid, *values in self.engine.fetchall(_ROWS_ONLY_SQL, [sorted(wanted)]):
            p = wanted[int(rowid)]
            q = p if self.at is None else int(self.at[p])
            row = dict(zip(_ROWS_ONLY_COLUMNS, values, strict=True))
            row["src_country"] = names[int(self.store.src_country[q])]
            row["dst_country"] = names[int(self.store.dst_country[q])]
            found[p] = row
        return found

    def currency_at(self, position: int) -> str:
        """Currency of the transaction at ``position`` (from the store when there is one)."""
        if self.store is None:
            return str(self.rows_at([position])[position]["currency"])
        q = position if self.at is None else int(self.at[position])
        return self.store.currencies[int(self.store.currency[q])]

    def account_facts(self, positions: list[int]) -> dict[str, tuple[str | None, ...]]:
        """``{account id: (number, kind, country)}`` of accounts given by dense number."""
        rows = self.engine.fetchall(_FACTS_SQL, [positions])
        return {str(r[1]): (r[2], r[3], r[4]) for r in rows}


@dataclass
class StopRule:
    """The settings' endpoint rules in the form :mod:`moneytrail.trace.reach` reads."""

    flag: I8  # per account: 1 sanctioned, 2 listed exchange, 4 cash account, 8 crypto account
    rule: I64  # forward, sanctioned?, cash?, exchange?, abroad?, home country code

    def codes(self, store: TraceStore, positions: I64 | None = None) -> I8:
        """Endpoint codes of the store's transactions at ``positions`` (all when ``None``)."""
        arrays = (store.src, store.dst, store.channel, store.src_country, store.dst_country)
        if positions is None:
            return stop_codes_all(*arrays, self.flag, self.rule)  # type: ignore[no-any-return]
        return stop_codes(positions, *arrays, self.flag, self.rule)  # type: ignore[no-any-return]


def stop_rule(
    engine: Engine, store: TraceStore, settings: TraceSettings, home_country: str | None
) -> StopRule:
    """Pack ``settings.stop_at``, the listed accounts and the home country for the kernels."""
    flag = np.where(store.kind == 1, 4, 0).astype(np.int8) | np.where(store.kind == 2, 8, 0)
    flag = flag.astype(np.int8)
    for bit, listed in ((1, settings.sanctioned_accounts), (2, settings.exchange_accounts)):
        if listed:
            flag[_account_rows(engine, store, sorted(listed))] |= bit
    home = 0
    if home_country is not None:
        known = store.countries  # an unknown home country is a code no transaction has
        home = known.index(home_country) + 1 if home_country in known else len(known) + 1
    stops = settings.stop_at
    rule = np.asarray(
        [
            settings.direction is Direction.FORWARD,
            EndpointKind.SANCTIONED in stops,
            EndpointKind.CASH in stops,
            EndpointKind.EXCHANGE in stops,
            EndpointKind.ABROAD in stops,
            home,
        ],
        dtype=np.int64,
    )
    return StopRule(flag=flag, rule=rule)


def load_index(engine: Engine, settings: TraceSettings, home_country: str | None) -> TemporalIndex:
    """Every transaction of the workspace as a :class:`TemporalIndex` for ``settings``."""
    store = open_store(engine)
    return _index(engine, store, stop_rule(engine, store, settings, home_country), None)


def dense_accounts(src: I64, dst: I64, n_accounts: int) -> tuple[I64, I64, int, I64 | None]:
    """Accounts renumbered ``0..k-1`` when a few transactions name few of the workspace's
    accounts (a pruned index), so that the kernels' per-account arrays are sized to the trace,
    not to a million accounts; the last value maps the new numbers back (``None``: unchanged).
    """
    if len(src) * 4 >= n_accounts:
        return src, dst, n_accounts, None
    both = np.concatenate([src, dst])
    ids = np.unique(both[both >= 0])
    local = [np.where(a >= 0, np.searchsorted(ids, a), -1).astype(np.int64) for a in (src, dst)]
    return local[0], local[1], len(ids), ids


def _decimals(currency: str) -> int:
    try:
        return minor_units(currency)
    except KeyError:
        return 2


def home_country(store: TraceStore, engine: Engine, accounts: list[str]) -> str | None:
    """Most frequent country of ``accounts`` (ties: the first in alphabetical order)."""
    rows = _account_rows(engine, store, accounts)
    codes = store.account_country[rows]
    codes = codes[codes > 0]
    if not len(codes):
        return None
    return store.countries[int(np.argmax(np.bincount(codes))) - 1]


def select_index(
    engine: Engine,
    seed: Seed,
    accounts: list[str],
    settings: TraceSettings,
    home_country: str | None,
    store: TraceStore | None = None,
) -> TemporalIndex:
    """The transactions the trace of ``seed`` depends on: those from or to an account its money
    can pass through (see :mod:`moneytrail.trace.reach`), or every transaction when that is most
    of the workspace or the hop limit is above :data:`REACH_MAX_HOPS`."""
    store = store or open_store(engine)
    rules = stop_rule(engine, store, settings, home_country)
    positions = None
    if settings.max_hops <= REACH_MAX_HOPS:
        positions = _reached_positions(engine, store, rules, seed, accounts, settings)
    return _index(engine, store, rules, positions)


def _index(
    engine: Engine, store: TraceStore, rules: StopRule, positions: I64 | None
) -> TemporalIndex:
    columns = [store.rows, store.ts, store.src, store.dst, store.amount]
    if positions is not None:
        columns = [np.ascontiguousarray(c[positions]) for c in columns]
    rows, ts, src, dst, amount = columns
    return TemporalIndex(
        engine=engine,
        rows=rows,
        ts=ts,
        src=src,
        dst=dst,
        amount=amount,
        stop=rules.codes(store, positions),
        n_accounts=store.n_accounts,
        scale=store.scale,
        span=(int(store.ts[0]), int(store.ts[-1])) if len(store.ts) else None,
        store=store,
        at=positions,
    )


def _reached_positions(
    engine: Engine,
    store: TraceStore,
    rules: StopRule,
    seed: Seed,
    accounts: list[str],
    settings: TraceSettings,
) -> I64 | None:
    """Positions of the transactions touching the seed's reach (``None``: read everything).

    The start items follow the seed rules of :mod:`moneytrail.trace.seeds`; the seed
    transactions themselves are always kept."""
    forward = settings.direction is Direction.FORWARD
    seeds = _seed_positions(engine, store, seed, accounts, settings)
    codes = rules.codes(store, seeds)
    go_on = seeds[codes == 0]
    start_acc = (store.dst if forward else store.src)[go_on]
    start_pos, start_ts = go_on, store.ts[go_on]
    always: list[int] = []
    if seed.amount is not None and len(accounts) == 1:
        found = _account_rows(engine, store, accounts)
        if found:
            at = seed.at or settings.start
            if at is not None:
                when = _micros(at)
            else:
                when = (int(store.ts[0]) if forward else int(store.ts[-1])) if len(store.ts) else 0
            p = int(np.searchsorted(store.ts, when, side="left" if forward else "right"))
            start_acc = np.append(start_acc, found[0])
            start_pos = np.append(start_pos, p - 1 if forward else p)
            start_ts = np.append(start_ts, when)
            always.append(found[0])
    adjacency = (store.out_start, store.out_pos) if forward else (store.in_start, store.in_pos)
    window = -1 if settings.window_days is None else int(settings.window_days * MICROS_PER_DAY)
    items = (np.ascontiguousarray(a, dtype=np.int64) for a in (start_acc, start_pos, start_ts))
    item_acc, item_pos, item_ts = items
    reached, scanned = reach_accounts(
        store.src, store.dst, store.ts, store.channel, store.src_country, store.dst_country,
        rules.flag, rules.rule, *adjacency, item_acc, item_pos, item_ts, settings.max_hops, window,
        len(store.ts) // 2,
    )  # fmt: skip
    if scanned < 0:
        return None
    reached[always] = True
    positions: I64 = touching(
        reached, store.out_start, store.out_pos, store.in_start, store.in_pos, seeds
    )
    return None if len(positions) > len(store.ts) // 2 else positions


def _seed_positions(
    engine: Engine, store: TraceStore, seed: Seed, accounts: list[str], settings: TraceSettings
) -> I64:
    """Positions where seed money enters: the seed transactions, and for account seeds without
    an amount, their inflows from other accounts (outflows to others, backward) from ``start``."""
    found: list[I64] = []
    if seed.transactions:
        found.append(store.transaction_positions(engine, list(seed.transactions)))
    if accounts and seed.amount is None:
        found.append(
            account_seed_positions(store, _account_rows(engine, store, accounts), settings)
        )
    return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)


def account_seed_positions(store: TraceStore, own: list[int], settings: TraceSettings) -> I64:
    """Forward: inflows of the accounts ``own`` (rowids) from other accounts or from outside;
    backward: their outflows to others; from ``settings.start`` on. Read from the adjacency,
    so a party's thousand wallets cost their own transactions, not a pass over all."""
    forward = settings.direction is Direction.FORWARD
    start, adj = (store.in_start, store.in_pos) if forward else (store.out_start, store.out_pos)
    near = np.concatenate([np.empty(0, np.int64), *(adj[start[a] : start[a + 1]] for a in own)])
    other = (store.src if forward else store.dst)[near]
    near = near[~np.isin(other, own)]
    if settings.start is not None:
        near = near[store.ts[near] >= _micros(settings.start)]
    return np.sort(np.asarray(near, dtype=np.int64))


def _account_rows(engine: Engine, store: TraceStore, account_ids: list[str]) -> list[int]:
    return sorted({r for rows in store.account_rows(engine, account_ids).values() for r in rows})


def _micros(when: datetime) -> int:
    """Naive UTC datetime to microseconds since the epoch (the index's time unit)."""
    return int(pa.scalar(when, type=pa.timestamp("us")).cast(pa.int64()).as_py())
