"""The snapml peer of the scoring-model benchmark (``benchmarks/detect_peer.py``), only where
its separate environment exists (never created by tests)."""

from __future__ import annotations

import numpy as np
import pytest

import benchmarks.detect_peer as detect_peer
from benchmarks.bench_detect_model import section
from benchmarks.detect_peer import (
    PeerError,
    PeerFeatures,
    evaluate_with_peer,
    find_peer_python,
    peer_edges,
    snapml_features,
    snapml_names,
    snapml_params,
)
from moneytrail.api import UsageError, Workspace
from moneytrail.detect.features import EdgeArrays, FeatureConfig, edges_from_arrays
from moneytrail.detect.model.evaluate import EvaluateSettings

NO_PEER = find_peer_python() is None


def test_peer_edges_layout_makes_outside_ends_unique() -> None:
    edges = edges_from_arrays(["a", None, "b"], ["b", "a", None], [0, 10, 20], [1.0, 2.0, 3.0])
    rows = peer_edges(edges)
    assert rows.shape == (3, 5)
    assert rows[:, 0].tolist() == [0, 1, 2]
    assert rows[:, 3].tolist() == [0, 10, 20]
    outside = [rows[1, 1], rows[2, 2]]
    assert len(set(outside)) == 2 and min(outside) >= edges.n_nodes


def test_peer_settings_follow_our_windows() -> None:
    config = FeatureConfig()
    params = snapml_params(config)
    assert params["fan_tw"] == config.fan_window and params["num_threads"] == 2
    assert len(snapml_names(params)) == len(set(snapml_names(params))) > 0


def test_our_side_alone_through_the_benchmark_path(story_ws: Workspace) -> None:
    settings = EvaluateSettings(dataset="story", threads=1)
    report = evaluate_with_peer(story_ws.engine, story_ws.path, settings, peer=False)
    assert report["peer"] == "none" and report["f1_gap_points"] is None
    assert [side["name"] for side in report["sides"]] == ["moneytrail"]
    with pytest.raises(UsageError):
        evaluate_with_peer(story_ws.engine, story_ws.path, settings, peer_stages=3)


def test_the_comparison_tables_with_a_stand_in_peer(
    story_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's whole path (peer side, folds, gap, docs section) without snapml: the
    peer's features are replaced by noise, which any model beats."""

    def noise(edges: EdgeArrays, config: FeatureConfig, batch: int = 1000) -> PeerFeatures:
        values = np.random.default_rng(0).random((len(edges), 4), dtype=np.float32)
        return PeerFeatures([f"noise_{i}" for i in range(4)], values, 0.5, batch)

    monkeypatch.setattr(detect_peer, "snapml_features", noise)
    settings = EvaluateSettings(dataset="story", threads=1, folds=2, stages=1)
    report = evaluate_with_peer(story_ws.engine, story_ws.path, settings, peer_stages=2)
    assert [s["name"] for s in report["sides"]] == ["moneytrail", "snapml"]
    assert report["sides"][1]["stages"] == 2 and report["sides"][1]["mode"] == "batch=1000"
    assert report["peer"] == "snapml" and report["f1_gap_points"] is not None
    assert all(len(f["sides"]) == 2 and f["gap_points"] is not None for f in report["folds"])
    assert report["fold_gap"]["folds"] == 2
    text = section([("story", report, 1.0)], 1)
    assert "| snapml |" in text and "Mean gap over 2 folds" in text


@pytest.mark.skipif(not NO_PEER, reason="a snapml environment exists")
def test_a_missing_peer_is_a_clear_error() -> None:
    edges = edges_from_arrays(["a"], ["b"], [0], [1.0])
    with pytest.raises(PeerError, match="peer-snapml"):
        snapml_features(edges, FeatureConfig())


@pytest.mark.skipif(
    NO_PEER, reason="no snapml environment (benchmarks/.peer-snapml); tests never install it"
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
