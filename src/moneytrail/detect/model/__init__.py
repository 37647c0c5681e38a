"""Scoring model: LightGBM on graph-pattern features, explained alerts, evaluation.

``evaluate_workspace`` trains and judges the model on a workspace's labelled transactions
(temporal 60/20/20 split) and can save it; ``score_workspace`` applies a saved model and stores
explained alerts. The comparison with a peer's features lives in the benchmark
(``benchmarks/bench_detect_model.py``), not here. See docs/detection-model.md and
docs/decisions/0112-scoring-model.md.
"""

from __future__ import annotations

from moneytrail.detect.model.alerts import ScoreOutcome, score_workspace
from moneytrail.detect.model.evaluate import (
    EvaluateSettings,
    EvaluationReport,
    evaluate_workspace,
)
from moneytrail.detect.model.store import ModelCard, known_models, load_model, read_card

__all__ = [
    "EvaluateSettings",
    "EvaluationReport",
    "ModelCard",
    "ScoreOutcome",
    "evaluate_workspace",
    "known_models",
    "load_model",
    "read_card",
    "score_workspace",
]
