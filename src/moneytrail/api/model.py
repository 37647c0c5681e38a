"""``ws.model``: the scoring model: train and save it, judge it, score a workspace with it.

The model is LightGBM on the transactions' own attributes and graph-pattern features (see
docs/detection-model.md). It learns from the workspace's labels with the temporal 60/20/20
protocol (train on the first 60 % of the stream, choose the threshold on the next 20 %, measure
on the last 20 %); a saved model scores any workspace and stores explained alerts. Example::

    with Workspace.open("enquete") as ws:
        report = ws.model.evaluate(dataset="amlsim-20k", folds=3)
        report.sides[0].test.f1
        saved = ws.model.train("fiu-2026")
        outcome = ws.model.score("fiu-2026")
        outcome.inserted, outcome.interrupted_runs
        [m.name for m in ws.model.list()]

The comparison with a peer's features is the benchmark's (``python -m benchmarks.run
detect``), not the product's: ``evaluate`` judges this model alone.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    # Workspace, and the result types a face names in its annotations
    from moneytrail.api.workspace import Workspace
    from moneytrail.detect.features import FeatureConfig
    from moneytrail.detect.model.alerts import ScoreOutcome as ScoreOutcome
    from moneytrail.detect.model.evaluate import EvaluationReport as EvaluationReport
    from moneytrail.detect.model.evaluate import SideReport as SideReport
    from moneytrail.detect.model.folds import Fold as Fold
    from moneytrail.detect.model.memory import KnownSubject
    from moneytrail.detect.model.store import ModelCard
    from moneytrail.detect.model.training import Metrics as Metrics

__all__ = ["NUM_THREADS", "SEED", "FeaturesWritten", "ModelPart", "SavedModel", "Step"]

NUM_THREADS = 2
"""LightGBM threads by default (``moneytrail.detect.model.training.NUM_THREADS``; kept here so
that a face can show it without importing LightGBM)."""

SEED = 7
"""LightGBM's sampling seed by default (``moneytrail.detect.model.training.SEED``)."""

Step = Callable[[str], None]
"""``step(key)``: a long step starts; ``key`` is the i18n key that names it."""


@dataclass
class SavedModel:
    """A model saved in the workspace: its version (a hash of its trees), its stages, the data
    it learnt from, the threshold chosen on validation and what it measured on test."""

    name: str
    version: str
    stages: int
    threshold: float
    dataset: str
    target_kind: str
    features: int
    metrics: dict[str, Any]


class ModelPart:
    """The scoring model over one workspace (models live in ``<workspace>/models``)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def train(
        self,
        name: str,
        *,
        dataset: str = "workspace",
        threads: int = NUM_THREADS,
        stages: int = 2,
        step: Step | None = None,
        seed: int = SEED,
    ) -> SavedModel:
        """Learn from the workspace's labels and save the model as ``name`` (replacing one of
        that name: a new version). The same protocol as :meth:`evaluate`, standard split only
        (no baselines)."""
        self.evaluate(
            dataset=dataset,
            save_model=name,
            threads=threads,
            stages=stages,
            step=step,
            seed=seed,
            baselines=False,
        )
        from moneytrail.detect.model.store import read_card

        return _saved(read_card(self._ws.path, name))

    def evaluate(
        self,
        *,
        dataset: str = "workspace",
        save_model: str | None = None,
        threads: int = NUM_THREADS,
        folds: int = 1,
        stages: int = 2,
        step: Step | None = None,
        seed: int = SEED,
        memory: bool = True,
        baselines: bool = True,
    ) -> EvaluationReport:
        """Train and judge the model on the workspace's labelled transactions: split, P/R/F1
        on test (per account when accounts are labelled), recall per typology, ``folds``
        rolling-origin folds (1 to 4), ``stages`` 1 or 2; saved as ``save_model`` if named;
        ``seed`` LightGBM's sampling seed; ``memory`` the known-subject columns; ``baselines``
        the memory rule and degree-only model beside it, all also on account-disjoint rows."""
        from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace

        settings = EvaluateSettings(
            dataset=dataset,
            save_model=save_model,
            threads=threads,
            folds=folds,
            stages=stages,
            seed=seed,
            memory=memory,
            baselines=baselines,
        )
        return evaluate_workspace(self._ws.engine, self._ws.path, settings, step)

    def score(self, name: str) -> ScoreOutcome:
        """Score every transaction with saved model ``name`` and store its explained alerts
        (one transaction with the run's record: a run killed half-way keeps none).

        A model with memory also knows the subjects of the workspace's cases (when it has a case
        store): an account under analysis since a date is a known subject from that date on,
        and an alert it raises names the case (decision 0146)."""
        from moneytrail.detect.model.alerts import score_workspace

        return score_workspace(self._ws.engine, self._ws.path, name, self._case_subjects(name))

    def _case_subjects(self, name: str) -> builtins.list[KnownSubject]:
        from datetime import datetime
        from pathlib import Path

        from moneytrail.cases.known import workspace_subject_accounts
        from moneytrail.detect.model.memory import KnownSubject
        from moneytrail.detect.model.store import read_card

        if not read_card(self._ws.path, name).memory:
            return []
        return [
            KnownSubject(s.account_id, int(datetime.fromisoformat(s.added_at).timestamp()), s.case)
            for s in workspace_subject_accounts(Path(self._ws.path))
        ]

    def features(self, out: Path | str, model: str | None = None) -> FeaturesWritten:
        """Write the feature matrix of every transaction (``id``, raw attributes, graph
        features: the model's inputs, with model ``model``'s settings or the defaults) as
        Parquet files in the folder ``out`` (made if missing; must be empty), for analysis
        outside moneytrail or to compare engines."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from moneytrail.detect.features import FeatureConfig
        from moneytrail.detect.model.evaluate import feature_matrix

        folder = _empty_folder(out)
        config = self._config(model) if model else FeatureConfig()
        rows = feature_matrix(self._ws.engine, config)
        columns = {"id": rows.ids.cast(pa.string())}
        for j, name in enumerate(rows.names):
            columns[name] = pa.array(rows.values[:, j], pa.float32())
        pq.write_table(pa.table(columns), folder / "part-00000.parquet")
        return FeaturesWritten(str(folder), len(rows.ids), len(rows.names))

    def _config(self, model: str) -> FeatureConfig:
        from moneytrail.detect.model.store import read_card

        return read_card(self._ws.path, model).config()

    def list(self) -> builtins.list[SavedModel]:
        """The models saved in the workspace, by name."""
        from moneytrail.detect.model.store import known_models, read_card

        return [_saved(read_card(self._ws.path, n)) for n in known_models(self._ws.path)]


@dataclass
class FeaturesWritten:
    """Where a feature matrix was written, with its rows and feature columns (besides ``id``)."""

    folder: str
    rows: int
    features: int


def _empty_folder(out: Path | str) -> Path:
    """``out`` as a folder that exists and is empty; a usage error when it holds files (a
    matrix is never mixed with, or written over, other files)."""
    from pathlib import Path

    from moneytrail.errors import UsageError

    folder = Path(out)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError("model_api.features_out_not_empty", path=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _saved(card: ModelCard) -> SavedModel:
    return SavedModel(
        name=card.name,
        version=card.version,
        stages=card.stages,
        threshold=card.threshold,
        dataset=card.dataset,
        target_kind=card.target_kind,
        features=len(card.feature_names),
        metrics=card.metrics,
    )
