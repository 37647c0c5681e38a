"""Entity resolution: which party records of the workspace are one person or one company.

Why: the same man is a bank customer ``Mohamed Ould Ahmed``, a mobile-money subscriber
``Mouhamadou Uld Ahmed`` and ``محمد ولد أحمد`` in a police report; until these records are
one node, the money network shows three people and the trail breaks. The linker
(:mod:`moneytrail.resolve.model`, splink on DuckDB) proposes scored pairs with their reasons;
analysts confirm or reject pairs (:mod:`moneytrail.resolve.store`); the effective clusters
combine both, rejections winning (:mod:`moneytrail.resolve.clusters`); :mod:`.evaluate` measures
it all against a known truth.

>>> from moneytrail.workspace import Workspace
>>> import tempfile
>>> ws = Workspace.init(tempfile.mkdtemp() + "/ws")
>>> ws.resolve().run().parties
0
>>> ws.close()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from moneytrail._version import __version__
from moneytrail.engine.base import Engine
from moneytrail.model.ids import natural_key
from moneytrail.resolve.evaluate import Score, evaluate
from moneytrail.resolve.features import folded_names, party_rows
from moneytrail.resolve.settings import ResolveSettings
from moneytrail.resolve.store import (
    Decision,
    cluster_rows,
    decide,
    history,
    now,
    refresh_clusters,
    require_run,
    split,
    undo,
)

__all__ = ["Decision", "ResolveSettings", "Resolver", "RunSummary", "Score", "run_resolution"]

# stage key (i18n: cli.resolve_stage_<key>), called with the stage number and the count of stages
Progress = Callable[[str, int, int], None]
STAGES = ("features", "linker", "store")


@dataclass(frozen=True)
class RunSummary:
    """What one run did."""

    run_id: str
    parties: int
    pairs: int
    linked_pairs: int
    clusters: int
    clustered_parties: int
    conflicts: int
    threshold: float
    seconds: float
    training: list[str]


def _fingerprint(engine: Engine) -> str:
    """Digest of the parties and identifiers the run reads: same data, same digest."""
    row = engine.fetchall(
        "SELECT (SELECT count(*) FROM parties),"
        " (SELECT coalesce(md5(string_agg(id, ',' ORDER BY id)), '') FROM parties),"
        " (SELECT coalesce(md5(string_agg(concat_ws(chr(31), owner_id, scheme, value), ','"
        "  ORDER BY owner_id, scheme, value)), '') FROM identifiers)"
    )[0]
    return ":".join(str(v) for v in row)


def run_resolution(
    engine: Engine, settings: ResolveSettings | None = None, progress: Progress | None = None
) -> RunSummary:
    """Train the linker on the workspace's parties, store its pairs and the effective clusters.

    Re-running on the same data with the same settings replaces that run (same id): the
    pairs and clusters are the same, and the analysts' decisions are untouched.
    """
    import json

    settings = settings or ResolveSettings()
    began = time.perf_counter()
    report = progress or (lambda _stage, _done, _total: None)
    report(STAGES[0], 0, len(STAGES))
    run_id = natural_key("resolution_run", settings.to_json(), _fingerprint(engine))
    parties = party_rows(engine)
    report(STAGES[1], 1, len(STAGES))
    if parties.num_rows >= 2:
        from moneytrail.resolve.model import link

        pairs, model = link(parties, folded_names(engine), settings)
    else:
        pairs = pa.table({"left_id": pa.array([], pa.string())})
        model = json.dumps({"moneytrail_training": ["skipped: fewer than two parties"]})
    report(STAGES[2], 2, len(STAGES))
    training = list(json.loads(model).get("moneytrail_training", []))
    seconds = time.perf_counter() - began
    with engine.transaction():
        for table in ("resolution_pairs", "resolution_clusters"):
            engine.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])  # noqa: S608 - fixed
        engine.execute("DELETE FROM resolution_runs WHERE id = ?", [run_id])
        engine.execute(
            "INSERT INTO resolution_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                now(),
                settings.threshold,
                settings.to_json(),
                model,
                parties.num_rows,
                pairs.num_rows,
                round(seconds, 3),
                __version__,
            ],
        )
        if pairs.num_rows:
            engine.append_arrow(
                "resolution_pairs",
                pairs.append_column("run_id", pa.array([run_id] * pairs.num_rows, pa.string())),
            )
        conflicts = refresh_clusters(engine, run_id, settings.threshold)
    linked, clusters, members = engine.fetchall(
        "SELECT (SELECT count(*) FROM resolution_pairs"
        "  WHERE run_id = ? AND match_probability >= ?),"
        " count(DISTINCT cluster_id), count(*) FROM resolution_clusters WHERE run_id = ?",
        [run_id, settings.threshold, run_id],
    )[0]
    report(STAGES[2], 3, len(STAGES))
    return RunSummary(
        run_id,
        parties.num_rows,
        pairs.num_rows,
        int(linked),
        int(clusters),
        int(members),
        conflicts,
        settings.threshold,
        round(time.perf_counter() - began, 3),
        training,
    )


class Resolver:
    """Entity resolution on one workspace: ``ws.resolve().run()``, ``.decide(...)``..."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self, settings: ResolveSettings | None = None, progress: Progress | None = None
    ) -> RunSummary:
        """See :func:`run_resolution`."""
        return run_resolution(self.engine, settings, progress)

    def pairs(self, min_probability: float = 0.0, limit: int = 50) -> list[dict[str, Any]]:
        """Pairs of the latest run, most probable first, with names and explanation."""
        run_id, _ = require_run(self.engine)
        rows = self.engine.fetchall(
            "SELECT r.left_id, l.name, r.right_id, p.name, r.match_probability, r.match_weight,"
            " r.explanation FROM resolution_pairs r"
            " JOIN parties l ON l.id = r.left_id JOIN parties p ON p.id = r.right_id"
            " WHERE r.run_id = ? AND r.match_probability >= ?"
            " ORDER BY r.match_probability DESC, r.left_id, r.right_id LIMIT ?",
            [run_id, min_probability, limit],
        )
        import json

        return [
            {
                "left_id": a,
                "left_name": an,
                "right_id": b,
                "right_name": bn,
                "match_probability": prob,
                "match_weight": weight,
                "explanation": json.loads(expl),
            }
            for a, an, b, bn, prob, weight, expl in rows
        ]

    def decide(
        self, left: str, right: str, decision: str, by: str, note: str | None = None
    ) -> Decision:
        """Confirm or reject a pair; see :func:`moneytrail.resolve.store.decide`."""
        return decide(self.engine, left, right, decision, by, note)

    def undo(self, left: str, right: str, by: str, note: str | None = None) -> Decision:
        """Reverse the pair's standing decision; see :func:`moneytrail.resolve.store.undo`."""
        return undo(self.engine, left, right, by, note)

    def split(self, party: str, by: str, note: str | None = None) -> list[Decision]:
        """Take a party out of its cluster; see :func:`moneytrail.resolve.store.split`."""
        return split(self.engine, party, by, note)

    def history(self) -> list[Decision]:
        """Every decision, oldest first."""
        return history(self.engine)

    def clusters(self) -> list[dict[str, Any]]:
        """Effective clusters of the latest run."""
        run_id, _ = require_run(self.engine)
        return cluster_rows(self.engine, run_id)

    def evaluate(self, truth: Path | None = None, *, baselines: bool = True) -> list[Score]:
        """Pairwise quality against the truth; see :func:`moneytrail.resolve.evaluate.evaluate`."""
        return evaluate(self.engine, truth, baselines=baselines)
