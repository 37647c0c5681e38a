"""Every feature family equals a plain-Python reference on small random graphs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from moneytrail.detect.features import (
    EdgeArrays,
    FeatureConfig,
    cycles,
    fan,
    history,
    scatter,
    stats,
)
from moneytrail.detect.features import transaction_features as features
from tests.detect_features import reference
from tests.detect_features.graphs import random_edges

ONLY = dict(fan=False, stats=False, scatter_gather=False, temporal_cycles=False,
            simple_cycles=False, long_fan=False, long_stats=False, history=False)  # fmt: skip
SEEDS = range(12)


def _config(**kw: object) -> FeatureConfig:
    args: dict[str, Any] = {**ONLY, "fan_window": 6, "stats_window": 9, "long_window": 20}
    args.update(scatter_gather_window=12, cycle_window=15, max_cycle_len=4, max_work=10**9)
    args.update(kw)
    return FeatureConfig(**args)


@pytest.mark.parametrize("seed", SEEDS)
def test_fan_and_degree(seed: int) -> None:
    edges = random_edges(seed)
    cfg = _config(fan=True)
    got = features(edges, cfg)
    assert got.names == list(fan.NAMES)
    np.testing.assert_array_equal(got.values, reference.as_array(reference.fan(edges, cfg)))


@pytest.mark.parametrize("seed", SEEDS)
def test_vertex_statistics(seed: int) -> None:
    edges = random_edges(seed)
    cfg = _config(stats=True)
    got = features(edges, cfg)
    assert got.names == list(stats.NAMES)
    want = reference.as_array(reference.stats(edges, cfg))
    np.testing.assert_allclose(got.values, want, rtol=2e-6, atol=1e-2)


@pytest.mark.parametrize("seed", SEEDS)
def test_long_window_fan_and_statistics(seed: int) -> None:
    edges = random_edges(seed)
    cfg = _config(long_fan=True, long_stats=True)
    got = features(edges, cfg)
    assert got.names == list(fan.LONG_NAMES) + list(stats.LONG_NAMES)
    want = np.hstack([reference.as_array(reference.long_fan(edges, cfg)),
                      reference.as_array(reference.long_stats(edges, cfg))])  # fmt: skip
    np.testing.assert_allclose(got.values, want, rtol=2e-6, atol=1e-2)


@pytest.mark.parametrize("seed", SEEDS)
def test_account_history(seed: int) -> None:
    edges = random_edges(seed)
    got = features(edges, _config(history=True))
    assert got.names == list(history.NAMES)
    want = reference.as_array(reference.history(edges))
    np.testing.assert_allclose(got.values, want, rtol=2e-6, atol=1e-2)


def test_history_is_not_vacuous() -> None:
    """Repeat pairs, reversed pairs, spending ratios and round amounts all occur."""
    values = features(random_edges(0, n_edges=200), _config(history=True))
    for name in ("hist_pair_count", "hist_reverse_count", "hist_src_payees", "amount_round"):
        assert (values.column(name) > 0).any(), name
    assert (values.column("hist_src_spend_ratio") > 0).any()


@pytest.mark.parametrize("seed", SEEDS)
def test_scatter_gather(seed: int) -> None:
    edges = random_edges(seed, n_edges=80, n_nodes=8)
    cfg = _config(scatter_gather=True)
    got = features(edges, cfg)
    want = reference.as_array(reference.scatter_gather(edges, cfg))
    np.testing.assert_array_equal(got.values, want)
    assert got.names == list(scatter.NAMES)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("max_len", [2, 3, 5])
def test_temporal_and_simple_cycles(seed: int, max_len: int) -> None:
    edges = random_edges(seed, n_edges=50, n_nodes=6)
    cfg = _config(temporal_cycles=True, simple_cycles=True, max_cycle_len=max_len)
    got = features(edges, cfg)
    assert got.names == list(cycles.NAMES)
    np.testing.assert_array_equal(got.values, reference.as_array(reference.cycles(edges, cfg)))


def test_random_graphs_do_contain_the_patterns() -> None:
    """Guard against a vacuous parity: the test graphs have cycles and scatter-gathers."""
    edges = random_edges(0, n_edges=80, n_nodes=8)
    cfg = _config(scatter_gather=True, temporal_cycles=True, simple_cycles=True)
    values = features(edges, cfg).values
    assert (values > 0).sum(axis=0).min() > 0
    assert values[:, 3].sum() > values[:, 2].sum()  # some chains are not in time order


def test_temporal_only_counts_time_ordered_chains() -> None:
    edges = random_edges(3, n_edges=50, n_nodes=6)
    both = features(edges, _config(temporal_cycles=True, simple_cycles=True)).values
    alone = features(edges, _config(temporal_cycles=True)).values
    np.testing.assert_array_equal(alone[:, 0], both[:, 0])


def test_other_direction_statistics_are_not_vacuous() -> None:
    """u's incoming and v's outgoing windows are sometimes empty, sometimes several deep."""
    got = features(random_edges(0), _config(stats=True))
    for side in ("src_in", "dst_out"):
        count = got.column(f"{side}_count")
        assert (count == 0).any() and (count >= 2).any(), side


def test_pass_through_shows_what_the_sender_received() -> None:
    """a pays m 100 then 300, m forwards 390 to b within the 9 s window: m's two receipts."""
    edges = EdgeArrays(np.array([0, 0, 1], np.int64), np.array([1, 1, 2], np.int64),
                       np.array([0, 5, 8], np.int64), np.array([100.0, 300.0, 390.0]), 3)  # fmt: skip
    got = features(edges, _config(stats=True))
    assert got.column("src_in_amount_sum").tolist() == [0.0, 0.0, 400.0]
    assert got.column("src_in_gap_max").tolist() == [-1.0, -1.0, 5.0]
    assert got.column("dst_out_count").tolist() == [0.0, 0.0, 0.0]
