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

from moneytrail.screen.compare import compare_names
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
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            match = compare_names(row["name1"], row["name2"], schema_of(row["schema"]))
            truth, predicted = _truth(row["is_match"]), match.score >= settings.threshold
            metrics.add(truth, predicted)
            if truth != predicted:
                errors.append(
                    {
                        "name1": row["name1"],
                        "name2": row["name2"],
                        "truth": truth,
                        "score": round(match.score, 3),
                    }
                )
    return {
        "scorer": f"{SCORER_NAME}-v{SCORER_VERSION}",
        "threshold": settings.threshold,
        **metrics.as_dict(),
        "errors": errors,
    }


def evaluate_reference(path: Path) -> dict[str, Any]:
    """Figures of a published run (``is_match`` and ``predicted_match`` columns)."""
    metrics = Metrics()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            metrics.add(_truth(row["is_match"]), _truth(row["predicted_match"]))
    return metrics.as_dict()
