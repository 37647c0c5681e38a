"""Temporal split, the LightGBM booster, threshold choice and minority-class metrics.

Why a temporal split (the AMLworld protocol of Altman et al., 2023): a detector is used on
tomorrow's transactions, so it is trained on the first 60 % of the stream (in time), its
threshold is chosen on the next 20 % (validation), and it is judged on the last 20 % (test),
which neither training nor the threshold ever saw. A cut never falls inside a group of equal
timestamps (AMLSim counts time in whole days), so the three parts are disjoint in time.

Why fixed hyper-parameters: with one validation set used for the threshold and for early
stopping, a hyper-parameter search would overfit it; the values below are common defaults for
tabular fraud data, written once and not tuned on the data sets of docs/evaluation.md.

>>> split = temporal_split(np.array([0, 0, 1, 1, 2, 3, 4, 5, 6, 7]))
>>> (split.train.stop, split.validation.stop)
(6, 8)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, precision_recall_curve

from moneytrail.errors import UsageError

SEED = 7
NUM_THREADS = 2
MAX_ROUNDS = 400
EARLY_STOPPING_ROUNDS = 40


def booster_params(
    positives: int, negatives: int, threads: int = NUM_THREADS, seed: int = SEED
) -> dict[str, Any]:
    """LightGBM parameters (docs/decisions/0112-scoring-model.md).

    Class imbalance: ``scale_pos_weight`` = sqrt(negatives / positives). The full ratio (often
    1,000 : 1) makes probabilities useless as scores and the trees noisy; no weight at all lets
    a few hundred positives vanish among a million rows. The square root is the usual middle
    way, and the threshold chosen on validation corrects the remaining bias. ``seed``: the row
    and feature sampling (``evaluate --seed``; 7 unless asked). ``threads``: 2 for
    the 2-core laptops of the field; 1 on a machine shared with other jobs (OpenMP threads that
    wait for a busy core make training several times slower). ``deterministic`` and
    ``force_col_wise`` make the trees the same for any thread count: each feature's histogram
    is summed by one thread in row order. Column-wise histograms grow the very trees the
    row-wise ones did (``force_row_wise`` until decision 0155), about 8 % faster on 2 cores.
    """
    return {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 20,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "lambda_l2": 1.0,
        "scale_pos_weight": math.sqrt(max(negatives, 1) / max(positives, 1)),
        "metric": "None",  # early stopping reads :func:`average_precision` (``train_booster``)
        "seed": seed,
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": threads,
        "verbose": -1,
    }


@dataclass(frozen=True)
class TemporalSplit:
    """Three consecutive slices of the event order: train, validation, test."""

    train: slice
    validation: slice
    test: slice

    def part(self, name: str) -> slice:
        """The slice called ``name`` (train, validation or test)."""
        return {"train": self.train, "validation": self.validation, "test": self.test}[name]


def temporal_split(
    ts: npt.NDArray[np.int64], fractions: tuple[float, float] = (0.6, 0.8)
) -> TemporalSplit:
    """Cut the time-sorted ``ts`` at 60 % and 80 %, moving each cut to the start of its tie group.

    Moving a cut backwards keeps equal timestamps on one side: no transaction of the validation
    period happens at the same second as one of the training period.
    """
    n = len(ts)
    if n < 10:
        raise UsageError("problem.model_too_few", count=n)
    cuts = []
    for fraction in fractions:
        position = min(int(n * fraction), n - 1)
        cuts.append(int(np.searchsorted(ts, ts[position], side="left")))
    first, second = cuts
    if not 0 < first < second < n:
        raise UsageError("problem.model_split_degenerate", count=n)
    return TemporalSplit(slice(0, first), slice(first, second), slice(second, n))


def train_booster(
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.bool_],
    split: TemporalSplit,
    names: list[str],
    threads: int = NUM_THREADS,
    seed: int = SEED,
) -> lgb.Booster:
    """Train on the train slice, stop early on validation average precision."""
    y_train, y_val = y[split.train], y[split.validation]
    for part, labels in (("train", y_train), ("validation", y_val)):
        if not labels.any():
            raise UsageError("problem.model_no_positives", part=part)
    positives = int(y_train.sum())
    params = booster_params(positives, len(y_train) - positives, threads, seed)
    train = lgb.Dataset(
        x[split.train], label=y_train.astype(np.float32), feature_name=names, free_raw_data=True
    )
    valid = lgb.Dataset(x[split.validation], label=y_val.astype(np.float32), reference=train)

    def validation_ap(scores: npt.NDArray[np.float64], _: lgb.Dataset) -> tuple[str, float, bool]:
        return "average_precision", average_precision(scores, y_val), True

    return lgb.train(
        params,
        train,
        num_boost_round=MAX_ROUNDS,
        valid_sets=[valid],
        feval=validation_ap,
        callbacks=[lgb.early_stopping(EARLY_STOPPING_ROUNDS, verbose=False)],
    )


def average_precision(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.bool_]) -> float:
    """Average precision (the area under the precision-recall steps, as scikit-learn's
    ``average_precision_score``), for early stopping at every boosting round.

    Why not LightGBM's own ``average_precision`` metric: it sorts every validation row at
    every round (about 10 ms for 100,000 rows, 4 s of a 400-round booster). Precision only
    changes the sum at the scores of positives, and positives are a few hundred: each row is
    placed among the distinct positive scores by a binary search instead (about half the
    time). Ties count as scikit-learn counts them (every row at a threshold's score is in).

    >>> average_precision(np.array([0.9, 0.8, 0.8, 0.1]), np.array([True, False, True, False]))
    0.8333333333333333
    """
    at = np.unique(scores[truth])[::-1]  # the distinct scores of positives, highest first
    if not len(at):
        return 0.0
    above = scores >= at[-1]  # a row below every positive changes no precision
    place = np.searchsorted(-at, -scores[above], side="left")  # first threshold it passes
    rows = np.cumsum(np.bincount(place, minlength=len(at)))
    found = np.cumsum(np.bincount(place[truth[above]], minlength=len(at)))
    return float(np.sum(np.diff(found, prepend=0) * (found / rows)) / found[-1])


def choose_threshold(y: npt.NDArray[np.bool_], scores: npt.NDArray[np.float64]) -> float:
    """The score threshold that maximises minority-class F1 on ``y`` (the validation part)."""
    if not y.any():
        raise UsageError("problem.model_no_positives", part="validation")
    precision, recall, thresholds = precision_recall_curve(y, scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1[:-1])) if len(thresholds) else 0
    return float(thresholds[best]) if len(thresholds) else 0.5


@dataclass
class Metrics:
    """Minority-class figures of one part at one threshold, with recall per typology."""

    rows: int
    positives: int
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float
    pr_auc: float
    recall_by_typology: dict[str, dict[str, float]] = field(default_factory=dict)


def metrics(
    y: npt.NDArray[np.bool_],
    scores: npt.NDArray[np.float64],
    threshold: float,
    typology_codes: npt.NDArray[np.int64] | None = None,
    typology_names: list[str] | None = None,
) -> Metrics:
    """Precision, recall, F1 of the positive class at ``threshold``; PR-AUC over all thresholds.

    ``typology_codes`` (index into ``typology_names``, -1 for none) gives the recall of each
    typology among the positives that carry one.
    """
    flagged = scores >= threshold
    tp = int((flagged & y).sum())
    fp = int((flagged & ~y).sum())
    fn = int((~flagged & y).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pr_auc = float(average_precision_score(y, scores)) if y.any() else 0.0
    by_typology: dict[str, dict[str, float]] = {}
    if typology_codes is not None and typology_names:
        for code, name in enumerate(typology_names):
            members = y & (typology_codes == code)
            count = int(members.sum())
            if count:
                found = int((members & flagged).sum())
                by_typology[name] = {
                    "positives": count,
                    "found": found,
                    "recall": found / count,
                }
    return Metrics(
        rows=len(y),
        positives=int(y.sum()),
        threshold=threshold,
        true_positives=tp,
        false_positives=fp,
        false_negatives=fn,
        precision=precision,
        recall=recall,
        f1=f1,
        pr_auc=pr_auc,
        recall_by_typology=dict(sorted(by_typology.items())),
    )


def account_scores(
    src: npt.NDArray[np.int64],
    dst: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    n_accounts: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Each account's score = the highest score of the transactions it sends or receives.

    Returns the scores and a mask of the accounts seen in these transactions (the others have
    no evidence in the period and are left out of the account-level figures).
    """
    best = np.full(n_accounts, -np.inf)
    for side in (src, dst):
        inside = side >= 0
        np.maximum.at(best, side[inside], scores[inside])
    seen = np.isfinite(best)
    return np.where(seen, best, 0.0), seen
