"""Cycles closed by a transaction: temporal cycles and length-bounded simple cycles.

Why: round-tripping (money leaving and coming back through a few accounts) is the signature of
layering; a transaction u -> v that closes a cycle is one where v had already, directly or
through others, paid u within the window.

For transaction i (u -> v at t), over transactions j < i with ``t_j >= t - W``:

- ``cycle_simple``: chains of transactions v -> x1 -> ... -> u (any time order inside the
  window) that visit no account twice and have at most ``max_cycle_len - 1`` transactions, so
  that with i they form a cycle of at most ``max_cycle_len`` accounts;
- ``cycle_temporal``: those chains whose transactions are also in event order (each one after
  the previous), so that money could really have gone round.

Chains of transactions are counted, so two payments on the same leg make two cycles. A
self-transfer closes no cycle. Pruning: a backward breadth-first search from u bounds how far
each account is from u, and the forward search from v only enters accounts that can still reach
u within the length left. ``max_work`` bounds the steps of both searches for one transaction;
past it the counts are lower bounds (only hubs get there).

Example: A -> B (day 1), B -> C (day 2), then C -> A (day 3) closes one temporal cycle of 3.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from moneytrail.detect.features.adjacency import JIT, PJIT, window_slice_listed

NAMES = ("cycle_temporal", "cycle_simple")


@JIT
def _distances(u: int, i: int, since: int, depth: int, in_ptr: Any, in_lst: Any, in_src: Any,
               in_ts: Any, dist: Any, seen: Any, queue: Any, budget: int) -> int:  # fmt: skip
    """Hops from each account to ``u`` (up to ``depth``), marked ``seen == i``; returns the work
    left."""
    seen[u] = i
    dist[u] = 0
    queue[0] = u
    head, tail = 0, 1
    while head < tail and budget > 0:
        x = queue[head]
        head += 1
        if dist[x] >= depth:
            continue
        a, b = window_slice_listed(in_lst, in_ts, in_ptr[x], in_ptr[x + 1], since, i)
        for p in range(a, b):
            budget -= 1
            w = in_src[p]
            if w >= 0 and seen[w] != i:
                seen[w] = i
                dist[w] = dist[x] + 1
                queue[tail] = w
                tail += 1
    return budget


@JIT
def _count(u: int, v: int, i: int, since: int, max_len: int, simple: bool, out_ptr: Any,
           out_lst: Any, out_dst: Any, out_ts: Any, dist: Any, seen: Any, on_path: Any,
           stack: Any, budget: int) -> Any:  # fmt: skip
    """Depth-first search of chains v -> ... -> u; returns (temporal, simple) counts."""
    temporal = 0
    chains = 0
    # stack rows: node, next position, end position, previous edge, chain still in time order
    depth = 0
    a, b = window_slice_listed(out_lst, out_ts, out_ptr[v], out_ptr[v + 1], since, i)
    stack[0, 0], stack[0, 1], stack[0, 2], stack[0, 3], stack[0, 4] = v, a, b, -1, 1
    on_path[v] = i
    while depth >= 0 and budget > 0:
        x, p = stack[depth, 0], stack[depth, 1]
        if p >= stack[depth, 2]:
            on_path[x] = -1
            depth -= 1
            continue
        stack[depth, 1] = p + 1
        budget -= 1
        e = out_lst[p]
        ordered = stack[depth, 4] == 1 and e > stack[depth, 3]
        if not simple and not ordered:
            continue
        y = out_dst[p]
        if y == u:
            chains += 1
            if ordered:
                temporal += 1
            continue
        left = max_len - 2 - depth  # edges still allowed after this one, before u
        if y < 0 or on_path[y] == i or seen[y] != i or dist[y] > left:
            continue
        depth += 1
        a, b = window_slice_listed(out_lst, out_ts, out_ptr[y], out_ptr[y + 1], since, i)
        stack[depth, 0], stack[depth, 1], stack[depth, 2] = y, a, b
        stack[depth, 3], stack[depth, 4] = e, 1 if ordered else 0
        on_path[y] = i
    while depth >= 0:  # budget spent: unmark the rest of the path
        on_path[stack[depth, 0]] = -1
        depth -= 1
    return temporal, chains


@PJIT
def cycles(src: Any, dst: Any, ts: Any, out_ptr: Any, out_lst: Any, in_ptr: Any, in_lst: Any,
           window: int, max_len: int, max_work: int, simple: bool, out: Any, col_t: int,
           col_s: int, parts: int) -> None:  # fmt: skip
    """Write ``cycle_temporal`` into ``out[:, col_t]`` and, when ``simple``, ``cycle_simple``
    into ``out[:, col_s]``. Part c takes every ``parts``-th transaction from c (hubs spread
    evenly over the threads) with its own scratch arrays."""
    n_edges, n_nodes = src.shape[0], out_ptr.shape[0] - 1
    # the far account of each listed edge, stored beside the list: the searches read it in
    # list order instead of jumping to src/dst at the edge's index (same values, fewer cache
    # misses; the searches and their work counts are unchanged)
    in_src, in_ts = src[in_lst], ts[in_lst]
    out_dst, out_ts = dst[out_lst], ts[out_lst]
    for c in nb.prange(parts):
        dist = np.zeros(n_nodes, np.int32)
        seen = np.full(n_nodes, -1, np.int32)
        on_path = np.full(n_nodes, -1, np.int32)
        queue = np.empty(n_nodes, np.int32)
        stack = np.empty((max(max_len, 1), 5), np.int64)
        for i in range(c, n_edges, parts):
            u, v = src[i], dst[i]
            if u < 0 or v < 0 or u == v or max_len < 2:
                continue
            since = ts[i] - window
            # no chain v -> ... -> u can exist when v paid nobody or u was paid by nobody in
            # the window: the counts are 0, and skipping the search changes no other row
            a, b = window_slice_listed(out_lst, out_ts, out_ptr[v], out_ptr[v + 1], since, i)
            if a == b:
                continue
            a, b = window_slice_listed(in_lst, in_ts, in_ptr[u], in_ptr[u + 1], since, i)
            if a == b:
                continue
            left = _distances(u, i, since, max_len - 1, in_ptr, in_lst, in_src, in_ts, dist,
                              seen, queue, max_work)  # fmt: skip
            if seen[v] != i or dist[v] > max_len - 1:
                continue
            t, s = _count(u, v, i, since, max_len, simple, out_ptr, out_lst, out_dst, out_ts,
                          dist, seen, on_path, stack, left)  # fmt: skip
            if col_t >= 0:
                out[i, col_t] = t
            if col_s >= 0:
                out[i, col_s] = s
