"""Two-stage scoring: neighbourhood scores never look ahead, cross-fitting keeps each period
blind to its own labels, and a saved two-stage model scores a workspace."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.detect.features import EdgeArrays
from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace
from moneytrail.detect.model.propagation import (
    NAMES,
    PAIR_NAMES,
    neighbourhood_sources,
    pair_history,
    propagate,
)
from moneytrail.detect.model.stacking import (
    BLOCKS,
    SECOND_STAGE_NAMES,
    cross_fitted,
    second_stage_columns,
)
from moneytrail.detect.model.store import load_model, model_paths
from moneytrail.detect.model.training import temporal_split, train_booster
from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace

HOUR = 3600


def _edges(src: list[int], dst: list[int], ts: list[int], n_nodes: int) -> EdgeArrays:
    amount = np.ones(len(ts), dtype=np.float64)
    return EdgeArrays(
        np.array(src, np.int64), np.array(dst, np.int64), np.array(ts, np.int64), amount, n_nodes
    )


def col(name: str) -> int:
    return NAMES.index(name)


def test_a_suspicious_payment_in_flows_on_with_the_money() -> None:
    # 0 -> 1 at noon (score 0.9); 1 -> 2 two hours later; 3 -> 1 at the same second as the first
    edges = _edges([0, 1, 3], [1, 2, 1], [12 * HOUR, 14 * HOUR, 12 * HOUR], 4)
    order = np.argsort(edges.ts, kind="stable")
    edges = _edges(
        list(edges.src[order]), list(edges.dst[order]), list(edges.ts[order]), edges.n_nodes
    )
    scores = np.array([0.9, 0.2, 0.5])  # rows after sorting: 0->1, 3->1, 1->2
    p = propagate(edges, scores)
    later = p[2]
    assert later[col("prop_src_in_max_3d")] == pytest.approx(0.9 * 0.5 ** (2 / 72), rel=1e-5)
    assert later[col("prop_src_in_max_30d")] == pytest.approx(0.9 * 0.5 ** (2 / 720), rel=1e-5)
    assert later[col("prop_src_in_sum_3d")] == pytest.approx(1.1 * 0.5 ** (2 / 72), rel=1e-5)
    assert later[col("prop_src_in_mean_3d")] == pytest.approx(0.55, rel=1e-5)
    assert later[col("prop_src_last_in")] == pytest.approx(0.2)  # same second: input order
    assert later[col("prop_src_max_ever")] == pytest.approx(0.9)
    assert np.isnan(later[col("prop_src_last_out")])  # account 1 never paid before
    assert np.isnan(later[col("prop_dst_max_ever")])  # account 2 is new
    # the two noon payments do not see each other (same second)
    for row in (0, 1):
        assert p[row][col("prop_dst_in_max_3d")] == 0.0
        assert np.isnan(p[row][col("prop_dst_last_in")])


def test_a_pair_remembers_its_earlier_payments_both_ways() -> None:
    # 0 -> 1 twice (0.8, then 0.4), 1 -> 0 once (0.9), then 0 -> 1 again; 2 -> 1 is another pair
    edges = _edges([0, 0, 1, 2, 0], [1, 1, 0, 1, 1], [0, HOUR, 2 * HOUR, 3 * HOUR, 3 * HOUR], 3)
    scores = np.array([0.8, 0.4, 0.9, 0.7, 0.1])
    h = pair_history(edges, scores)
    last = dict(zip(PAIR_NAMES, h[4].tolist(), strict=True))
    assert last["prop_pair_count"] == 2
    assert last["prop_pair_max"] == pytest.approx(0.8)
    assert last["prop_pair_last"] == pytest.approx(0.4)
    assert last["prop_pair_mean"] == pytest.approx(0.6)
    assert last["prop_reverse_count"] == 1
    assert last["prop_reverse_max"] == pytest.approx(0.9)
    # the reverse payment sees the two earlier 0 -> 1 as its reverse history
    assert h[2][PAIR_NAMES.index("prop_reverse_count")] == 2
    first = h[0]  # nothing before: counts 0, scores missing
    assert first[0] == 0 and first[4] == 0 and np.isnan(first[1]) and np.isnan(first[5])
    # 2 -> 1 at the same second as the last 0 -> 1: a pair of its own, nothing earlier
    assert h[3][0] == 0


def test_the_second_stage_reads_its_own_score_then_the_neighbourhood() -> None:
    edges = _edges([0, 1], [1, 2], [0, HOUR], 3)
    scores = np.array([0.25, 0.75])
    cols = second_stage_columns(edges, scores)
    assert cols.shape == (2, len(SECOND_STAGE_NAMES))
    assert cols[:, 0].tolist() == [0.25, 0.75]  # stage1_score: the row's own score
    np.testing.assert_array_equal(cols[:, 1 : 1 + len(NAMES)], propagate(edges, scores))
    np.testing.assert_array_equal(cols[:, 1 + len(NAMES) :], pair_history(edges, scores))


def test_the_most_suspicious_earlier_neighbour_is_named() -> None:
    day = 86_400
    # account 1 receives from 0 (score 0.8) then from 4 (0.3), 40 days back one from 5 (0.99);
    # then pays 2; a same-second payment 3 -> 1 (0.95) is not seen
    edges = _edges([5, 0, 4, 3, 1], [1, 1, 1, 1, 2], [0, 40 * day, 41 * day, 45 * day, 45 * day], 6)
    scores = np.array([0.99, 0.8, 0.3, 0.95, 0.5])
    best = neighbourhood_sources(edges, scores, np.array([4, 0], np.int64))
    assert best[0].tolist() == [1, -1]  # 0.99 is older than 30 days; 2 has no past
    assert best[1].tolist() == [-1, -1]


def test_an_account_outside_the_data_gets_no_neighbourhood() -> None:
    edges = _edges([0, -1], [1, 0], [0, HOUR], 2)
    p = propagate(edges, np.array([0.7, 0.1]))
    half = len(NAMES) // 2
    assert np.isnan(p[1, :half]).all()  # the sender is outside
    assert p[1, col("prop_dst_out_max_3d")] == pytest.approx(0.7 * 0.5 ** (1 / 72), rel=1e-5)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(-1, 5), st.integers(0, 30)),
        min_size=2,
        max_size=40,
    ),
    st.integers(0, 39),
    st.randoms(use_true_random=False),
)
def test_changing_later_scores_never_changes_earlier_features(
    rows: list[tuple[int, int, int]], cut: int, rnd: object
) -> None:
    rows.sort(key=lambda r: r[2])
    src, dst, day = zip(*rows, strict=True)
    edges = _edges(list(src), list(dst), [d * 86_400 for d in day], 6)
    cut = cut % len(rows)
    scores = np.linspace(0.05, 0.95, len(rows))
    changed = scores.copy()
    changed[cut:] = 1.0 - changed[cut:]
    seen = edges.ts <= edges.ts[cut]  # rows at the cut's second or earlier see nothing from it
    for columns in (propagate, pair_history):
        before, after = columns(edges, scores), columns(edges, changed)
        np.testing.assert_array_equal(before[seen], after[seen])


def test_each_train_period_is_scored_blind_to_its_own_labels() -> None:
    rng = np.random.default_rng(5)
    n = 1200
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.normal(size=n)) > 1.2
    ts = np.arange(n, dtype=np.int64)
    split = temporal_split(ts)
    names = ["a", "b", "c", "d"]
    first = train_booster(x, y, split, names, 1)
    scores = cross_fitted(x, y, split.train, names, first, 1)
    assert scores.shape == (split.train.stop,)
    cuts = np.linspace(0, split.train.stop, BLOCKS + 1).astype(int)
    lo, hi = cuts[1], cuts[2]
    flipped = y.copy()
    flipped[lo:hi] = ~flipped[lo:hi]
    again = cross_fitted(x, flipped, split.train, names, first, 1)
    # the period whose labels changed is scored exactly as before; the others are not
    np.testing.assert_array_equal(scores[lo:hi], again[lo:hi])
    assert not np.array_equal(scores[:lo], again[:lo])


def test_periods_fitted_side_by_side_score_as_one_after_the_other() -> None:
    """Two threads train two periods' boosters at once (one thread each): the scores must be
    bit for bit those of one thread fitting the periods in turn."""
    rng = np.random.default_rng(9)
    n = 4000
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] + 0.5 * rng.normal(size=n)) > 1.5
    split = temporal_split(np.arange(n, dtype=np.int64))
    names = [f"f{i}" for i in range(6)]
    first = train_booster(x, y, split, names, 1)
    alone = cross_fitted(x, y, split.train, names, first, 1)
    side_by_side = cross_fitted(x, y, split.train, names, first, 2)
    np.testing.assert_array_equal(alone, side_by_side)
    assert len(np.unique(alone)) > BLOCKS  # real scores, not a constant per period


def test_two_stage_model_is_saved_and_scores_a_workspace(story_ws: Workspace) -> None:
    settings = EvaluateSettings(dataset="story", save_model="two", threads=1)
    report = evaluate_workspace(story_ws.engine, story_ws.path, settings)
    assert report.sides[0].stages == 2
    boosters, card = load_model(story_ws.path, "two")
    assert len(boosters) == 2 and card.stages == 2
    assert card.feature_names[-len(SECOND_STAGE_NAMES) :] == list(SECOND_STAGE_NAMES)
    outcome = story_ws.model.score("two")
    assert outcome.transactions == report.transactions
    assert outcome.flagged > 0
    row = story_ws.engine.fetchall(
        "SELECT explanation FROM alerts WHERE detector = 'two' ORDER BY score DESC LIMIT 1"
    )
    explanation = json.loads(row[0][0])
    assert explanation["model_version"] == card.version
    assert explanation["features"]
    # where to follow the money: earlier transactions of the same accounts
    alerted = story_ws.engine.fetchall(
        "SELECT t.ts, t.src_account_id, t.dst_account_id FROM alerts a"
        " JOIN transactions t ON t.id = a.subject_id WHERE a.detector = 'two'"
        " ORDER BY a.score DESC LIMIT 1"
    )[0]
    assert explanation["neighbourhood"], explanation
    for entry in explanation["neighbourhood"]:
        ts, src, dst = story_ws.engine.fetchall(
            "SELECT ts, src_account_id, dst_account_id FROM transactions WHERE id = ?",
            [entry["transaction"]],
        )[0]
        assert ts < alerted[0]
        account = alerted[1] if entry["account"] == "sender" else alerted[2]
        assert account in (src, dst)
        assert 0.0 <= entry["first_stage_score"] <= 1.0
    # replacing it by a one-stage model removes the stale first stage
    one = EvaluateSettings(dataset="story", save_model="two", threads=1, stages=1)
    evaluate_workspace(story_ws.engine, story_ws.path, one)
    boosters, card = load_model(story_ws.path, "two")
    assert len(boosters) == 1 and card.stages == 1
    assert not any(NAMES[0] == n for n in card.feature_names)
    text_path, _ = model_paths(story_ws.path, "two")
    assert not text_path.with_name("two.stage1.txt").exists()


def test_a_two_stage_model_without_its_first_stage_is_damaged(story_ws: Workspace) -> None:
    settings = EvaluateSettings(dataset="story", save_model="broken", threads=1)
    evaluate_workspace(story_ws.engine, story_ws.path, settings)
    text_path, _ = model_paths(story_ws.path, "broken")
    text_path.with_name("broken.stage1.txt").unlink()
    with pytest.raises(UsageError) as err:
        load_model(story_ws.path, "broken")
    assert err.value.key == "problem.model_damaged"
    assert "broken" in err.value.render("fr")


def test_a_card_from_before_two_stages_reads_as_one_stage(story_ws: Workspace) -> None:
    settings = EvaluateSettings(dataset="story", save_model="old", threads=1, stages=1)
    evaluate_workspace(story_ws.engine, story_ws.path, settings)
    _, card_path = model_paths(story_ws.path, "old")
    data = json.loads(card_path.read_text(encoding="utf-8"))
    del data["stages"]
    card_path.write_text(json.dumps(data), encoding="utf-8")
    boosters, card = load_model(story_ws.path, "old")
    assert len(boosters) == 1 and card.stages == 1
    assert story_ws.model.score("old").transactions > 0


def test_stage_counts_other_than_one_or_two_are_refused(story_ws: Workspace) -> None:
    for bad in (EvaluateSettings(stages=3), EvaluateSettings(stages=0)):
        with pytest.raises(UsageError) as err:
            evaluate_workspace(story_ws.engine, Path(story_ws.path), bad)
        assert err.value.key == "problem.model_stages"
        assert "--stages" in err.value.render("en")


def test_a_two_stage_model_from_before_the_own_score_must_be_retrained(
    story_ws: Workspace,
) -> None:
    settings = EvaluateSettings(dataset="story", save_model="v0121", threads=1)
    evaluate_workspace(story_ws.engine, story_ws.path, settings)
    _, card_path = model_paths(story_ws.path, "v0121")
    data = json.loads(card_path.read_text(encoding="utf-8"))
    # the card of decision 0121: features, then the 30 account columns only
    extra = set(SECOND_STAGE_NAMES) - set(NAMES)
    data["feature_names"] = [n for n in data["feature_names"] if n not in extra]
    card_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as err:
        story_ws.model.score("v0121")
    assert err.value.key == "problem.model_features_changed"
    assert "v0121" in err.value.render("en")


def test_a_model_whose_trees_changed_since_saving_is_damaged(story_ws: Workspace) -> None:
    """One digit of one threshold changed: LightGBM would read the trees and score every
    transaction otherwise; the card's version (the trees' digest) says they changed."""
    settings = EvaluateSettings(dataset="story", save_model="edited", threads=1, stages=1)
    evaluate_workspace(story_ws.engine, story_ws.path, settings)
    text_path, _ = model_paths(story_ws.path, "edited")
    text = text_path.read_text(encoding="utf-8")
    at = text.index("threshold=") + len("threshold=")
    digit = next(i for i in range(at, len(text)) if text[i].isdigit() and text[i] != "0")
    edited = text[:digit] + ("1" if text[digit] != "1" else "2") + text[digit + 1 :]
    import lightgbm as lgb

    lgb.Booster(model_str=edited)  # the edited trees still parse
    text_path.write_text(edited, encoding="utf-8")
    with pytest.raises(UsageError) as err:
        load_model(story_ws.path, "edited")
    assert err.value.key == "problem.model_damaged"
    assert "saved" in err.value.render("en")
