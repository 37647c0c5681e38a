"""Rolling-origin folds: earlier prefixes of the stream, each judged on a test part it never saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace
from moneytrail.detect.model.folds import Fold, fold_ends, gap_summary, prefix_split
from moneytrail.detect.model.training import TemporalSplit
from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace
from tests.detect_model.spies import spy_on


def test_fold_ends_and_their_limits() -> None:
    assert fold_ends(1) == [1.0]
    assert fold_ends(4) == [1.0, 0.8, 0.6, 0.4]
    for bad in (0, 5):
        with pytest.raises(UsageError) as err:
            fold_ends(bad)
        assert err.value.key == "problem.model_folds"
        assert "--folds" in err.value.render("fr")


def test_prefix_split_stays_inside_its_prefix_and_off_ties() -> None:
    ts = np.repeat(np.arange(50, dtype=np.int64), 2)  # every timestamp twice
    whole = prefix_split(ts, 1.0)
    assert whole.test.stop == len(ts)
    early = prefix_split(ts, 0.6)
    assert early.test.stop == 60
    assert early.train.stop <= early.validation.start < early.test.start
    # no cut inside a pair of equal timestamps
    for cut in (early.train.stop, early.validation.stop, early.test.stop):
        assert ts[cut - 1] < ts[cut]


def test_each_fold_trains_on_its_own_past_only(
    story_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[TemporalSplit] = spy_on(
        monkeypatch, "moneytrail.detect.model.stacking", "train_booster", lambda *a: a[2]
    )
    settings = EvaluateSettings(threads=1, folds=3, baselines=False)
    report = evaluate_workspace(story_ws.engine, Path(story_ws.path), settings)
    assert [f.end for f in report.folds] == [1.0, 0.8, 0.6]
    # two stages, each with early stopping on its split: the main split, then two folds
    assert len(seen) == 6 and seen[0] == seen[1] and seen[2] == seen[3] and seen[4] == seen[5]
    n = report.transactions
    for split, end in zip(seen[2::2], (0.8, 0.6), strict=True):
        assert split.train.start == 0
        assert split.train.stop <= split.validation.start <= split.test.start
        assert split.test.stop <= int(n * end) + 1
    # the main figures are the first fold's; test periods follow one another in time
    assert report.folds[0].sides[0].test == report.sides[0].test
    firsts = [f.test_first for f in report.folds]
    lasts = [f.test_last for f in report.folds]
    assert lasts[2] < firsts[1] and lasts[1] < firsts[0]
    assert all(f.test_positives > 0 for f in report.folds)
    assert all(f.gap_points is None for f in report.folds)  # one side: no gap


def _fold(gap: float | None) -> Fold:
    return Fold(1.0, "a", "b", 1, gap_points=gap)


def test_gap_summary() -> None:
    assert gap_summary([_fold(None)]) is None
    summary = gap_summary([_fold(2.0), _fold(-1.0), _fold(5.5)])
    assert summary == {"folds": 3, "mean": 2.17, "min": -1.0, "max": 5.5}


def test_cli_prints_the_fold_table(story_ws: Workspace, cli: Any) -> None:
    result = cli(
        "--lang", "en", "evaluate", "-w", story_ws.path, "--threads", "1",
        "--folds", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Rolling-origin folds" in result.out
    assert "80%" in result.out
    refused = cli("--lang", "en", "evaluate", "-w", story_ws.path, "--folds", "7")
    assert refused.code == 2
    assert "choose between 1" in refused.err and "Traceback" not in refused.err


def test_one_fold_adds_nothing_to_the_report(story_report: Any) -> None:
    assert story_report.folds == []
