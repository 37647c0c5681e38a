"""Screening jobs on a workspace: screen every party against the latest list versions, store the
hits as findings to review, and record the analyst's decision.

Why findings in the workspace: a hit is not a conclusion. Each one is stored with the list
version, the scorer name and version and the full explanation, with status ``to_review``; an
analyst then marks it ``confirmed`` or ``false_positive`` with a note. The finding id is
``natural_key("screening_match", party id, list version id, entry id, scorer)``, so screening the
same parties against the same list again adds nothing and never resets a decision.

Each distinct name is screened once, in parallel, and findings are written in Arrow batches
(:mod:`moneytrail.screen.batch`), all in one transaction with the run's record in ``job_runs``
(:mod:`moneytrail.engine.runs`): a screening killed half-way keeps no finding, and the next one
reports it (``summary["interrupted_runs"]``).

Example::

    ws = Workspace.open("ws")
    summary = screen_parties(ws.engine, ScreenSettings())
    summary["matches_new"]  # findings waiting for review
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.engine.runs import recorded
from moneytrail.errors import UsageError
from moneytrail.screen.batch import screen_all
from moneytrail.screen.entry import SanctionsList
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import read_version
from moneytrail.screen.stored import open_index

STATUSES = ("to_review", "confirmed", "false_positive")
PERSON_KINDS = frozenset({"person", "individual"})
Progress = Callable[[int, int], None]


_LATEST = (
    "SELECT id, source FROM (SELECT id, source, row_number() OVER (PARTITION BY list_id "
    "ORDER BY version_date DESC NULLS LAST, loaded_at DESC) AS rank "
    "FROM screen_list_versions) WHERE rank = 1 ORDER BY id"
)


def latest_lists(engine: Engine) -> list[tuple[str, SanctionsList]]:
    """(version id, list) of the newest version of every list stored in the workspace."""
    return [(str(r[0]), read_version(engine, str(r[0]))) for r in engine.fetchall(_LATEST)]


def latest_sources(engine: Engine) -> dict[str, str]:
    """Version id -> list source of the newest version of every stored list (no entry read)."""
    return {str(r[0]): str(r[1]) for r in engine.fetchall(_LATEST)}


def workspace_index(
    engine: Engine, building: Callable[[], None] | None = None
) -> tuple[CandidateIndex, dict[str, str]]:
    """The candidate index of the workspace's latest lists, stored once per set of versions
    (:mod:`moneytrail.screen.stored`), and the source of each version id."""
    sources = latest_sources(engine)
    if not sources:
        return CandidateIndex([]), sources
    index = open_index([(v, v) for v in sources], lambda: latest_lists(engine), building=building)
    return index, sources


def screen_parties(
    engine: Engine,
    settings: ScreenSettings,
    progress: Progress | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Screen every workspace party (name and aliases) against the latest list versions, each
    distinct name once, over ``workers`` processes (see :mod:`moneytrail.screen.batch`)."""
    lists = latest_lists(engine)
    if not lists:
        raise UsageError("error.screen_no_lists")
    scorer = f"{SCORER_NAME}-v{SCORER_VERSION}"
    asked = {"settings": settings.model_dump(), "lists": [v for v, _ in lists], "scorer": scorer}
    with recorded(engine, "screen", asked) as run:
        index = open_index([(v, v) for v, _ in lists], lambda: lists)
        counts = screen_all(engine, index, settings, workers, progress, run)
    return {
        **counts,
        "lists": [
            {"version_id": v, "source": lst.source, "entries": len(lst.entries)} for v, lst in lists
        ],
        "scorer": scorer,
        "threshold": settings.review_threshold,
        "workers": workers,
        "job_run_id": run.id,
        "interrupted_runs": run.interrupted,
    }


def set_status(engine: Engine, match_id: str, status: str, note: str | None, analyst: str) -> None:
    """Record an analyst's decision on a finding (who and when are kept with it)."""
    if status not in STATUSES:
        raise UsageError("error.screen_status_unknown", status=status, known=", ".join(STATUSES))
    if not engine.fetchall("SELECT 1 FROM screening_matches WHERE id = ?", [match_id]):
        raise UsageError("error.screen_match_unknown", match=match_id)
    engine.execute(
        "UPDATE screening_matches SET status = ?, analyst_note = ?, decided_by = ?, decided_at = ? "
        "WHERE id = ?",
        [status, note, analyst, datetime.now(UTC).replace(tzinfo=None), match_id],
    )


@dataclass(frozen=True)
class Finding:
    """One stored screening finding, as an analyst reviews it."""

    id: str
    party_id: str
    query: str
    version_id: str
    entry_id: str
    matched_name: str
    score: float
    status: str
    analyst_note: str | None


def list_matches(engine: Engine, status: str | None = None) -> list[Finding]:
    """Stored findings (only those of ``status`` when given), best score first."""
    if status is not None and status not in STATUSES:
        raise UsageError(
            "error.screen_status_filter_unknown", status=status, known=", ".join(STATUSES)
        )
    rows = engine.fetchall(
        "SELECT id, party_id, query, version_id, entry_id, matched_name, score, status, "
        "analyst_note FROM screening_matches WHERE ? IS NULL OR status = ? ORDER BY score DESC, id",
        [status, status],
    )
    return [Finding(*row) for row in rows]
