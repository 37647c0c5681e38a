"""Follow the money: how much of a given sum reached which endpoint, through which paths.

Why: an investigator asks "where did the 10 million of the ransom go?" and a prosecutor needs a
figure that holds: amount- and time-aware tracing through commingled accounts under a named
allocation policy (FIFO, LIFO, pro-rata, poison), forward or backward, with every path back to
transaction ids. docs/tracing.md explains each policy with small worked examples.

:func:`trace` is a pure function of (engine, seed, settings): it reads the workspace, writes
nothing, and returns a :class:`TraceResult`.

Example::

    from moneytrail.trace import Seed, TraceSettings, trace
    result = trace(ws.engine, Seed(accounts=("+22376000001",)), TraceSettings(max_hops=4))
    for end in result.endpoints:
        print(end.kind, end.account_number, end.amount)
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import numpy as np

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.trace.index import (
    I8,
    I64,
    TemporalIndex,
    dense_accounts,
    home_country,
    select_index,
)
from moneytrail.trace.model import (
    Direction,
    Endpoint,
    EndpointKind,
    Policy,
    Seed,
    TraceResult,
    TraceSettings,
)
from moneytrail.trace.policies import (
    FIFO,
    LIFO,
    PRO_RATA,
    R_ACC,
    R_AMT,
    R_PARENT,
    trace_lots_grained,
    trace_poison,
)
from moneytrail.trace.results import SHARE, Flow, build_endpoints
from moneytrail.trace.seeds import seed_accounts, seed_vector, virtual_arrival
from moneytrail.trace.store import open_store

__all__ = [
    "Direction",
    "Endpoint",
    "EndpointKind",
    "Policy",
    "Seed",
    "TraceResult",
    "TraceSettings",
    "trace",
]

_KERNEL_POLICY = {Policy.FIFO: FIFO, Policy.LIFO: LIFO, Policy.PRO_RATA: PRO_RATA}
MICROS_PER_DAY = 86_400_000_000


def trace(
    engine: Engine,
    seed: Seed,
    settings: TraceSettings | None = None,
    *,
    scale: int | None = None,
) -> TraceResult:
    """Trace ``seed`` through the workspace under ``settings`` (see the module doc).

    ``scale``: decimals of the integer amounts (default: those the workspace's amounts need,
    :func:`moneytrail.trace.store.amount_scale`); given when ``engine`` holds a copy of part of
    a larger workspace (a Spark trace), so that pro-rata shares round as on the whole."""
    settings = settings or TraceSettings()
    if settings.max_hops < 0:
        raise UsageError("error.trace_bad_hops", hops=settings.max_hops)
    store = open_store(engine, scale)
    accounts = seed_accounts(engine, seed, store)
    if not accounts and not seed.transactions:
        raise UsageError("error.trace_no_seed")
    home = settings.home_country or home_country(store, engine, accounts)
    index = select_index(engine, seed, accounts, settings, home, store)
    flow = run_kernel(index, seed, accounts, settings)
    roots = flow.records[flow.records[:, R_PARENT] == -1]
    seed_units = int(roots[:, R_AMT].sum())
    endpoints, total, omitted = build_endpoints(engine, flow, settings, seed_units)
    unexplained = sum(
        (e.amount for e in endpoints if e.kind is EndpointKind.UNEXPLAINED), Decimal(0)
    )
    seed_amount = index.to_decimal(seed_units)
    return TraceResult(
        direction=settings.direction,
        policy=settings.policy,
        currency=_currency(engine, index, flow, accounts),
        seed_amount=seed_amount,
        endpoints=endpoints,
        unexplained_share=(unexplained / seed_amount).quantize(SHARE) if seed_units else Decimal(0),
        endpoints_total=total,
        endpoints_omitted_amount=omitted,
        transactions_scanned=len(index),
        settings={k: _text(v) for k, v in asdict(settings).items()},
    )


def run_kernel(
    index: TemporalIndex, seed: Seed, accounts: list[str], settings: TraceSettings
) -> Flow:
    """Seed vector, direction and virtual arrival applied; the compiled kernel run."""
    vector = seed_vector(index, seed, accounts, settings)
    src, dst, amount, ts, stop = index.src, index.dst, index.amount, index.ts, index.stop
    grain = index.grains()
    origin = np.arange(len(index), dtype=np.int64)
    backward = settings.direction is Direction.BACKWARD
    if backward:
        src, dst = index.dst[::-1], index.src[::-1]
        ts, amount, stop = -index.ts[::-1], index.amount[::-1], index.stop[::-1]
        grain = grain[::-1]
        vector, origin = vector[::-1], origin[::-1]
    virtual = virtual_arrival(index, seed, accounts, settings)
    if virtual is not None:
        position, account, units, at = virtual
        if backward:
            position, at = len(index) - position, -at
        src = np.insert(src, position, -1)
        dst = np.insert(dst, position, account)
        amount = np.insert(amount, position, units)
        ts = np.insert(ts, position, at)
        stop = np.insert(stop, position, 0)
        vector = np.insert(vector, position, units)
        grain = np.insert(grain, position, 1)
        origin = np.insert(origin, position, -1)
    src, dst, amount, ts, vector, grain = (
        _i64(np.ascontiguousarray(a)) for a in (src, dst, amount, ts, vector, grain)
    )
    stop = _i8(np.ascontiguousarray(stop))
    window = -1 if settings.window_days is None else int(settings.window_days * MICROS_PER_DAY)
    ksrc, kdst, n_acc, accounts_of = dense_accounts(src, dst, index.n_accounts)
    if settings.policy is Policy.POISON:
        records = trace_poison(
            ksrc, kdst, amount, ts, stop, vector, settings.max_hops, window, n_acc
        )
    else:
        records = trace_lots_grained(
            _KERNEL_POLICY[settings.policy],
            ksrc,
            kdst,
            amount,
            ts,
            stop,
            vector,
            settings.max_hops,
            window,
            n_acc,
            grain,
        )
    if accounts_of is not None:
        known = records[:, R_ACC] >= 0
        records[known, R_ACC] = accounts_of[records[known, R_ACC]]
    return Flow(
        records=records,
        src=src,
        dst=dst,
        stop=stop,
        origin=np.ascontiguousarray(origin),
        index=index,
        direction=settings.direction,
    )


def _i64(a: object) -> I64:
    return np.asarray(a, dtype=np.int64)


def _i8(a: object) -> I8:
    return np.asarray(a, dtype=np.int8)


def _currency(engine: Engine, index: TemporalIndex, flow: Flow, accounts: list[str]) -> str | None:
    """Currency of the traced money: of the seed transactions, else of the seed account."""
    roots = flow.records[flow.records[:, R_PARENT] == -1]
    for tx in roots[:, 0]:
        pos = int(flow.origin[int(tx)]) if tx >= 0 else -1
        if pos >= 0:
            return index.currency_at(pos)
    if accounts:
        rows = engine.fetchall("SELECT currency FROM accounts WHERE id = ?", [accounts[0]])
        if rows and rows[0][0]:
            return str(rows[0][0])
    return None


def _text(value: object) -> str:
    if isinstance(value, frozenset):
        return ",".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)
