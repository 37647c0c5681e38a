"""Measure the name matcher on labelled name pairs: precision, recall, F1 at a threshold.

Why: a screening threshold is a trade-off an FIU must be able to see in numbers. The reference
set is nomenklatura's ``name_bench`` cases (826 labelled pairs: transliterations, Arabic names,
legal forms); the same run computes OpenSanctions logic-v2's figures from its published scores so
both are compared on the same pairs.

Example::

    >>> m = Metrics(tp=8, fp=2, fn=2, tn=8)
    >>> (m.precision, m.recall, round(m.f1, 2))
    (0.8, 0.8, 0.8)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moneytrail.screen.compare import Weights, compare_names
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION
from moneytrail.screen.settings import ScreenSettings


@dataclass
class Metrics:
    """Confusion counts and the figures derived from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, truth: bool, predicted: bool) -> None:
        """Count one labelled pair."""
        if truth and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.tp + self.fp + self.fn + self.tn,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _truth(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def schema_of(label: str) -> str:
    """Person rules for people, organisation rules for every other kind of party."""
    return "Person" if label == "Person" else "Organization"


def evaluate_cases(path: Path, settings: ScreenSettings | None = None) -> dict[str, Any]:
    """Score every pair of a cases CSV (``schema,name1,name2,is_match`` columns)."""
    settings = settings or ScreenSettings()
    metrics = Metrics()
    errors: list[dict[str, Any]] = []
    for name1, name2, schema, truth in _read_cases(path):
        match = compare_names(name1, name2, schema)
        predicted = match.score >= settings.threshold
        metrics.add(truth, predicted)
        if truth != predicted:
            errors.append(
                {"name1": name1, "name2": name2, "truth": truth, "score": round(match.score, 3)}
            )
    return {
        "scorer": f"{SCORER_NAME}-v{SCORER_VERSION}",
        "threshold": settings.threshold,
        **metrics.as_dict(),
        "errors": errors,
    }


GRID: dict[str, tuple[float, ...]] = {
    "number_mismatch_cap": (0.5, 0.7, 0.8),
    "legal_mismatch_penalty": (0.05, 0.15, 0.25),
    "org_extra_penalty": (0.05, 0.1, 0.15, 0.2),
}
THRESHOLDS = (0.7, 0.725, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875, 0.9)


def _read_cases(path: Path) -> list[tuple[str, str, str, bool]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (r["name1"], r["name2"], schema_of(r["schema"]), _truth(r["is_match"]))
            for r in csv.DictReader(handle)
        ]


def _f1(scores: list[float], truths: list[bool], rows: list[int], threshold: float) -> Metrics:
    metrics = Metrics()
    for i in rows:
        metrics.add(truths[i], scores[i] >= threshold)
    return metrics


def cross_validate(path: Path, folds: int = 5, seed: int = 7) -> dict[str, Any]:
    """Held-out figures: the threshold and the score constants of :data:`GRID` are chosen (best
    F1) on ``folds - 1`` folds and measured on the remaining one, for each fold in turn; the
    confusion counts of the held-out folds are summed. The rules themselves stay fixed.

    Why: constants tuned on the very pairs they are measured on flatter the scorer; this says
    how much. Folds are a seeded shuffle of the pairs (``seed``), so the figure is reproducible.
    """
    import itertools
    import random

    cases = _read_cases(path)
    truths = [c[3] for c in cases]
    combos = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    scores = [
        [compare_names(a, b, schema, Weights(**combo)).score for a, b, schema, _ in cases]
        for combo in combos
    ]
    order = list(range(len(cases)))
    random.Random(seed).shuffle(order)
    held_out = Metrics()
    chosen = []
    for fold in range(folds):
        test = order[fold::folds]
        train = sorted(set(order) - set(test))
        best = max(
            ((n, t) for n in range(len(combos)) for t in THRESHOLDS),
            key=lambda nt: _f1(scores[nt[0]], truths, train, nt[1]).f1,
        )
        part = _f1(scores[best[0]], truths, test, best[1])
        for name in ("tp", "fp", "fn", "tn"):
            setattr(held_out, name, getattr(held_out, name) + getattr(part, name))
        chosen.append({"threshold": best[1], **combos[best[0]], "test_f1": round(part.f1, 4)})
    return {
        "scorer": f"{SCORER_NAME}-v{SCORER_VERSION}",
        "folds": folds,
        "seed": seed,
        "held_out": held_out.as_dict(),
        "chosen": chosen,
    }


def evaluate_reference(path: Path) -> dict[str, Any]:
    """Figures of a published run (``is_match`` and ``predicted_match`` columns)."""
    metrics = Metrics()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            metrics.add(_truth(row["is_match"]), _truth(row["predicted_match"]))
    return metrics.as_dict()
