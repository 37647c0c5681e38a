"""``ws.resolution``: which party records are one person, as the linker and analysts say.

A thin part over :mod:`moneytrail.resolve`: the linker scores pairs of parties and clusters
them (``run``); analysts confirm, reject or undo pairs, or split a party out of its cluster
(their decisions survive every re-run); ``evaluate`` measures it all against a known truth.

Example::

    with Workspace.open("enquete") as ws:
        summary = ws.resolution.run(ResolveSettings(threshold=0.9))
        for record in summary.interrupted_runs:  # an earlier run killed half-way kept nothing
            print(record.warning("fr"))
        for pair in ws.resolution.pairs(min_probability=0.5).pairs:
            print(pair.left_name, pair.right_name, pair.match_probability)
        ws.resolution.decide(left, right, CONFIRM, by="A. Maïga", note="même NINA")
        ws.resolution.clusters().clusters

The result types (``RunSummary``, ``Decision``, ``CandidatePair``, ``Cluster``, ``Score``) and
``ResolveSettings`` are the analytics' own; this module names them lazily so that importing it
(the CLI does, to print ``--help``) does not load pyarrow or splink.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.resolve import RunSummary
    from moneytrail.resolve.evaluate import Score
    from moneytrail.resolve.settings import ResolveSettings
    from moneytrail.resolve.store import CandidatePair, Cluster, Decision

__all__ = [
    "CONFIRM",
    "REJECT",
    "CandidatePair",
    "Cluster",
    "ClusterList",
    "Decision",
    "DecisionList",
    "Evaluation",
    "PairList",
    "ResolutionPart",
    "ResolveSettings",
    "RunSummary",
    "Score",
    "StageProgress",
]

CONFIRM, REJECT = "confirm", "reject"
"""The two decisions an analyst takes on a pair (same as :mod:`moneytrail.resolve.store`)."""

StageProgress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``, called as each stage of a run begins: ``stage`` is
``features``, ``linker`` then ``store`` (i18n: ``cli.resolve_stage_<stage>``)."""

_LAZY = {
    "RunSummary": "moneytrail.resolve",
    "ResolveSettings": "moneytrail.resolve.settings",
    "Score": "moneytrail.resolve.evaluate",
    "CandidatePair": "moneytrail.resolve.store",
    "Cluster": "moneytrail.resolve.store",
    "Decision": "moneytrail.resolve.store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api.resolution' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


@dataclass
class PairList:
    """Scored pairs of the latest run, most probable first (``resolve pairs``)."""

    pairs: list[CandidatePair]


@dataclass
class DecisionList:
    """Analysts' decisions: those a split appended, or the whole history, oldest first."""

    decisions: list[Decision]


@dataclass
class ClusterList:
    """Effective clusters of the latest run, biggest first (``resolve clusters``)."""

    clusters: list[Cluster]


@dataclass
class Evaluation:
    """Pairwise quality of each method against the truth (``resolve evaluate``)."""

    scores: list[Score]


class ResolutionPart:
    """Entity resolution on one workspace: ``ws.resolution.run()``, ``.decide(...)``..."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def run(
        self, settings: ResolveSettings | None = None, progress: StageProgress | None = None
    ) -> RunSummary:
        """Train the linker, store its pairs and the effective clusters.

        ``summary.interrupted_runs`` lists earlier runs found killed half-way (they kept
        nothing); a face warns about each (``record.warning(lang)``). See
        :func:`moneytrail.resolve.run_resolution`.
        """
        from moneytrail.resolve import run_resolution

        return run_resolution(self._ws.engine, settings, progress)

    def pairs(self, min_probability: float = 0.0, limit: int = 50) -> PairList:
        """Pairs of the latest run at or above ``min_probability``, with names and reasons."""
        from moneytrail.resolve.store import pair_rows, require_run

        run_id, _ = require_run(self._ws.engine)
        return PairList(pair_rows(self._ws.engine, run_id, min_probability, limit))

    def decide(
        self, left: str, right: str, decision: str, by: str, note: str | None = None
    ) -> Decision:
        """Confirm (:data:`CONFIRM`) or reject (:data:`REJECT`) a pair, in either order."""
        from moneytrail.resolve.store import decide

        return decide(self._ws.engine, left, right, decision, by, note)

    def undo(self, left: str, right: str, by: str, note: str | None = None) -> Decision:
        """Reverse the pair's standing decision (the one before it stands again)."""
        from moneytrail.resolve.store import undo

        return undo(self._ws.engine, left, right, by, note)

    def split(self, party: str, by: str, note: str | None = None) -> DecisionList:
        """Take ``party`` out of its cluster: one rejection against each other member."""
        from moneytrail.resolve.store import split

        return DecisionList(split(self._ws.engine, party, by, note))

    def history(self) -> DecisionList:
        """Every decision, oldest first."""
        from moneytrail.resolve.store import history

        return DecisionList(history(self._ws.engine))

    def clusters(self) -> ClusterList:
        """Effective clusters of the latest run (model links, analysts' decisions winning)."""
        from moneytrail.resolve.store import cluster_rows, require_run

        run_id, _ = require_run(self._ws.engine)
        return ClusterList(cluster_rows(self._ws.engine, run_id))

    def evaluate(self, truth: Path | str | None = None, *, baselines: bool = True) -> Evaluation:
        """Pairwise precision and recall against ``truth`` (a ``truth_identities.parquet``;
        default: the ``same_person`` labels of the workspace), with naive name matching as
        baselines unless ``baselines=False``. See :func:`moneytrail.resolve.evaluate.evaluate`.
        """
        from moneytrail.resolve.evaluate import evaluate

        path = Path(truth) if truth is not None else None
        return Evaluation(evaluate(self._ws.engine, path, baselines=baselines))
