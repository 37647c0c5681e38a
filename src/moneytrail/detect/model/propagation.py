"""Neighbourhood scores: what the first-stage model thought of each account's earlier transactions.

Why: laundering is not one suspicious transaction but a run of them through the same accounts.
A mule that received a suspicious payment this morning is likely to send one this afternoon; a
collector whose earlier deposits looked like a levy is likely to receive more. The graph-pattern
features see the shape of that activity, not how suspicious it looked. The second stage of the
scoring model (:mod:`moneytrail.detect.model.stacking`) therefore gets, for each transaction
u -> v at time t, aggregates of the first-stage scores of the transactions u and v took part in
*strictly before second t* (same-second transactions are not seen: their order inside the second
is not reliable across banks' exports):

- ``prop_{src,dst}_{in,out}_{max,mean,sum}_{3d,30d}``: highest, average and total score of the
  account's earlier incoming / outgoing transactions, each weighted by ``0.5 ** (age / half
  life)`` with half lives of 3 and 30 days (a recent suspicious payment weighs more than an old
  one; no window edge makes a value jump);
- ``prop_{src,dst}_last_in``, ``prop_{src,dst}_last_out``: the score of the account's latest
  incoming / outgoing transaction (NaN: none yet), the one a pass-through chain continues;
- ``prop_{src,dst}_max_ever``: the highest score of any earlier transaction of the account.

The same pass is made per *pair of accounts* (:func:`pair_history`): a payer who already sent
this payee suspicious-looking payments (structuring in instalments, a levy collected every
month) or received some from it (money going back and forth) is read from

- ``prop_pair_count``, ``prop_pair_max``, ``prop_pair_last``, ``prop_pair_mean``: how many
  earlier u -> v transactions, their highest, latest and average score;
- ``prop_reverse_count``, ``prop_reverse_max``: the same count and highest score for v -> u.

An endpoint outside the data (-1) gets NaN everywhere (LightGBM treats NaN as missing). One pass
over the edges in event order, ``O(E)`` time and ``O(accounts + pairs)`` memory: a running state
per account (decayed to the current second before it is read or updated) and per pair.

Example: A receives a payment scored 0.9 at noon; a payment from A at 14:00 the same day has
``prop_src_in_max_3d`` = 0.9 * 0.5 ** (2 h / 72 h) ≈ 0.88 and ``prop_src_last_in`` = 0.9.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from moneytrail.detect.features import EdgeArrays
from moneytrail.detect.features.adjacency import JIT, incident

HALF_LIVES = (("3d", 3 * 86_400.0), ("30d", 30 * 86_400.0))
SOURCE_HORIZON = 30 * 86_400
_STATS = ("max", "mean", "sum")
_LAST = ("last_in", "last_out", "max_ever")


def propagation_names() -> list[str]:
    """Column names in the kernel's order: per endpoint, decayed stats then the last scores."""
    names = []
    for side in ("src", "dst"):
        for direction in ("in", "out"):
            for label, _ in HALF_LIVES:
                names += [f"prop_{side}_{direction}_{stat}_{label}" for stat in _STATS]
        names += [f"prop_{side}_{last}" for last in _LAST]
    return names


NAMES = tuple(propagation_names())
PAIR_NAMES = (
    "prop_pair_count",
    "prop_pair_max",
    "prop_pair_last",
    "prop_pair_mean",
    "prop_reverse_count",
    "prop_reverse_max",
)


@JIT
def _decay(peak: Any, total: Any, count: Any, x: int, age: float, halves: Any) -> None:
    for d in range(2):
        for h in range(halves.shape[0]):
            factor = 0.5 ** (age / halves[h])
            peak[x, d, h] *= factor
            total[x, d, h] *= factor
            count[x, d, h] *= factor


@JIT
def _kernel(src: Any, dst: Any, ts: Any, score: Any, n_nodes: int, halves: Any) -> Any:
    n, n_half = src.shape[0], halves.shape[0]
    width = 2 * n_half * 3 + 3
    peak = np.zeros((n_nodes, 2, n_half))  # direction 0: incoming, 1: outgoing
    total = np.zeros((n_nodes, 2, n_half))
    count = np.zeros((n_nodes, 2, n_half))
    seen = np.zeros(n_nodes, np.int64)  # second the account's state was last decayed to
    last = np.full((n_nodes, 2), np.nan)
    ever = np.full(n_nodes, np.nan)
    out = np.full((n, 2 * width), np.nan, np.float32)
    i = 0
    while i < n:
        j = i
        while j < n and ts[j] == ts[i]:
            j += 1
        for e in range(i, j):  # read: the state holds strictly earlier seconds only
            for side in range(2):
                x = src[e] if side == 0 else dst[e]
                if x < 0:
                    continue
                _decay(peak, total, count, x, float(ts[e] - seen[x]), halves)
                seen[x] = ts[e]
                col = side * width
                for d in range(2):
                    for h in range(n_half):
                        out[e, col] = peak[x, d, h]
                        if count[x, d, h] > 1e-12:
                            out[e, col + 1] = total[x, d, h] / count[x, d, h]
                        out[e, col + 2] = total[x, d, h]
                        col += 3
                out[e, col] = last[x, 0]
                out[e, col + 1] = last[x, 1]
                out[e, col + 2] = ever[x]
        for e in range(i, j):  # update, once the whole second has been read
            for side in range(2):
                x = src[e] if side == 0 else dst[e]
                if x < 0:
                    continue
                d = 1 if side == 0 else 0
                for h in range(n_half):
                    peak[x, d, h] = max(peak[x, d, h], score[e])
                    total[x, d, h] += score[e]
                    count[x, d, h] += 1.0
                last[x, d] = score[e]
                if not ever[x] >= score[e]:
                    ever[x] = score[e]
        i = j
    return out


def propagate(edges: EdgeArrays, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """The ``NAMES`` columns for every edge, from the first-stage ``scores`` of earlier edges."""
    halves = np.array([h for _, h in HALF_LIVES], dtype=np.float64)
    values = _kernel(
        edges.src, edges.dst, edges.ts, np.asarray(scores, np.float64), edges.n_nodes, halves
    )
    return np.asarray(values, dtype=np.float32)


@JIT
def _pair_kernel(pair: Any, reverse: Any, ts: Any, score: Any, n_pairs: int) -> Any:
    n = pair.shape[0]
    count = np.zeros(n_pairs)
    total = np.zeros(n_pairs)
    peak = np.full(n_pairs, np.nan)
    last = np.full(n_pairs, np.nan)
    out = np.full((n, 6), np.nan, np.float32)  # the six PAIR_NAMES
    i = 0
    while i < n:
        j = i
        while j < n and ts[j] == ts[i]:
            j += 1
        for e in range(i, j):  # read: strictly earlier seconds only
            p, r = pair[e], reverse[e]
            if p < 0:
                continue
            out[e, 0] = count[p]
            out[e, 1] = peak[p]
            out[e, 2] = last[p]
            if count[p] > 0:
                out[e, 3] = total[p] / count[p]
            out[e, 4] = count[r] if r >= 0 else 0.0
            if r >= 0:
                out[e, 5] = peak[r]
        for e in range(i, j):  # update, once the whole second has been read
            p = pair[e]
            if p < 0:
                continue
            count[p] += 1.0
            total[p] += score[e]
            last[p] = score[e]
            if not peak[p] >= score[e]:
                peak[p] = score[e]
        i = j
    return out


def pair_history(edges: EdgeArrays, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    """The ``PAIR_NAMES`` columns for every edge: earlier u -> v and v -> u transactions.

    Pairs are numbered by sorting their ``u * n_nodes + v`` keys (``O(E log E)``, no hash map in
    the loop); the reverse pair of u -> v is found by binary search among those keys.
    """
    n = np.int64(max(edges.n_nodes, 1))
    inside = (edges.src >= 0) & (edges.dst >= 0)
    keys = np.where(inside, edges.src.astype(np.int64) * n + edges.dst, -1)
    unique, inverse = np.unique(keys, return_inverse=True)
    pair = np.where(inside, inverse, -1).astype(np.int64)
    back = edges.dst.astype(np.int64) * n + edges.src
    at = np.minimum(np.searchsorted(unique, back), len(unique) - 1)
    reverse = np.where(inside & (unique[at] == back), at, -1).astype(np.int64)
    values = _pair_kernel(pair, reverse, edges.ts, np.asarray(scores, np.float64), len(unique))
    return np.asarray(values, dtype=np.float32)


@JIT
def _sources(
    ptr: Any, ent: Any, src: Any, dst: Any, ts: Any, score: Any, rows: Any, horizon: int
) -> Any:
    best = np.full((rows.shape[0], 2), -1, np.int64)
    for k in range(rows.shape[0]):
        e = rows[k]
        for side in range(2):
            x = src[e] if side == 0 else dst[e]
            if x < 0:
                continue
            lo, hi = ptr[x], ptr[x + 1]
            stop = lo + np.searchsorted(ent[lo:hi], 2 * e)  # entries before edge e
            top = -1.0
            for q in range(stop - 1, lo - 1, -1):
                f = ent[q] // 2
                if ts[f] >= ts[e]:
                    continue  # same second: not seen by the neighbourhood columns either
                if ts[e] - ts[f] > horizon:
                    break
                if score[f] > top:
                    top = score[f]
                    best[k, side] = f
    return best


def neighbourhood_sources(
    edges: EdgeArrays, scores: npt.NDArray[np.float64], rows: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each of ``rows``: the earlier transaction (within 30 days, strictly earlier second)
    of its sender (column 0) and of its receiver (column 1) with the highest first-stage score;
    -1 when there is none. Where an analyst should follow the money next."""
    ptr, ent = incident(edges.src, edges.dst, edges.n_nodes)
    return np.asarray(
        _sources(ptr, ent, edges.src, edges.dst, edges.ts, scores, rows, SOURCE_HORIZON),
        dtype=np.int64,
    )
