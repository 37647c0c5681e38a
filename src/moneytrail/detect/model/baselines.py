"""Yardsticks judged on the same split as the model: the memory rule and the degree-only model.

Why: a figure means little without the simplest thing that reaches it. Issue 19 found that on
data where laundering accounts recur, a rule with no model at all — "flag a transaction whose
two accounts both took part in a known laundering transaction of the training period" — beat
the model. So ``evaluate`` reports, beside the model:

* **memory rule**: that rule, as a 0/1 score (``known_both`` of :mod:`.memory`, knowledge = the
  training period's positives). It has no threshold to choose; its validation figures are at
  0.5;
* **degree only**: one booster on the raw attributes and the one-day fan/degree columns alone
  (the 8 columns any graph tool has), same booster settings: how much the richer families add.

And every side is also judged on the **account-disjoint** test rows (:func:`disjoint_rows`):
test transactions neither of whose accounts took part in a positive transaction of the training
period. There the memory rule finds nothing by construction, and what a side scores is what it
catches of schemes run by accounts never seen before. Same threshold as on the whole test part
(chosen on validation); the subset only selects rows.

>>> DEGREE_COLUMNS[:2]
('fan_out_src', 'deg_out_src')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from moneytrail.detect.features.fan import NAMES as FAN_NAMES
from moneytrail.detect.model.data import RAW_ATTRIBUTES, LabelledEdges
from moneytrail.detect.model.memory import memory_rule
from moneytrail.detect.model.stacking import fit
from moneytrail.detect.model.training import TemporalSplit

if TYPE_CHECKING:
    from moneytrail.detect.model.evaluate import SideReport

MEMORY_RULE = "memory rule"
DEGREE_ONLY = "degree only"
DEGREE_COLUMNS = FAN_NAMES  # the short-window fan and degree columns of both accounts

Judge = Callable[
    [
        str,
        LabelledEdges,
        TemporalSplit,
        npt.NDArray[np.float64],
        npt.NDArray[np.bool_] | None,
        float | None,
    ],
    "tuple[SideReport, float]",
]


def disjoint_rows(memory: npt.NDArray[np.float32], split: TemporalSplit) -> npt.NDArray[np.bool_]:
    """Mask over the test part: rows whose sender and receiver both have no known event.

    ``memory``: the columns of :func:`.memory.memory_columns` with knowledge = the training
    period's positives; a test row comes after every such event, so "no event before t" is "no
    training-period positive at all". An end outside the data (cash) counts as unseen.
    """
    test = memory[split.test]
    return np.asarray((test[:, 0] == 0) & (test[:, 1] == 0), dtype=np.bool_)


def baseline_sides(
    data: LabelledEdges,
    split: TemporalSplit,
    names: list[str],
    x: npt.NDArray[np.float32],
    memory: npt.NDArray[np.float32],
    disjoint: npt.NDArray[np.bool_],
    threads: int,
    seed: int,
    judge: Judge,
) -> list[SideReport]:
    """The memory rule and the degree-only booster, judged by ``judge`` (the model's own
    :func:`.evaluate.judge_scores`). ``names``/``x``: raw attributes + graph features."""
    stop = split.test.stop
    rule_scores = np.zeros(stop, dtype=np.float64)
    rule_scores[split.train.stop : stop] = memory_rule(memory[split.train.stop : stop])
    rule, _ = judge(MEMORY_RULE, data, split, rule_scores, disjoint, 0.5)
    wanted = [*RAW_ATTRIBUTES, *DEGREE_COLUMNS]
    columns = [names.index(n) for n in wanted if n in names]
    small = np.ascontiguousarray(x[:, columns])
    picked = [names[c] for c in columns]
    fitted = fit(small, data.target, data.edges, split, picked, threads, False, seed)
    degree, _ = judge(DEGREE_ONLY, data, split, fitted.scores, disjoint, None)
    degree.features, degree.rounds, degree.stages = len(columns), fitted.rounds, 1
    return [rule, degree]
