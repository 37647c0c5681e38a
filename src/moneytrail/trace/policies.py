"""Allocation kernels: which part of each outflow is traced money, in compiled code.

Why compiled: a national mobile-money data set has tens of millions of transactions, and a
commingled account is a queue of "lots" that each outflow consumes; numba turns the loop over
transactions into machine code. Amounts are int64 minor units (exact; see
:mod:`moneytrail.trace.index`).

A kernel walks the transactions in event order and writes *records*, one per traced piece of
money: ``(tx, account, amount, parent record, hop, kind)``. ``kind`` 0: the piece moved on and
sits on ``account``; 1: it reached an endpoint through transaction ``tx``; 2: it stayed on
``account`` (end of data, window elapsed or hop limit). Parents make every piece's path
walkable back to its seed.

Rules shared by all policies (docs/tracing.md):

- an outflow only spends money that arrived before it in event order (strict causality);
- money of unknown origin (opening balance, inflows from outside the data) is clean; an outflow
  larger than the known balance is clean beyond it;
- a self-transfer (same account on both sides) moves nothing and is skipped;
- ``window`` < 0 means no window; ``max_hops`` counts transactions after the seed.

Example (FIFO, ``policy=0``): with clean 2 000 000 then traced 10 000 000 on wallet A, an outflow
of 3 000 000 takes 2 000 000 clean and 1 000 000 traced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba as nb
import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

FIFO, LIFO, PRO_RATA = 0, 1, 2
R_TX, R_ACC, R_AMT, R_PARENT, R_HOP, R_KIND = range(6)
MOVED, REACHED, HELD = 0, 1, 2
L_AMT, L_TIME, L_FLOW, L_HOP, L_NEXT = range(5)
P_FLOW, P_AMT, P_HOP, P_EXPIRED = range(4)


def _JIT(fn: F) -> F:
    """numba's ``njit`` (cached on disk, GIL released) with the function's own type kept."""
    return cast(F, nb.njit(cache=True, nogil=True)(fn))


@_JIT
def _grow(arr: Any, need: int) -> Any:
    """``arr`` with room for ``need`` rows (doubling), contents kept."""
    if need <= arr.shape[0]:
        return arr
    size = arr.shape[0] * 2
    while size < need:
        size *= 2
    out = np.empty((size, arr.shape[1]), np.int64)
    out[: arr.shape[0]] = arr
    return out


@_JIT
def _push(lots: Any, nl: int, head: Any, tail: Any, clean: Any, balance: Any, count: Any,
          policy: int, acc: int, amount: int, t: int, flow: int, hop: int) -> int:  # fmt: skip
    """Put a lot on ``acc``; clean money merges with a neighbouring clean lot. Returns ``nl``.

    FIFO/LIFO: clean money on an account without lots joins its *base* (``balance``): the
    oldest money, first out under FIFO, last under LIFO. Most accounts never hold traced money,
    so most transactions only touch their two accounts' state rows, never the lots."""
    if flow < 0 and policy != PRO_RATA and head[acc] < 0:
        balance[acc] += amount
        return nl
    if flow < 0:
        if policy == PRO_RATA and clean[acc] >= 0:
            lots[clean[acc], L_AMT] += amount
            return nl
        if policy == FIFO and tail[acc] >= 0 and lots[tail[acc], L_FLOW] < 0:
            lots[tail[acc], L_AMT] += amount
            return nl
        if policy == LIFO and head[acc] >= 0 and lots[head[acc], L_FLOW] < 0:
            lots[head[acc], L_AMT] += amount
            return nl
    lots[nl, L_AMT] = amount
    lots[nl, L_TIME] = t
    lots[nl, L_FLOW] = flow
    lots[nl, L_HOP] = hop
    lots[nl, L_NEXT] = -1
    if policy == LIFO:
        lots[nl, L_NEXT] = head[acc]
        head[acc] = nl
        if tail[acc] < 0:
            tail[acc] = nl
    else:
        if tail[acc] >= 0:
            lots[tail[acc], L_NEXT] = nl
        else:
            head[acc] = nl
        tail[acc] = nl
    if flow < 0 and policy == PRO_RATA:
        clean[acc] = nl
    count[acc] += 1
    return nl + 1


@_JIT
def _expire(lots: Any, lot: int, t: int, window: int, pieces: Any, n: int) -> Any:
    """Traced lot older than the window: it stays where it is (a piece), the rest is clean."""
    if lots[lot, L_FLOW] >= 0 and window >= 0 and t - lots[lot, L_TIME] > window:
        pieces[n, P_FLOW] = lots[lot, L_FLOW]
        pieces[n, P_AMT] = lots[lot, L_AMT]
        pieces[n, P_HOP] = lots[lot, L_HOP]
        pieces[n, P_EXPIRED] = 1
        lots[lot, L_FLOW] = -1
        return n + 1
    return n


@_JIT
def _take(lots: Any, lot: int, take: int, pieces: Any, n: int) -> Any:
    """Remove ``take`` from ``lot``; a traced lot yields a moving piece."""
    lots[lot, L_AMT] -= take
    if lots[lot, L_FLOW] >= 0 and take > 0:
        pieces[n, P_FLOW] = lots[lot, L_FLOW]
        pieces[n, P_AMT] = take
        pieces[n, P_HOP] = lots[lot, L_HOP]
        pieces[n, P_EXPIRED] = 0
        return n + 1
    return n


@_JIT
def _consume_queue(lots: Any, head: Any, tail: Any, count: Any, acc: int, need: int, t: int,
                   window: int, pieces: Any) -> Any:  # fmt: skip
    """FIFO and LIFO: spend from the head of the account's queue. Returns the number of pieces
    and what is left to spend."""
    n = 0
    while need > 0 and head[acc] >= 0:
        lot = head[acc]
        n = _expire(lots, lot, t, window, pieces, n)
        take = min(need, lots[lot, L_AMT])
        n = _take(lots, lot, take, pieces, n)
        need -= take
        if lots[lot, L_AMT] == 0:
            head[acc] = lots[lot, L_NEXT]
            count[acc] -= 1
            if head[acc] < 0:
                tail[acc] = -1
    return n, need


@_JIT
def _consume_pro_rata(lots: Any, head: Any, tail: Any, clean: Any, balance: Any, count: Any,
                      acc: int, need: int, t: int, window: int, pieces: Any,
                      unit: int) -> Any:  # fmt: skip
    """Every lot gives its share ``lot * need / balance`` rounded down to whole ``unit``s (the
    currency's smallest unit: 1 franc CFA, 1 cent); the units this leaves are given one each
    to the lots with the largest remainders (ties: the oldest lot), so every share is a whole
    unit and the shares add up to what is spent (largest remainder, Hamilton's method). Any
    unit still missing (an exhausted lot) comes from the lots in arrival order. Empty lots
    are unlinked."""
    n = 0
    total = balance[acc]
    lot = head[acc]
    m = 0
    while lot >= 0:
        n = _expire(lots, lot, t, window, pieces, n)
        lot = lots[lot, L_NEXT]
        m += 1
    if total <= 0:
        return n
    unit = max(unit, 1)
    ratio = min(need, total) / total
    left = min(need, total)
    ids = np.empty(m, np.int64)
    rest = np.empty(m, np.float64)
    j = 0
    lot = head[acc]
    while lot >= 0:  # first pass: shares rounded down to whole units
        quota = lots[lot, L_AMT] * ratio
        share = min(int(quota // unit) * unit, lots[lot, L_AMT], left)
        n = _take(lots, lot, share, pieces, n)
        left -= share
        ids[j] = lot
        rest[j] = quota - share
        j += 1
        lot = lots[lot, L_NEXT]
    order = np.argsort(-rest, kind="mergesort")
    for q in range(m):  # second pass: one unit each, largest remainder first
        if left <= 0:
            break
        lot = ids[order[q]]
        extra = min(unit, left, lots[lot, L_AMT])
        n = _take(lots, lot, extra, pieces, n)
        left -= extra
    lot = head[acc]
    while lot >= 0 and left > 0:  # what exhausted lots could not give, oldest first
        extra = min(left, lots[lot, L_AMT])
        n = _take(lots, lot, extra, pieces, n)
        left -= extra
        lot = lots[lot, L_NEXT]
    prev = -1
    lot = head[acc]
    while lot >= 0:  # unlink empty lots
        nxt = lots[lot, L_NEXT]
        if lots[lot, L_AMT] == 0:
            if prev >= 0:
                lots[prev, L_NEXT] = nxt
            else:
                head[acc] = nxt
            if tail[acc] == lot:
                tail[acc] = prev
            if clean[acc] == lot:
                clean[acc] = -1
            count[acc] -= 1
        else:
            prev = lot
        lot = nxt
    return n


@_JIT
def _record(rec: Any, nr: int, tx: int, acc: int, amount: int, parent: int, hop: int,
            kind: int) -> int:  # fmt: skip
    rec[nr, R_TX] = tx
    rec[nr, R_ACC] = acc
    rec[nr, R_AMT] = amount
    rec[nr, R_PARENT] = parent
    rec[nr, R_HOP] = hop
    rec[nr, R_KIND] = kind
    return nr + 1


@_JIT
def trace_lots(policy: int, src: Any, dst: Any, amount: Any, ts: Any, stop: Any, seed: Any,
               max_hops: int, window: int, n_acc: int) -> Any:  # fmt: skip
    """:func:`trace_lots_grained` with a smallest unit of 1 for every transaction."""
    grain = np.ones(src.shape[0], np.int64)
    return trace_lots_grained(
        policy, src, dst, amount, ts, stop, seed, max_hops, window, n_acc, grain
    )


@_JIT
def trace_lots_grained(policy: int, src: Any, dst: Any, amount: Any, ts: Any, stop: Any,
                       seed: Any, max_hops: int, window: int, n_acc: int,
                       grain: Any) -> Any:  # fmt: skip
    """Trace under FIFO, LIFO or pro-rata; returns the records array (see module doc).

    ``grain[i]``: the smallest unit of transaction ``i``'s currency in the index's scaled
    integers (``10**scale`` for XOF, which has no minor unit): pro-rata shares are whole
    multiples of it (:func:`_consume_pro_rata`).

    The walk runs in spans (:func:`_lots_span`) that never grow an array: a span stops before a
    transaction that could overflow one, the arrays grow here, the next span goes on. numba
    keeps the arrays of a loop that may reassign them alive at every step, which doubled the
    cost of the common transaction."""
    # one row per account (head, tail, clean lot, balance, lot count): an account's state is
    # one cache line, not five random reads in five arrays of a million accounts
    state = np.full((n_acc, 5), -1, np.int64)
    state[:, 3] = 0
    state[:, 4] = 0
    lots = np.empty((max(64, min(src.shape[0] // 4, n_acc)), 5), np.int64)
    pieces = np.empty((64, 4), np.int64)
    rec = np.empty((1024, 6), np.int64)
    i, nl, nr = 0, 0, 0
    while True:
        i, nl, nr, need_lots, need_rec, need_pieces = _lots_span(
            policy, src, dst, amount, ts, stop, seed, max_hops, window, state, lots, pieces,
            rec, i, nl, nr, grain,
        )  # fmt: skip
        if i >= src.shape[0]:
            break
        lots = _grow(lots, need_lots)
        rec = _grow(rec, need_rec)
        pieces = _grow(pieces, need_pieces)
    head = state[:, 0]
    for acc in range(n_acc):  # what is still on an account at the end is held there
        lot = head[acc]
        while lot >= 0:
            if lots[lot, L_FLOW] >= 0 and lots[lot, L_AMT] > 0:
                rec = _grow(rec, nr + 1)
                nr = _record(
                    rec, nr, -1, acc, lots[lot, L_AMT], lots[lot, L_FLOW], lots[lot, L_HOP], HELD
                )
            lot = lots[lot, L_NEXT]
    return rec[:nr]


@_JIT
def _lots_span(policy: int, src: Any, dst: Any, amount: Any, ts: Any, stop: Any, seed: Any,
               max_hops: int, window: int, state: Any, lots: Any, pieces: Any, rec: Any, i: int,
               nl: int, nr: int, grain: Any) -> Any:  # fmt: skip
    """Walk transactions from ``i`` while the arrays have room; returns where it stopped, the
    counters, and the sizes the arrays need to take the next transaction. A transaction spending
    from ``k`` lots yields at most ``4k`` pieces (expired, share, largest-remainder unit, unit
    an exhausted lot could not give), each one record and one lot, plus a possible held
    record."""
    head = state[:, 0]
    tail = state[:, 1]
    clean = state[:, 2]
    balance = state[:, 3]
    count = state[:, 4]
    n = src.shape[0]
    while i < n:
        s = src[i]
        d = dst[i]
        a = amount[i]
        t = ts[i]
        st = stop[i]
        if s == d and s >= 0:
            i += 1
            continue
        k = 4 * count[s] if s >= 0 else 0
        if nl + k + 2 > lots.shape[0] or nr + 2 * k + 4 > rec.shape[0] or k > pieces.shape[0]:
            return i, nl, nr, nl + k + 2, nr + 2 * k + 4, k
        npieces = 0
        if s >= 0 and policy == PRO_RATA:
            if head[s] >= 0 and lots[head[s], L_FLOW] < 0 and lots[head[s], L_NEXT] < 0:
                # one clean lot only (the common case): no piece can come out of it
                lots[head[s], L_AMT] -= min(a, lots[head[s], L_AMT])
                if lots[head[s], L_AMT] == 0:
                    head[s] = -1
                    tail[s] = -1
                    clean[s] = -1
                    count[s] = 0
            else:
                npieces = _consume_pro_rata(
                    lots, head, tail, clean, balance, count, s, a, t, window, pieces, grain[i]
                )
            balance[s] -= min(a, balance[s])
        elif s >= 0:
            need = a
            if head[s] >= 0 and lots[head[s], L_FLOW] < 0 and lots[head[s], L_NEXT] < 0:
                balance[s] += lots[head[s], L_AMT]  # a lone clean lot joins the base
                head[s] = -1
                tail[s] = -1
                count[s] = 0
            if policy == FIFO:  # the base is the oldest money: first out
                base = min(need, balance[s])
                balance[s] -= base
                need -= base
            if need > 0 and head[s] >= 0:
                npieces, need = _consume_queue(lots, head, tail, count, s, need, t, window, pieces)
            if need > 0:  # LIFO: the base is spent last
                balance[s] -= min(need, balance[s])
        traced = 0
        for j in range(npieces):
            x = pieces[j, P_AMT]
            if pieces[j, P_EXPIRED] == 1:
                nr = _record(rec, nr, -1, s, x, pieces[j, P_FLOW], pieces[j, P_HOP], HELD)
                continue
            traced += x
            hop = pieces[j, P_HOP] + 1
            nr = _record(rec, nr, i, d, x, pieces[j, P_FLOW], hop, REACHED if st else MOVED)
            if st == 0:
                if hop >= max_hops:
                    nr = _record(rec, nr, -1, d, x, nr - 1, hop, HELD)
                    nl = _push(lots, nl, head, tail, clean, balance, count, policy, d, x, t, -1, 0)
                else:
                    nl = _push(
                        lots, nl, head, tail, clean, balance, count, policy, d, x, t, nr - 1, hop
                    )
        rest = a - traced
        if seed[i] > 0 and rest > 0:
            z = min(seed[i], rest)
            rest -= z
            nr = _record(rec, nr, i, d, z, -1, 0, REACHED if st else MOVED)
            if st == 0:
                if max_hops <= 0:
                    nr = _record(rec, nr, -1, d, z, nr - 1, 0, HELD)
                    nl = _push(lots, nl, head, tail, clean, balance, count, policy, d, z, t, -1, 0)
                else:
                    nl = _push(
                        lots, nl, head, tail, clean, balance, count, policy, d, z, t, nr - 1, 0
                    )
        if d >= 0:
            if policy == PRO_RATA:
                balance[d] += a
            if st != 0:
                rest = a
            if rest > 0 and policy != PRO_RATA and head[d] < 0:
                balance[d] += rest  # the common case, spelled out: no call in the hot loop
            elif rest > 0:
                nl = _push(lots, nl, head, tail, clean, balance, count, policy, d, rest, t, -1, 0)
        i += 1
    return i, nl, nr, 0, 0, 0


@_JIT
def trace_poison(src: Any, dst: Any, amount: Any, ts: Any, stop: Any, seed: Any, max_hops: int,
                 window: int, n_acc: int) -> Any:  # fmt: skip
    """Poison (taint): once traced money reached an account, every later outflow of it is fully
    traced, whatever its size. An account's traced balance (for ``held``) is traced inflows less
    traced outflows, never below zero. The parent of an outflow is the latest traced arrival."""
    n = src.shape[0]
    flow = np.full(n_acc, -1, np.int64)
    since = np.zeros(n_acc, np.int64)
    hops = np.zeros(n_acc, np.int64)
    held = np.zeros(n_acc, np.int64)
    rec = np.empty((1024, 6), np.int64)
    nr = 0
    for i in range(n):
        s = src[i]
        d = dst[i]
        a = amount[i]
        st = stop[i]
        if s == d and s >= 0:
            continue
        if nr + 4 > rec.shape[0]:
            rec = _grow(rec, nr + 4)
        parent = -1
        hop = 0
        if s >= 0 and flow[s] >= 0:
            if window >= 0 and ts[i] - since[s] > window:
                if held[s] > 0:
                    nr = _record(rec, nr, -1, s, held[s], flow[s], hops[s], HELD)
                flow[s] = -1
                held[s] = 0
            else:
                parent = flow[s]
                hop = hops[s] + 1
                held[s] = max(0, held[s] - a)
        elif seed[i] > 0:
            parent = -2
            a = min(a, seed[i])
        if parent == -1:
            continue
        nr = _record(rec, nr, i, d, a, max(parent, -1), hop, REACHED if st else MOVED)
        if st != 0:
            continue
        if hop >= max_hops:
            nr = _record(rec, nr, -1, d, a, nr - 1, hop, HELD)
            continue
        if flow[d] >= 0 and window >= 0 and ts[i] - since[d] > window and held[d] > 0:
            nr = _record(rec, nr, -1, d, held[d], flow[d], hops[d], HELD)
            held[d] = 0
        flow[d] = nr - 1
        since[d] = ts[i]
        hops[d] = hop
        held[d] += a
    for acc in range(n_acc):
        if flow[acc] >= 0 and held[acc] > 0:
            rec = _grow(rec, nr + 1)
            nr = _record(rec, nr, -1, acc, held[acc], flow[acc], hops[acc], HELD)
    return rec[:nr]
