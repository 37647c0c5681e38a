"""No look-ahead: appending later transactions never changes the features of earlier ones."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.detect.features import EdgeArrays, FeatureConfig, transaction_features
from tests.detect_features.graphs import prefix, random_edges

CONFIG = FeatureConfig(fan_window=5, stats_window=8, scatter_gather_window=10, cycle_window=12,
                       long_window=20, max_cycle_len=4, max_work=10**9)  # fmt: skip


@st.composite
def graphs(draw: Any) -> tuple[EdgeArrays, int]:
    n = draw(st.integers(2, 45))
    node = st.integers(-1, 5)
    src = draw(st.lists(node, min_size=n, max_size=n))
    dst = draw(st.lists(node, min_size=n, max_size=n))
    steps = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))  # 0: same second
    amount = draw(st.lists(st.floats(1, 1e9), min_size=n, max_size=n))
    cut = draw(st.integers(1, n - 1))
    edges = EdgeArrays(np.array(src, np.int64), np.array(dst, np.int64),
                       np.cumsum(steps).astype(np.int64), np.array(amount), 6)  # fmt: skip
    return edges, cut


@settings(max_examples=40, deadline=None)
@given(graphs())
def test_future_edges_never_change_past_features(case: tuple[EdgeArrays, int]) -> None:
    edges, cut = case
    full = transaction_features(edges, CONFIG).values
    known = transaction_features(prefix(edges, cut), CONFIG).values
    np.testing.assert_array_equal(full[:cut], known)


def test_a_later_edge_at_the_same_second_is_not_seen() -> None:
    """Ties: edge i sees edges of its own second listed before it, never after it."""
    edges = EdgeArrays(np.array([0, 1], np.int64), np.array([2, 2], np.int64),
                       np.array([7, 7], np.int64), np.array([1.0, 2.0]), 3)  # fmt: skip
    m = transaction_features(edges, CONFIG)
    assert m.column("fan_in_dst").tolist() == [1.0, 2.0]


def test_large_random_graph_prefix_is_stable() -> None:
    edges = random_edges(5, n_edges=3000, n_nodes=60, span=2000)
    full = transaction_features(edges, CONFIG).values
    known = transaction_features(prefix(edges, 1700), CONFIG).values
    np.testing.assert_array_equal(full[:1700], known)
    assert (full[:, -1] > 0).any()
