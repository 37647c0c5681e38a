"""Per-account features: the strongest signal each account showed, as sender and as receiver.

Why: an analyst and an account-level model ask "which wallets behave like mules?", not "which
transfers"; the largest value a transaction feature took on an account's transactions (e.g. the
largest fan-in it ever had within a day) answers that while staying explainable.

Row x describes account (node) x: ``out_max_<feature>`` over the transactions x sent,
``in_max_<feature>`` over those it received, then ``out_count`` and ``in_count``. Accounts
without transactions on a side have 0 there. With ``upto=n`` only the first n transactions count,
so the row is "as of" the moment of transaction n - 1 (the transaction features themselves
never look ahead, so neither does this).

Example::

    matrix = transaction_features(edges)
    accounts = account_features(edges, matrix)
    accounts.column("in_max_fan_in_dst")[node]  # largest one-day fan-in of that account
"""

from __future__ import annotations

from typing import Any

import numpy as np

from moneytrail.detect.features.adjacency import JIT
from moneytrail.detect.features.model import EdgeArrays, FeatureMatrix


@JIT
def _max_by_account(src: Any, dst: Any, values: Any, n: int, out: Any) -> None:
    """Column-wise maxima of ``values[:n]`` per sender and per receiver, plus counts."""
    width = values.shape[1]
    for e in range(n):
        for side in range(2):
            x = src[e] if side == 0 else dst[e]
            if x < 0:
                continue
            base = side * width
            for f in range(width):
                if values[e, f] > out[x, base + f]:
                    out[x, base + f] = values[e, f]
            out[x, 2 * width + side] += 1


def account_features(
    edges: EdgeArrays, matrix: FeatureMatrix, upto: int | None = None
) -> FeatureMatrix:
    """Per-account maxima of ``matrix`` (computed from ``edges``) and transaction counts."""
    n = len(edges) if upto is None else max(0, min(upto, len(edges)))
    names = [f"out_max_{name}" for name in matrix.names]
    names += [f"in_max_{name}" for name in matrix.names] + ["out_count", "in_count"]
    width = len(matrix.names)
    # Feature values are >= -1 (the "no gap yet" mark); start below so that any value counts,
    # then show "never" as 0.
    out = np.full((edges.n_nodes, len(names)), -np.inf, np.float32)
    out[:, 2 * width :] = 0
    _max_by_account(edges.src, edges.dst, matrix.values, n, out)
    out[np.isneginf(out)] = 0
    return FeatureMatrix(names=names, values=out)
