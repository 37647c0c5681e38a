"""Endpoint codes and the temporal reach of a seed, compiled, over the trace store's arrays.

Why here: both run per trace (they depend on the settings) over arrays of up to tens of millions
of transactions, so they are numba loops, not SQL and not one Python object per row.

**Endpoint codes** (:func:`stop_codes`): the :class:`~moneytrail.trace.model.StopCode` of the far
side of each transaction, by the rules of docs/tracing.md ("Endpoints"): unknown far account >
sanctioned > cash > exchange > abroad. ``rule`` packs the settings: ``[forward, sanctioned?,
cash?, exchange?, abroad?, home country code]``; ``flag`` per account: 1 sanctioned, 2 listed
exchange, 4 cash account, 8 crypto account.

**Temporal reach** (:func:`reach_accounts`): which accounts traced money can pass *through*
(arrive on and leave again) within ``max_hops`` transactions. A breadth-first walk over the
store's per-account adjacency, where an arrival at position ``p`` and time ``t`` can only leave
by an outflow after ``p`` in event order and, with a window, no later than ``t + window`` (the
kernels' window rule: a lot older than the window stops moving). Amounts are ignored, so the
result is a superset of what any policy moves; a trace over only the transactions touching
these accounts therefore equals the trace over all of them (checked by
``tests/trace/test_trace_reach.py``). Backward runs the same walk on inflows, earlier in time.

Each account keeps the interval of its adjacency already scanned; since the walk goes hop by
hop, a later arrival whose outflows lie inside that interval adds nothing and is skipped, which
keeps the walk linear in the transactions it touches even on busy accounts without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba as nb
import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


def _compiled(fn: F) -> F:
    """numba's ``njit`` (cached on disk, GIL released), the function's own type kept."""
    return cast(F, nb.njit(cache=True, nogil=True)(fn))


def _inlined(fn: F) -> F:
    """Like :func:`_compiled`, inlined into its callers (tiny helpers of hot loops)."""
    return cast(F, nb.njit(cache=True, nogil=True, inline="always")(fn))


@_inlined
def _code(far: int, f: int, chan: int, fc: int, nc: int, cash_channel: int, rule: Any) -> int:
    """Endpoint code from the far account, its flags, the channel and both countries."""
    if far < 0:
        return 1
    if rule[1] != 0 and (f & 1) != 0:
        return 2
    if rule[2] != 0 and (chan == cash_channel or (f & 4) != 0):
        return 3
    if rule[3] != 0 and (chan == 3 or (f & 10) != 0):
        return 4
    home = rule[5]
    if rule[4] != 0 and fc != 0 and ((nc != 0 and fc != nc) or (home != 0 and fc != home)):
        return 5
    return 0


@_inlined
def _stop_one(i: int, src: Any, dst: Any, channel: Any, sc: Any, dc: Any, flag: Any,
              rule: Any) -> int:  # fmt: skip
    """Endpoint code of transaction ``i`` (0: the money goes on)."""
    if rule[0] != 0:
        far, fc, nc, cash = dst[i], dc[i], sc[i], 1
    else:
        far, fc, nc, cash = src[i], sc[i], dc[i], 2
    f = flag[far] if far >= 0 else 0
    return _code(far, f, channel[i], fc, nc, cash, rule)


@_compiled
def stop_codes(positions: Any, src: Any, dst: Any, channel: Any, sc: Any, dc: Any, flag: Any,
               rule: Any) -> Any:  # fmt: skip
    """Endpoint codes of the transactions at ``positions`` (int8)."""
    out = np.empty(positions.shape[0], np.int8)
    for k in range(positions.shape[0]):
        out[k] = _stop_one(positions[k], src, dst, channel, sc, dc, flag, rule)
    return out


@_compiled
def stop_codes_all(src: Any, dst: Any, channel: Any, sc: Any, dc: Any, flag: Any,
                   rule: Any) -> Any:  # fmt: skip
    """Endpoint codes of every transaction (int8); the direction test is hoisted out of the
    loop (numba left it inside, ten times slower on ten million rows)."""
    out = np.empty(src.shape[0], np.int8)
    if rule[0] != 0:
        for i in range(src.shape[0]):
            far = dst[i]
            f = flag[far] if far >= 0 else 0
            out[i] = _code(far, f, channel[i], dc[i], sc[i], 1, rule)
    else:
        for i in range(src.shape[0]):
            far = src[i]
            f = flag[far] if far >= 0 else 0
            out[i] = _code(far, f, channel[i], sc[i], dc[i], 2, rule)
    return out


@_inlined
def _first_after(pos: Any, lo: int, hi: int, p: int) -> int:
    """First index in ``pos[lo:hi]`` (ascending) whose value is greater than ``p``."""
    while lo < hi:
        mid = (lo + hi) // 2
        if pos[mid] <= p:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_inlined
def _first_time_over(pos: Any, ts: Any, lo: int, hi: int, t: int) -> int:
    """First index in ``pos[lo:hi]`` whose transaction time is greater than ``t``."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ts[pos[mid]] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_inlined
def _first_time_from(pos: Any, ts: Any, lo: int, hi: int, t: int) -> int:
    """First index in ``pos[lo:hi]`` whose transaction time is at least ``t``."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ts[pos[mid]] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_compiled
def reach_accounts(src: Any, dst: Any, ts: Any, channel: Any, sc: Any, dc: Any, flag: Any,
                   rule: Any, start: Any, adj: Any, start_acc: Any, start_pos: Any,
                   start_ts: Any, max_hops: int, window: int, budget: int) -> Any:  # fmt: skip
    """Accounts traced money can leave again (bool per account) and the number of adjacency
    entries scanned; the walk gives up (scanned = -1) once it scanned more than ``budget``.

    ``start``/``adj``: out-adjacency forward, in-adjacency backward. A start item is an arrival
    ``(account, position, time)`` of seed money at hop 0; forward, it may leave by outflows at
    positions greater than ``position``; backward, by inflows at positions smaller than it.
    """
    forward = rule[0] == 1
    n_acc = start.shape[0] - 1
    reached = np.zeros(n_acc, np.bool_)
    lo = np.full(n_acc, -1, np.int64)
    hi = np.full(n_acc, -1, np.int64)
    cap = max(64, start_acc.shape[0] * 2)
    q_acc = np.empty(cap, np.int64)
    q_pos = np.empty(cap, np.int64)
    q_ts = np.empty(cap, np.int64)
    q_hop = np.empty(cap, np.int64)
    tail = 0
    for k in range(start_acc.shape[0]):
        q_acc[tail] = start_acc[k]
        q_pos[tail] = start_pos[k]
        q_ts[tail] = start_ts[k]
        q_hop[tail] = 0
        tail += 1
    head = 0
    scanned = 0
    while head < tail:
        a = q_acc[head]
        p = q_pos[head]
        t = q_ts[head]
        h = q_hop[head]
        head += 1
        if a < 0 or h >= max_hops:
            continue
        reached[a] = True
        seg_lo = start[a]
        seg_hi = start[a + 1]
        if forward:
            s = _first_after(adj, seg_lo, seg_hi, p)
            e = seg_hi if window < 0 else _first_time_over(adj, ts, s, seg_hi, t + window)
        else:
            e = _first_after(adj, seg_lo, seg_hi, p - 1)
            s = seg_lo if window < 0 else _first_time_from(adj, ts, seg_lo, e, t - window)
        if s >= e:
            continue
        # the part of [s, e) not yet scanned from this account (hop by hop, so an earlier scan
        # already produced the same arrivals with fewer hops)
        a1, b1, a2, b2 = s, e, 0, 0
        if hi[a] >= 0:
            if s >= lo[a] and e <= hi[a]:
                continue
            if e >= lo[a] and s <= hi[a]:
                a1, b1 = s, max(s, lo[a])
                a2, b2 = max(e if e < hi[a] else hi[a], s), e
                lo[a], hi[a] = min(lo[a], s), max(hi[a], e)
            else:
                lo[a], hi[a] = s, e
        else:
            lo[a], hi[a] = s, e
        scanned += (b1 - a1) + (b2 - a2)
        if scanned > budget:
            return reached, -1
        need = tail + (b1 - a1) + (b2 - a2)
        if need > q_acc.shape[0]:
            size = max(need, q_acc.shape[0] * 2)
            q_acc = _resize(q_acc, size)
            q_pos = _resize(q_pos, size)
            q_ts = _resize(q_ts, size)
            q_hop = _resize(q_hop, size)
        for lo_k, hi_k in ((a1, b1), (a2, b2)):
            for k in range(lo_k, hi_k):
                q = adj[k]
                if h + 1 >= max_hops or _stop_one(q, src, dst, channel, sc, dc, flag, rule):
                    continue
                q_acc[tail] = dst[q] if forward else src[q]
                q_pos[tail] = q
                q_ts[tail] = ts[q]
                q_hop[tail] = h + 1
                tail += 1
    return reached, scanned


@_compiled
def _resize(arr: Any, size: int) -> Any:
    out = np.empty(size, np.int64)
    out[: arr.shape[0]] = arr
    return out


@_compiled
def touching(reached: Any, out_start: Any, out_pos: Any, in_start: Any, in_pos: Any,
             extra: Any) -> Any:  # fmt: skip
    """Sorted, distinct positions of every transaction from or to a reached account, plus
    ``extra`` positions (the seed transactions)."""
    total = extra.shape[0]
    for a in range(reached.shape[0]):
        if reached[a]:
            total += out_start[a + 1] - out_start[a] + in_start[a + 1] - in_start[a]
    out = np.empty(total, np.int64)
    n = 0
    for a in range(reached.shape[0]):
        if reached[a]:
            for k in range(out_start[a], out_start[a + 1]):
                out[n] = out_pos[k]
                n += 1
            for k in range(in_start[a], in_start[a + 1]):
                out[n] = in_pos[k]
                n += 1
    for k in range(extra.shape[0]):
        out[n] = extra[k]
        n += 1
    return np.unique(out)
