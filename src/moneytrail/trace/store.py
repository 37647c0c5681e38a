"""The trace store: every transaction once, as integer arrays, cached beside the workspace.

Why a store: reading ten million transactions out of DuckDB, joining their accounts and sorting
them in event order takes seconds, and none of it depends on the trace's settings. The store is
built once, written as ``.npy`` files in ``<workspace>.trace-index/`` and opened memory-mapped by
later traces: a full trace then reads the arrays at disk/page-cache speed, and a seeded trace
reads only the pages of the accounts it reaches. What depends on the settings (the endpoint code
of each transaction) is computed from these arrays per trace (:mod:`moneytrail.trace.reach`).

Event order is ``ts``, then ``source_id``, ``source_row``, ``id`` (the tie rule of
docs/tracing.md). Accounts are numbered by their DuckDB ``rowid``; transactions carry their own
``rowid`` to fetch readable facts later.

**Invalidation.** The cache is keyed on counts and maximum rowids of ``transactions`` and
``accounts``, the number of ``sources`` and their latest ``ingested_at``, the latest decision on
conflicting versions (which may swap a transaction's facts), the amount scale, the engine's
version (``engine.version``) and :data:`STORE_VERSION`. Assumption (named): transactions and
accounts change only through the ingest commit, which always adds a ``sources`` row, and
through conflict decisions; an edit made behind moneytrail's back (a manual ``UPDATE``) is not
detected: delete the ``.trace-index`` folder after one. A workspace without a file (in memory)
or a folder that cannot be written gets an uncached store.

Example::

    store = open_store(engine)       # built on first use, memory-mapped afterwards
    store.ts[:3], store.out_pos[store.out_start[7]:store.out_start[8]]  # account 7's outflows
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from moneytrail.engine.base import Engine
from moneytrail.kernels import group_positions

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
U64 = npt.NDArray[np.uint64]

# Bump when the arrays or their meaning change: an old cache is then rebuilt.
STORE_VERSION = 2
CHANNEL_CODES = {"cash_withdrawal": 1, "cash_deposit": 2, "crypto": 3}
KIND_CODES = {"cash": 1, "crypto": 2}

# XOF (the bulk of Sahel data) has no minor unit and the ingest commit refuses XOF decimals, so
# only the other currencies are scanned for the decimals they use.
_SCALE_SQL = """
SELECT CASE WHEN count(*) = 0 OR bool_and(amount = round(amount, 0)) THEN 0
            WHEN bool_and(amount = round(amount, 2)) THEN 2 ELSE 8 END,
       max(amount)
FROM transactions WHERE currency NOT IN ('XOF', 'XAF')
"""
_KEY_SQL = """
SELECT (SELECT count(*) FROM transactions), (SELECT count(*) FROM accounts),
       (SELECT count(*) FROM sources), (SELECT CAST(max(ingested_at) AS VARCHAR) FROM sources),
       (SELECT CAST(max(decided_at) AS VARCHAR) FROM transaction_versions)
"""
_COUNTRIES_SQL = """
SELECT DISTINCT c FROM (SELECT country AS c FROM accounts UNION ALL SELECT src_country
  FROM transactions UNION ALL SELECT dst_country FROM transactions) WHERE c IS NOT NULL ORDER BY c
"""
# One row per transaction, integers only. Countries are coalesced with the account's and
# numbered by their position in the workspace's country list (0: unknown).
_ROWS_SQL = """
SELECT t.rowid AS row, hash(t.id) AS h, epoch_us(t.ts) AS ts,
       coalesce(sa.rowid, -1) AS src, coalesce(da.rowid, -1) AS dst,
       CAST(t.amount * ? AS BIGINT) AS units,
       CAST(CASE t.channel WHEN 'cash_withdrawal' THEN 1 WHEN 'cash_deposit' THEN 2
                           WHEN 'crypto' THEN 3 ELSE 0 END AS TINYINT) AS channel,
       CAST(coalesce(list_position(?, coalesce(t.src_country, sa.country)), 0) AS SMALLINT) AS sc,
       CAST(coalesce(list_position(?, coalesce(t.dst_country, da.country)), 0) AS SMALLINT) AS dc,
       CAST(list_position(?, t.currency) - 1 AS SMALLINT) AS currency
FROM transactions t
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
ORDER BY t.ts, t.source_id, t.source_row, t.id
"""
_CURRENCIES_SQL = "SELECT DISTINCT currency FROM transactions ORDER BY 1"
_ACCOUNTS_SQL = """
SELECT rowid, hash(id) AS h, hash(number) AS hn,
       CAST(CASE kind WHEN 'cash' THEN 1 WHEN 'crypto' THEN 2 ELSE 0 END AS TINYINT) AS kind,
       CAST(coalesce(list_position(?, country), 0) AS SMALLINT) AS country
FROM accounts
"""
# Candidates found by hash are checked against the real ids (hashes may collide). {table} and
# {column} are chosen by the code, never user text.
_CHECK_SQL = "SELECT rowid, {column} FROM {table} WHERE rowid IN (SELECT unnest(?::BIGINT[]))"


@dataclass
class TraceStore:
    """Settings-free arrays of every transaction in event order, and per-account adjacency.

    ``out_pos[out_start[a]:out_start[a + 1]]`` are the positions of account ``a``'s outflows in
    event order (``in_*`` the same for inflows): a compressed sparse row (CSR) adjacency that lets
    a seeded trace visit only the accounts it reaches. ``channel``: 1 cash withdrawal, 2 cash
    deposit, 3 crypto, 0 other. ``kind`` (per account): 1 cash, 2 crypto, 0 other.
    ``src_country``/``dst_country``/``account_country``: 1-based position in ``countries``
    (0: unknown); ``currency``: position in ``currencies``. ``*_hash`` are sorted DuckDB hashes
    of transaction ids, account ids and account numbers with the position / rowid they belong
    to: the workspace has no index on these text columns, and scanning ten million ids for one
    seed takes a second.
    """

    rows: I64
    ts: I64
    src: I64
    dst: I64
    amount: I64
    channel: I8
    src_country: I16
    dst_country: I16
    currency: I16
    kind: I8
    account_country: I16
    out_start: I64
    out_pos: I64
    in_start: I64
    in_pos: I64
    tx_hash: U64
    tx_hash_pos: I64
    account_hash: U64
    account_hash_row: I64
    number_hash: U64
    number_hash_row: I64
    scale: int
    countries: list[str]
    currencies: list[str]
    _memo: dict[tuple[tuple[str, ...], bool], dict[str, list[int]]] = field(
        default_factory=dict, repr=False
    )

    @property
    def n_accounts(self) -> int:
        return len(self.kind)

    def transaction_positions(self, engine: Engine, ids: list[str]) -> I64:
        """Positions of the transactions ``ids`` (unknown ids are left out), sorted."""
        found = _lookup(engine, self.tx_hash, self.tx_hash_pos, ids, "transactions", "id", self)
        return np.unique(np.asarray([p for ps in found.values() for p in ps], dtype=np.int64))

    def account_rows(
        self, engine: Engine, refs: list[str], numbers: bool = False
    ) -> dict[str, list[int]]:
        """Rowids of the accounts whose id (or, with ``numbers``, number) is in ``refs``
        (remembered: one trace asks for its seed accounts several times)."""
        key = (tuple(refs), numbers)
        if key not in self._memo:
            if numbers:
                keys, rows, column = self.number_hash, self.number_hash_row, "number"
            else:
                keys, rows, column = self.account_hash, self.account_hash_row, "id"
            self._memo[key] = _lookup(engine, keys, rows, list(refs), "accounts", column)
        return self._memo[key]


_META = ("scale", "countries", "currencies", "_memo")
_ARRAYS = tuple(f.name for f in fields(TraceStore) if f.name not in _META)


def amount_scale(engine: Engine) -> int:
    """Decimals needed to hold every amount of the workspace exactly (0, 2 or 8)."""
    scale, biggest = engine.fetchall(_SCALE_SQL)[0]
    if scale is None:
        return 0
    if biggest is not None and Decimal(biggest).scaleb(int(scale)) >= Decimal(2) ** 62:
        return 0 if scale == 0 else 2
    return int(scale)


def cache_folder(engine: Engine) -> Path | None:
    """Where the store of this workspace lives (``None``: in-memory workspace)."""
    path = engine.path
    return None if path is None else Path(str(path) + ".trace-index")


def open_store(engine: Engine, scale: int | None = None) -> TraceStore:
    """The workspace's store: the cached one when its key still matches, else built (and
    cached when the workspace has a folder that can be written).

    ``scale`` overrides :func:`amount_scale` (part of the cache key when given): a Spark
    workspace traces a copy of the reached sub-graph, whose amounts must be scaled as the
    whole workspace's are (:mod:`moneytrail.api.spark_trace`)."""
    facts = [*map(str, engine.fetchall(_KEY_SQL)[0])]
    if scale is not None:
        facts.append(f"scale={scale}")
    key = json.dumps([STORE_VERSION, engine.version, *facts])
    folder = cache_folder(engine)
    if folder is not None:
        cached = _read(folder, key)
        if cached is not None:
            return cached
    store = build_store(engine, scale)
    if folder is not None:
        _write(folder, key, store)
    return store


def build_store(engine: Engine, scale: int | None = None) -> TraceStore:
    """Read the workspace once (one sorted Arrow query) and build the arrays (amounts scaled
    by ``10**scale``; by default :func:`amount_scale`)."""
    scale = amount_scale(engine) if scale is None else scale
    countries = [str(r[0]) for r in engine.fetchall(_COUNTRIES_SQL)]
    currencies = [str(r[0]) for r in engine.fetchall(_CURRENCIES_SQL)]
    table = engine.fetch_arrow(_ROWS_SQL, [10**scale, countries, countries, currencies])
    n_accounts = int(engine.fetchall("SELECT coalesce(max(rowid) + 1, 0) FROM accounts")[0][0])
    acc = engine.fetch_arrow(_ACCOUNTS_SQL, [countries])
    acc_rows = _column(acc, "rowid", np.int64)
    kind = np.zeros(n_accounts, dtype=np.int8)
    kind[acc_rows] = _column(acc, "kind", np.int8)
    account_country = np.zeros(n_accounts, dtype=np.int16)
    account_country[acc_rows] = _column(acc, "country", np.int16)
    src = _column(table, "src", np.int64)
    dst = _column(table, "dst", np.int64)
    out_start, out_pos = csr(src, n_accounts)
    in_start, in_pos = csr(dst, n_accounts)
    tx_hash, tx_hash_pos = _sorted_hash(table["h"], np.arange(len(table), dtype=np.int64))
    account_hash, account_hash_row = _sorted_hash(acc["h"], acc_rows)
    number_hash, number_hash_row = _sorted_hash(acc["hn"], acc_rows)
    return TraceStore(
        rows=_column(table, "row", np.int64),
        ts=_column(table, "ts", np.int64),
        src=src,
        dst=dst,
        amount=_column(table, "units", np.int64),
        channel=_column(table, "channel", np.int8),
        src_country=_column(table, "sc", np.int16),
        dst_country=_column(table, "dc", np.int16),
        currency=_column(table, "currency", np.int16),
        kind=kind,
        account_country=account_country,
        out_start=out_start,
        out_pos=out_pos,
        in_start=in_start,
        in_pos=in_pos,
        tx_hash=tx_hash,
        tx_hash_pos=tx_hash_pos,
        account_hash=account_hash,
        account_hash_row=account_hash_row,
        number_hash=number_hash,
        number_hash_row=number_hash_row,
        scale=scale,
        countries=countries,
        currencies=currencies,
    )


def _sorted_hash(hashes: pa.ChunkedArray, values: I64) -> tuple[U64, I64]:
    keys = np.ascontiguousarray(pc.fill_null(hashes, 0).to_numpy(), dtype=np.uint64)
    order = np.argsort(keys, kind="stable")
    return np.ascontiguousarray(keys[order]), np.ascontiguousarray(values[order])


def _lookup(
    engine: Engine,
    keys: U64,
    values: I64,
    refs: list[str],
    table: str,
    column: str,
    store: TraceStore | None = None,
) -> dict[str, list[int]]:
    """``{ref: [values]}`` for refs whose hash is in ``keys``, checked against the real text
    (``values`` are rowids, or positions when ``store`` maps them to rowids)."""
    if not refs:
        return {}
    hashed = engine.fetchall("SELECT v, hash(v) FROM unnest(?::VARCHAR[]) t(v)", [list(refs)])
    candidates: dict[int, int] = {}  # rowid -> value
    for _, h in hashed:
        key = np.uint64(h)
        lo, hi = np.searchsorted(keys, key, "left"), np.searchsorted(keys, key, "right")
        for v in values[lo:hi]:
            candidates[int(store.rows[v]) if store is not None else int(v)] = int(v)
    if not candidates:
        return {}
    sql = _CHECK_SQL.format(table=table, column=column)
    wanted = set(refs)
    found: dict[str, list[int]] = {}
    for rowid, text in engine.fetchall(sql, [sorted(candidates)]):
        if text in wanted:
            found.setdefault(str(text), []).append(candidates[int(rowid)])
    return found


def csr(account: I64, n_accounts: int) -> tuple[I64, I64]:
    """``(start, positions)``: the CSR adjacency of ``account`` (``-1`` entries left out)."""
    return group_positions(account, n_accounts)


def _read(folder: Path, key: str) -> TraceStore | None:
    """The cached store if its key matches (arrays memory-mapped, read-only)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        arrays = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _ARRAYS}
    except (OSError, ValueError):
        return None
    return TraceStore(
        **arrays,
        scale=int(meta["scale"]),
        countries=list(meta["countries"]),
        currencies=list(meta["currencies"]),
    )


def _write(folder: Path, key: str, store: TraceStore) -> None:
    """Write the store next to the workspace; a failure only means no cache (read-only media).

    Written in a temporary folder and renamed, so that a reader never sees half a store."""
    try:
        building = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    except OSError:
        return
    try:
        for name in _ARRAYS:
            np.save(building / f"{name}.npy", np.ascontiguousarray(getattr(store, name)))
        meta = {
            "key": key,
            "scale": store.scale,
            "countries": store.countries,
            "currencies": store.currencies,
        }
        (building / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        building.replace(folder)
    except OSError:
        shutil.rmtree(building, ignore_errors=True)


def _column(table: pa.Table, name: str, dtype: type[Any]) -> Any:
    column = table[name]
    if column.null_count:
        column = pc.fill_null(column, -1)
    return np.ascontiguousarray(column.to_numpy(), dtype=dtype)
