"""Entity resolution: which party records of the workspace are one person or one company.

Why: the same man is a bank customer ``Mohamed Ould Ahmed``, a mobile-money subscriber
``Mouhamadou Uld Ahmed`` and ``محمد ولد أحمد`` in a police report; until these records are
one node, the money network shows three people and the trail breaks. The linker
(:mod:`moneytrail.resolve.model`, splink on DuckDB) proposes scored pairs with their reasons;
analysts confirm or reject pairs (:mod:`moneytrail.resolve.store`); the effective clusters
combine both, rejections winning (:mod:`moneytrail.resolve.clusters`); :mod:`.evaluate` measures
it all against a known truth.

The library reaches all of it through ``ws.resolution`` (:mod:`moneytrail.api.resolution`)::

    with Workspace.open("enquete") as ws:
        ws.resolution.run(ResolveSettings(threshold=0.9))
        ws.resolution.clusters()
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyarrow as pa

from moneytrail._version import __version__
from moneytrail.engine.base import Engine
from moneytrail.engine.runs import JobRun, RunRecord, recorded
from moneytrail.model.ids import natural_key
from moneytrail.resolve.evaluate import Score
from moneytrail.resolve.features import folded_names, party_rows
from moneytrail.resolve.settings import ResolveSettings
from moneytrail.resolve.store import Decision, now, refresh_clusters

__all__ = ["Decision", "ResolveSettings", "RunSummary", "Score", "run_resolution"]

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
    job_run_id: str = ""  # the run's record in job_runs (moneytrail.engine.runs)
    interrupted_runs: tuple[RunRecord, ...] = ()  # earlier resolve runs found interrupted


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
    pairs and clusters are the same, and the analysts' decisions are untouched. The pairs and
    clusters are written in one transaction with the job's record in ``job_runs``
    (:mod:`moneytrail.engine.runs`): a run killed half-way keeps nothing and says so.
    """
    settings = settings or ResolveSettings()
    with recorded(engine, "resolve", json.loads(settings.to_json())) as job:
        summary = _resolve(engine, settings, progress, job)
    return replace(summary, job_run_id=job.id, interrupted_runs=tuple(job.interrupted))


def _resolve(
    engine: Engine, settings: ResolveSettings, progress: Progress | None, job: JobRun
) -> RunSummary:
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
        counts = {"parties": parties.num_rows, "pairs": pairs.num_rows, "conflicts": conflicts}
        job.done(engine, {**counts, "resolution_run": run_id})
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
