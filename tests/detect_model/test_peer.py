"""The snapml peer, only where its separate environment exists (never created by tests)."""

from __future__ import annotations

import numpy as np
import pytest

from moneytrail.detect.features import FeatureConfig, edges_from_arrays
from moneytrail.detect.model.peer import find_peer_python, peer_edges, snapml_features


def test_peer_edges_layout_makes_outside_ends_unique() -> None:
    edges = edges_from_arrays(["a", None, "b"], ["b", "a", None], [0, 10, 20], [1.0, 2.0, 3.0])
    rows = peer_edges(edges)
    assert rows.shape == (3, 5)
    assert rows[:, 0].tolist() == [0, 1, 2]
    assert rows[:, 3].tolist() == [0, 10, 20]
    outside = [rows[1, 1], rows[2, 2]]
    assert len(set(outside)) == 2 and min(outside) >= edges.n_nodes


@pytest.mark.skipif(
    find_peer_python() is None,
    reason="no snapml environment (benchmarks/.peer-snapml); tests never install it",
)
def test_snapml_features_one_row_per_edge() -> None:
    rng = np.random.default_rng(0)
    n = 300
    edges = edges_from_arrays(
        rng.integers(0, 30, n), rng.integers(0, 30, n), np.sort(rng.integers(0, 86_400 * 3, n)),
        rng.uniform(1, 100, n),
    )  # fmt: skip
    found = snapml_features(edges, FeatureConfig())
    assert found.values.shape[0] == n and found.values.shape[1] == len(found.names) > 0
    assert found.seconds >= 0
