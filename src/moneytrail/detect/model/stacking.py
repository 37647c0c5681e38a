"""Two-stage scoring: a first booster scores every transaction, a second one also sees how
suspicious each account's earlier transactions looked (:mod:`.propagation`).

Why two stages: the graph-pattern features describe the shape of an account's recent activity;
they cannot say that the payment which fed this account an hour ago was itself a likely mule
payment. Feeding the first stage's scores of earlier transactions to a second booster lets
suspicion travel along the flow of money, as an analyst's does (docs/decisions/0121). The second
booster also reads the row's own first-stage score and the history of the same pair of accounts
(docs/decisions/0122).

Leakage, and how it is avoided:

* validation and test rows get first-stage scores from the booster trained on the train part
  only, and the second stage sees those scores through :func:`second_stage_columns`: the row's
  own score (from a booster that never saw the row's label) and earlier seconds' scores. No
  row's own label, nor any later row, reaches it;
* train rows cannot be scored by a booster that learnt their labels (their scores would be
  near-certain, and the second stage would learn to trust neighbours' scores far more than it
  should on new data). They are cross-fitted instead: the train part is cut into
  :data:`BLOCKS` consecutive periods and each period is scored by a booster trained on the
  other periods, with the same parameters and the first booster's number of rounds. Those
  boosters see train labels only; none sees validation or test.

Cost: ``BLOCKS + 2`` boosters instead of one (about 4 times the training time measured on the
generator: cross-fitted boosters stop at a fixed round count and skip validation). The
cross-fitted boosters train side by side, one per thread (same scores; on 500,688 generated
transactions and 2 cores, 19.6 s against 23.9 s for 100 rounds each), so that phase holds up to
``threads`` copies of the train rows at once. Scoring a
saved two-stage model costs two predictions and one ``O(E)`` pass.

>>> BLOCKS
4
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from moneytrail.detect.features import EdgeArrays
from moneytrail.detect.model.propagation import NAMES as PROPAGATION_NAMES
from moneytrail.detect.model.propagation import PAIR_NAMES, pair_history, propagate
from moneytrail.detect.model.training import SEED, TemporalSplit, booster_params, train_booster

BLOCKS = 4
MIN_ROUNDS = 20
OWN_SCORE = "stage1_score"
SECOND_STAGE_NAMES = (OWN_SCORE, *PROPAGATION_NAMES, *PAIR_NAMES)


def second_stage_columns(
    edges: EdgeArrays, scores: npt.NDArray[np.float64]
) -> npt.NDArray[np.float32]:
    """The columns the second booster reads beside the features (``SECOND_STAGE_NAMES``).

    ``stage1_score``: the row's own first-stage score (cross-fitted on train rows, like every
    score here). The second booster can then start from the first one's opinion and spend its
    rounds on what the neighbourhood adds, instead of learning the features again; measured on
    the generator's validation folds it added about 2.5 F1 points to the neighbourhood columns
    alone (docs/decisions/0122). Then the account columns and the pair columns of
    :mod:`.propagation`, all read from strictly earlier seconds.
    """
    own = np.asarray(scores, dtype=np.float32)[:, None]
    return np.hstack([own, propagate(edges, scores), pair_history(edges, scores)])


@dataclass
class Fitted:
    """Boosters of one side (the first stage first) and its scores of rows ``[0, stop)``.

    ``scores`` are zero on the train part (never used for figures); ``names`` are the final
    booster's inputs. The second stage's input matrix is not kept: on a national data set it is
    gigabytes, and nothing after training needs it.
    """

    boosters: list[lgb.Booster]
    names: list[str]
    scores: npt.NDArray[np.float64]

    @property
    def rounds(self) -> int:
        """Rounds of the final booster (after early stopping)."""
        last = self.boosters[-1]
        return int(last.best_iteration or last.current_iteration())


def _rounds(booster: lgb.Booster) -> int:
    return max(int(booster.best_iteration or booster.current_iteration()), MIN_ROUNDS)


def cross_fitted(
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.bool_],
    train: slice,
    names: list[str],
    first: lgb.Booster,
    threads: int,
    seed: int = SEED,
) -> npt.NDArray[np.float64]:
    """First-stage scores of the train rows, each period scored by a booster blind to it.

    A period whose complement holds no positive is scored by ``first`` (tiny data sets only:
    with no positive to learn from, the cross-fitted booster would score everything alike).
    """
    stop = train.stop
    out = np.zeros(stop, dtype=np.float64)
    cuts = np.linspace(0, stop, BLOCKS + 1).astype(np.int64)
    periods = [(int(lo), int(hi)) for lo, hi in itertools.pairwise(cuts) if hi > lo]
    workers = max(1, min(threads, len(periods)))
    each = max(1, threads // workers)

    def score(period: tuple[int, int]) -> None:
        lo, hi = period
        rest = np.r_[0:lo, hi:stop]
        labels = y[rest]
        if not labels.any():
            out[lo:hi] = first.predict(x[lo:hi], num_threads=each)
            return
        positives = int(labels.sum())  # the class weight too must not know the period's labels
        params = booster_params(positives, len(labels) - positives, each, seed)
        data = lgb.Dataset(x[rest], label=labels.astype(np.float32), feature_name=names)
        booster = lgb.train(params, data, num_boost_round=_rounds(first))
        out[lo:hi] = booster.predict(x[lo:hi], num_threads=each)

    # Up to ``threads`` boosters at a time, each on ``threads // workers`` threads: a booster's
    # trees do not depend on its thread count (``booster_params``), so the scores are those of
    # one booster after the other; two one-thread boosters keep two cores busier than one
    # two-thread booster, whose threads wait for each other at every histogram.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(score, periods))  # list(): a booster's error is raised here
    return out


def fit(
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.bool_],
    edges: EdgeArrays,
    split: TemporalSplit,
    names: list[str],
    threads: int,
    two_stage: bool = True,
    seed: int = SEED,
) -> Fitted:
    """Train one side on ``split`` (one booster or two stages); score rows up to its test end."""
    stop = split.test.stop
    first = train_booster(x, y, split, names, threads, seed)
    scores = np.zeros(stop, dtype=np.float64)
    tail = slice(split.train.stop, stop)
    scores[tail] = np.asarray(first.predict(x[tail]), dtype=np.float64)
    if not two_stage:
        return Fitted([first], names, scores)
    scores[split.train] = cross_fitted(x, y, split.train, names, first, threads, seed)
    head = EdgeArrays(
        edges.src[:stop], edges.dst[:stop], edges.ts[:stop], edges.amount[:stop], edges.n_nodes
    )
    second_x = np.hstack([x[:stop], second_stage_columns(head, scores)])
    second_names = [*names, *SECOND_STAGE_NAMES]
    second = train_booster(second_x, y[:stop], split, second_names, threads, seed)
    final = np.zeros(stop, dtype=np.float64)
    final[tail] = np.asarray(second.predict(second_x[tail]), dtype=np.float64)
    return Fitted([first, second], second_names, final)


@dataclass
class Scored:
    """A saved model's scores of every row, the final booster's inputs, and (two stages) the
    first stage's scores, which the alerts use to name the neighbours to follow."""

    scores: npt.NDArray[np.float64]
    x: npt.NDArray[np.float32]
    first: npt.NDArray[np.float64] | None = None


def score_all(boosters: list[lgb.Booster], x: npt.NDArray[np.float32], edges: EdgeArrays) -> Scored:
    """Score every row with a saved model (one or two stages).

    With two stages, every row's first-stage score comes from the first booster (on the data the
    model was trained on, train rows then get in-sample scores: see docs/detection-model.md).
    """
    if len(boosters) == 1:
        return Scored(np.asarray(boosters[0].predict(x), dtype=np.float64), x)
    first = np.asarray(boosters[0].predict(x), dtype=np.float64)
    second_x = np.hstack([x, second_stage_columns(edges, first)])
    return Scored(np.asarray(boosters[1].predict(second_x), dtype=np.float64), second_x, first)
