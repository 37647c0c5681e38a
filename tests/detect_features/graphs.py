"""Small random transaction graphs with ties, self-transfers and outside counterparties."""

from __future__ import annotations

import numpy as np

from moneytrail.detect.features import EdgeArrays


def random_edges(seed: int, n_edges: int = 60, n_nodes: int = 7, span: int = 40) -> EdgeArrays:
    """Edges in event order; about 5% of endpoints are outside the data (-1)."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_nodes, n_edges)
    dst = rng.integers(0, n_nodes, n_edges)
    src[rng.random(n_edges) < 0.05] = -1
    dst[rng.random(n_edges) < 0.05] = -1
    ts = np.sort(rng.integers(0, span, n_edges))
    amount = np.round(rng.lognormal(10, 1.5, n_edges), 2)
    return EdgeArrays(src.astype(np.int64), dst.astype(np.int64), ts.astype(np.int64), amount,
                      n_nodes)  # fmt: skip


def prefix(edges: EdgeArrays, n: int) -> EdgeArrays:
    """The first ``n`` edges (what was known at that moment)."""
    return EdgeArrays(edges.src[:n].copy(), edges.dst[:n].copy(), edges.ts[:n].copy(),
                      edges.amount[:n].copy(), edges.n_nodes)  # fmt: skip
