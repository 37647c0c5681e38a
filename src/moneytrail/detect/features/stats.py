"""Vertex statistics: amounts and inter-arrival times of an account's recent transactions.

Why: structuring and pass-through accounts show in the rhythm and size of their flows (many
similar amounts a few minutes apart) more than in any single transaction. For transaction i
(u -> v at t), over ``[t - W, t]`` and transactions up to i itself, in all four directions:
u's outgoing (``src_out_*``), v's incoming (``dst_in_*``), u's incoming (``src_in_*``: who paid
the sender, the pass-through signal) and v's outgoing (``dst_out_*``: where the receiver sends
money on): amount sum, mean, standard deviation (population), min, max and count; and of the gaps
between consecutive ones (seconds): mean, standard deviation, min, max, or -1 when there is no gap
yet (fewer than two transactions). An empty window (u received nothing yet) gives amounts and
count 0.

Each account's list is walked once, alongside the list of edges it describes, with running sums
and monotonic queues for min and max, so the cost is ``O(degree)`` per account. Sums of squares
are taken about the first amount of the current run of activity (re-anchored whenever the window
holds one transaction or none) to keep float64 cancellation small on large XOF amounts.

Example: an agent receiving 500 000, 490 000 and 495 000 XOF at 10:00, 10:05 and 10:07 gets,
on the third, ``dst_in_amount_sum == 1 485 000`` and ``dst_in_gap_min == 120``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from moneytrail.detect.features.adjacency import JIT, PJIT, chunks

STATS = (
    "amount_sum",
    "amount_mean",
    "amount_std",
    "amount_min",
    "amount_max",
    "count",
    "gap_mean",
    "gap_std",
    "gap_min",
    "gap_max",
)
# (side, list of u's or v's edges whose statistics describe the transaction): the first two are
# the transaction's own side of each end, the last two the other side (who paid u, whom v paid).
SIDES = ("src_out", "dst_in", "src_in", "dst_out")
NAMES = tuple(f"{side}_{s}" for side in SIDES for s in STATS)
# the transaction's own side of each end over ``FeatureConfig.long_window`` (a month); the
# other two directions over a month were measured and added nothing (docs/detection-model.md)
LONG_SIDES = SIDES[:2]
LONG_NAMES = tuple(f"{side}_{s}_long" for side in LONG_SIDES for s in STATS)


@JIT
def _push(dq: Any, tail: int, head: int, values: Any, p: int, sign: float) -> int:
    """Monotonic queue of positions: drop those beaten by ``p`` (sign 1: min, -1: max)."""
    while tail > head and sign * values[dq[tail - 1]] >= sign * values[p]:
        tail -= 1
    dq[tail] = p
    return tail + 1


@PJIT
def vertex_stats(lst_ptr: Any, lst: Any, ask_ptr: Any, ask: Any, ts: Any, amount: Any,
                 window: int, out: Any, col: int, parts: int) -> None:  # fmt: skip
    """Write the ten :data:`STATS` into ``out[e, col:col+10]`` for every edge e of node x's
    ``ask`` list, over x's ``lst`` edges (out- or in-edges) with index <= e and ``ts`` in
    ``[ts[e] - window, ts[e]]``. With ``ask`` = ``lst``, each edge describes its own list; with
    the other direction, the window may be empty: amounts and count 0, gaps -1."""
    bounds = chunks(lst_ptr + ask_ptr, parts)
    for c in nb.prange(parts):
        first, last = bounds[c], bounds[c + 1]
        size = 1
        for node in range(first, last):
            size = max(size, lst_ptr[node + 1] - lst_ptr[node])
        amt = np.empty(size, np.float64)
        gap = np.empty(size, np.float64)
        dq = np.empty((4, size), np.int64)
        heads = np.zeros(4, np.int64)
        tails = np.zeros(4, np.int64)
        for node in range(first, last):
            lo, n = lst_ptr[node], lst_ptr[node + 1] - lst_ptr[node]
            shift = amount[lst[lo]] if n > 0 else 0.0
            s1 = s2 = g1 = g2 = 0.0
            heads[:] = 0
            tails[:] = 0
            k = 0  # first position in the window
            m = 0  # positions pushed so far
            for a in range(ask_ptr[node], ask_ptr[node + 1]):
                e = ask[a]
                while m < n and lst[lo + m] <= e:  # edges up to e itself, never later ones
                    amt[m] = amount[lst[lo + m]]
                    s1 += amt[m] - shift
                    s2 += (amt[m] - shift) ** 2
                    tails[0] = _push(dq[0], tails[0], heads[0], amt, m, 1.0)
                    tails[1] = _push(dq[1], tails[1], heads[1], amt, m, -1.0)
                    gap[m] = 0.0 if m == 0 else float(ts[lst[lo + m]] - ts[lst[lo + m - 1]])
                    if m > 0:
                        if k < m:  # the gap from an edge still in the window
                            g1 += gap[m]
                            g2 += gap[m] ** 2
                        tails[2] = _push(dq[2], tails[2], heads[2], gap, m, 1.0)
                        tails[3] = _push(dq[3], tails[3], heads[3], gap, m, -1.0)
                    m += 1
                since = ts[e] - window
                while k < m and ts[lst[lo + k]] < since:
                    s1 -= amt[k] - shift
                    s2 -= (amt[k] - shift) ** 2
                    k += 1
                    if k < m:  # the gap into the new first one leaves too
                        g1 -= gap[k]
                        g2 -= gap[k] ** 2
                count = m - k
                if count <= 1:  # the window restarts: re-anchor the sums, dropping float drift
                    shift = amt[k] if count == 1 else shift
                    s1, s2, g1, g2 = 0.0, 0.0, 0.0, 0.0
                for q in range(4):
                    first_allowed = k if q < 2 else k + 1
                    while heads[q] < tails[q] and dq[q, heads[q]] < first_allowed:
                        heads[q] += 1
                for j in range(6, 10):
                    out[e, col + j] = -1.0
                if count == 0:
                    for j in range(6):
                        out[e, col + j] = 0.0
                    continue
                mean = s1 / count
                out[e, col + 0] = s1 + shift * count
                out[e, col + 1] = mean + shift
                out[e, col + 2] = np.sqrt(max(s2 / count - mean * mean, 0.0))
                out[e, col + 3] = amt[dq[0, heads[0]]]
                out[e, col + 4] = amt[dq[1, heads[1]]]
                out[e, col + 5] = count
                if count > 1:
                    gmean = g1 / (count - 1)
                    out[e, col + 6] = gmean
                    out[e, col + 7] = np.sqrt(max(g2 / (count - 1) - gmean * gmean, 0.0))
                    out[e, col + 8] = gap[dq[2, heads[2]]]
                    out[e, col + 9] = gap[dq[3, heads[3]]]
