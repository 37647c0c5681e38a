"""Rolling-origin folds: the 60/20/20 protocol repeated on earlier prefixes of the stream.

Why: one test part (the last 20 % of the stream) holds a few hundred positive transactions on a
realistic data set; F1 at one threshold then moves by one or two points with the period chosen
(docs/evaluation.md measured +4.7, +1.3 and +2.2 points between two feature sets on three
generator seeds). Repeating the same protocol on the first 80 % and the first 60 % of the stream
gives more test parts, disjoint in time from each other and from the main one, so that a
difference between two feature sets is read with its spread rather than from one period.

Fold ``j`` (``j = 0`` is the standard split of :func:`~.training.temporal_split`) uses the first
``1 - 0.2 j`` of the stream, cut 60/20/20 as usual: with three folds the test parts are
``[48 %, 60 %)``, ``[64 %, 80 %)`` and ``[80 %, 100 %)``. Every fold trains its own booster with
the same parameters, stops early and chooses its threshold on its own validation part; nothing
of a fold's test part or later is seen. Earlier folds train on less data, so their figures are
not the main figure's equals: they tell whether a difference between sides holds across
periods. At most :data:`MAX_FOLDS` (the fourth trains on 24 % of the stream).

>>> fold_ends(3)
[1.0, 0.8, 0.6]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from moneytrail.detect.features import EdgeArrays
from moneytrail.detect.model.stacking import fit
from moneytrail.detect.model.training import (
    SEED,
    Metrics,
    TemporalSplit,
    choose_threshold,
    metrics,
    temporal_split,
)
from moneytrail.errors import UsageError

FOLD_STEP = 0.2
MAX_FOLDS = 4


def fold_ends(folds: int) -> list[float]:
    """Fractions of the stream each fold uses, the standard split first."""
    if not 1 <= folds <= MAX_FOLDS:
        raise UsageError("problem.model_folds", folds=folds, most=MAX_FOLDS)
    return [round(1.0 - FOLD_STEP * j, 6) for j in range(folds)]


def prefix_split(ts: npt.NDArray[np.int64], end: float) -> TemporalSplit:
    """The 60/20/20 split of the first ``end`` of the stream (cut at the start of a tie group)."""
    n = len(ts)
    stop = n if end >= 1.0 else int(np.searchsorted(ts, ts[int(n * end)], side="left"))
    return temporal_split(ts[:stop])


@dataclass
class FoldSide:
    """One side's test figures in one fold."""

    name: str
    rounds: int
    test: Metrics


@dataclass
class Fold:
    """One fold: which part of the stream it tested, each side's figures, the F1 gap."""

    end: float
    test_first: str
    test_last: str
    test_positives: int
    sides: list[FoldSide] = field(default_factory=list)
    gap_points: float | None = None


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).isoformat()


def new_fold(ts: npt.NDArray[np.int64], y: npt.NDArray[np.bool_], end: float) -> Fold:
    """An empty fold describing its test part."""
    test = prefix_split(ts, end).test
    return Fold(end, _iso(int(ts[test.start])), _iso(int(ts[test.stop - 1])), int(y[test].sum()))


def fold_side(
    name: str,
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.bool_],
    edges: EdgeArrays,
    names: list[str],
    end: float,
    threads: int,
    two_stage: bool = False,
    seed: int = SEED,
) -> FoldSide:
    """Train on the fold's train part, threshold on its validation part, figures on its test."""
    split = prefix_split(edges.ts, end)
    fitted = fit(x, y, edges, split, names, threads, two_stage, seed)
    threshold = choose_threshold(y[split.validation], fitted.scores[split.validation])
    test = fitted.scores[split.test]
    return FoldSide(name, fitted.rounds, metrics(y[split.test], test, threshold))


def gap_summary(folds: list[Fold]) -> dict[str, Any] | None:
    """Mean, lowest and highest F1 gap over the folds that have one (``None``: one side only)."""
    gaps = [f.gap_points for f in folds if f.gap_points is not None]
    if not gaps:
        return None
    return {
        "folds": len(gaps),
        "mean": round(float(np.mean(gaps)), 2),
        "min": round(min(gaps), 2),
        "max": round(max(gaps), 2),
    }
