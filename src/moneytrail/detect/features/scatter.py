"""Scatter-gather: one source splits money over several intermediaries that pay one account.

Why: the classic layering shape (a ransom or a collection split over mules, then regrouped); a
transaction u -> v is a *gather* leg of such a pattern when some s paid u and also paid other
intermediaries that have paid v, all within the window.

For transaction i (u -> v at t), over transactions j <= i with ``t_j >= t - W``:
for each distinct source s != u, v that paid u before i, its *width* is the number of distinct
intermediaries k (u included; k != s, v) such that s paid k and k then paid v (the s -> k payment
comes before the latest k -> v payment in event order). ``scatter_gather_sources`` counts the
sources of width >= 2; ``scatter_gather_width`` is the largest width. ``max_work`` bounds the
entries scanned for one transaction; past it the figures are lower bounds (hubs only).

Example: S pays A, B, C on Monday; A, B, C pay D on Tuesday: the last of those gives width 3.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from moneytrail.detect.features.adjacency import PJIT, window_slice

NAMES = ("scatter_gather_sources", "scatter_gather_width")


@PJIT
def scatter_gather(src: Any, dst: Any, ts: Any, out_ptr: Any, out_lst: Any, in_ptr: Any,
                   in_lst: Any, window: int, max_work: int, out: Any, col: int,
                   parts: int) -> None:  # fmt: skip
    """Write the two :data:`NAMES` columns into ``out[:, col:col + 2]``; part c takes every
    ``parts``-th transaction from c, with its own scratch arrays."""
    n_edges, n_nodes = src.shape[0], out_ptr.shape[0] - 1
    for c in nb.prange(parts):
        gather_mark = np.full(n_nodes, -1, np.int32)  # == i: k has paid v in the window
        last_pay = np.zeros(n_nodes, np.int64)  # latest k -> v payment
        source_mark = np.full(n_nodes, -1, np.int32)  # == i: source s already counted
        inter_mark = np.full(n_nodes, -1, np.int64)  # == token: k already counted for s
        token = 0
        for i in range(c, n_edges, parts):
            u, v = src[i], dst[i]
            if u < 0 or v < 0 or u == v:
                continue
            since = ts[i] - window
            budget = max_work
            a, b = window_slice(in_lst, in_ptr[v], in_ptr[v + 1], ts, since, i + 1)
            for p in range(a, b):
                k = src[in_lst[p]]
                if k >= 0:
                    gather_mark[k] = i
                    last_pay[k] = in_lst[p]
            budget -= b - a
            sources = 0
            width = 0
            a, b = window_slice(in_lst, in_ptr[u], in_ptr[u + 1], ts, since, i)
            for p in range(a, b):
                if budget <= 0:
                    break
                s = src[in_lst[p]]
                if s < 0 or s in (u, v) or source_mark[s] == i:
                    continue
                source_mark[s] = i
                token += 1
                found = 0
                sa, sb = window_slice(out_lst, out_ptr[s], out_ptr[s + 1], ts, since, i)
                budget -= sb - sa
                for q in range(sa, sb):
                    e = out_lst[q]
                    k = dst[e]
                    if k < 0 or k in (v, s) or gather_mark[k] != i or inter_mark[k] == token:
                        continue
                    if e < last_pay[k]:
                        inter_mark[k] = token
                        found += 1
                if found >= 2:
                    sources += 1
                width = max(width, found)
            out[i, col] = sources
            out[i, col + 1] = width
