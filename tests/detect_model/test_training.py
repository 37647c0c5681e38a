"""Temporal split, threshold choice, metrics: the protocol, on small arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from moneytrail.detect.model.training import (
    account_scores,
    average_precision,
    choose_threshold,
    metrics,
    temporal_split,
)
from moneytrail.errors import UsageError


def test_split_is_temporal_disjoint_and_complete() -> None:
    ts = np.sort(np.random.default_rng(0).integers(0, 50, 1_000))
    split = temporal_split(ts)
    train, val, test = ts[split.train], ts[split.validation], ts[split.test]
    assert len(train) + len(val) + len(test) == len(ts)
    assert train.max() < val.min() and val.max() < test.min()  # no shared second across parts
    assert 0.5 < len(train) / len(ts) <= 0.6


def test_split_refuses_a_single_timestamp() -> None:
    with pytest.raises(UsageError) as err:
        temporal_split(np.zeros(100, dtype=np.int64))
    assert err.value.key == "problem.model_split_degenerate"


def test_threshold_maximises_f1_of_the_given_part() -> None:
    y = np.array([False, False, True, True, False, True])
    scores = np.array([0.1, 0.2, 0.8, 0.7, 0.75, 0.9])
    threshold = choose_threshold(y, scores)
    assert threshold == pytest.approx(0.7)
    assert metrics(y, scores, threshold).f1 == pytest.approx(6 / 7)


def test_metrics_recall_per_typology() -> None:
    y = np.array([True, True, True, False])
    scores = np.array([0.9, 0.1, 0.8, 0.95])
    codes = np.array([0, 0, 1, -1])
    m = metrics(y, scores, 0.5, codes, ["fan_in", "cycle"])
    assert m.true_positives == 2 and m.false_positives == 1 and m.false_negatives == 1
    assert m.recall_by_typology["fan_in"]["recall"] == pytest.approx(0.5)
    assert m.recall_by_typology["cycle"]["recall"] == pytest.approx(1.0)


def test_account_score_is_max_of_its_transactions() -> None:
    src = np.array([0, 1, -1])
    dst = np.array([1, 2, 0])
    best, seen = account_scores(src, dst, np.array([0.2, 0.9, 0.5]), 4)
    assert best[:3].tolist() == pytest.approx([0.5, 0.9, 0.9])
    assert seen.tolist() == [True, True, True, False]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=1, max_size=80).filter(
        lambda rows: any(label for _, label in rows)
    )
)
def test_early_stopping_precision_is_scikit_learns_with_ties(rows: list[tuple[int, bool]]) -> None:
    """Few distinct scores (many ties, as trees give) and any labels: the same figure."""
    scores = np.array([score / 8 for score, _ in rows])
    truth = np.array([label for _, label in rows])
    assert average_precision(scores, truth) == pytest.approx(
        average_precision_score(truth, scores), abs=1e-12
    )
