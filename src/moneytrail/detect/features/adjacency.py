"""Time-ordered adjacency (CSR) and the small compiled helpers every feature kernel shares.

Why CSR in event order: each node's edges are listed by edge index, and edge indices are event
order, so "the node's edges in ``[t - W, t]`` and before edge i" is one contiguous slice found by
two binary searches; no kernel ever reads past it (the no-look-ahead rule).

Example::

    ptr, lst = csr(edges.src, edges.n_nodes)  # out-edges of node x: lst[ptr[x]:ptr[x + 1]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba as nb
import numpy as np

from moneytrail.kernels import group_positions

F = TypeVar("F", bound=Callable[..., Any])


def JIT(fn: F) -> F:
    """numba's ``njit`` (cached on disk, GIL released) with the function's own type kept."""
    return cast(F, nb.njit(cache=True, nogil=True)(fn))


def PJIT(fn: F) -> F:
    """As :func:`JIT`, with ``prange`` loops spread over numba's threads."""
    return cast(F, nb.njit(cache=True, nogil=True, parallel=True)(fn))


def csr(keys: Any, n_nodes: int) -> Any:
    """Edges grouped by ``keys`` (src or dst), each group in edge order; -1 keys are left out."""
    return group_positions(keys, n_nodes)


@JIT
def incident(src: Any, dst: Any, n_nodes: int) -> Any:
    """Every node's entries in event order: ``2 * e`` (e leaves it) or ``2 * e + 1`` (arrives)."""
    ptr = np.zeros(n_nodes + 1, np.int64)
    for e in range(src.shape[0]):
        if src[e] >= 0:
            ptr[src[e] + 1] += 1
        if dst[e] >= 0:
            ptr[dst[e] + 1] += 1
    for x in range(n_nodes):
        ptr[x + 1] += ptr[x]
    fill = ptr[:-1].copy()
    ent = np.empty(ptr[n_nodes], np.int64)
    for e in range(src.shape[0]):
        if src[e] >= 0:
            ent[fill[src[e]]] = 2 * e
            fill[src[e]] += 1
        if dst[e] >= 0:
            ent[fill[dst[e]]] = 2 * e + 1
            fill[dst[e]] += 1
    return ptr, ent


@JIT
def chunks(ptr: Any, parts: int) -> Any:
    """Node boundaries that split the CSR into ``parts`` runs of about equal entry counts."""
    n_nodes = ptr.shape[0] - 1
    bounds = np.empty(parts + 1, np.int64)
    for c in range(parts + 1):
        bounds[c] = np.searchsorted(ptr[:n_nodes], ptr[n_nodes] * c // parts)
    bounds[0] = 0
    bounds[parts] = n_nodes
    return bounds


@JIT
def _first_at_or_after(lst: Any, a: int, hi: int, before: int) -> int:
    """First position of ``lst[a:hi]`` whose edge index is at or after ``before``."""
    b = hi
    while a < b:
        mid = (a + b) // 2
        if lst[mid] < before:
            a = mid + 1
        else:
            b = mid
    return a


@JIT
def window_slice_listed(lst: Any, lst_ts: Any, lo: int, hi: int, since: int, before: int) -> Any:
    """:func:`window_slice` with the edges' times stored beside the list (``lst_ts[k] ==
    ts[lst[k]]``): the binary search stays inside the account's own run of the list instead of
    jumping across ``ts`` (same positions, fewer cache misses in the searches that run once
    per account reached)."""
    a, b = lo, hi
    while a < b:  # first edge at or after ``since``
        mid = (a + b) // 2
        if lst_ts[mid] < since:
            a = mid + 1
        else:
            b = mid
    return a, _first_at_or_after(lst, a, hi, before)


@JIT
def window_slice(lst: Any, lo: int, hi: int, ts: Any, since: int, before: int) -> Any:
    """Positions ``[a, b)`` of ``lst[lo:hi]`` whose edges have ``ts >= since`` and index
    ``< before`` (binary searches; ``lst`` is in edge order, hence in time order)."""
    a, b = lo, hi
    while a < b:  # first edge at or after ``since``
        mid = (a + b) // 2
        if ts[lst[mid]] < since:
            a = mid + 1
        else:
            b = mid
    return a, _first_at_or_after(lst, a, hi, before)
