"""Screening jobs on a workspace: screen every party against the latest list versions, store the
hits as findings to review, and record the analyst's decision.

Why findings in the workspace: a hit is not a conclusion. Each one is stored with the list
version, the scorer name and version and the full explanation, with status ``to_review``; an
analyst then marks it ``confirmed`` or ``false_positive`` with a note. The finding id is
``natural_key("screening_match", party id, list version id, entry id, scorer)``, so screening the
same parties against the same list again adds nothing and never resets a decision.

Each distinct name is screened once, in parallel, and findings are written in Arrow batches
(:mod:`moneytrail.screen.batch`).

Example::

    ws = Workspace.open("ws")
    summary = screen_parties(ws.engine, ScreenSettings())
    summary["matches_new"]  # findings waiting for review
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.screen.batch import screen_all
from moneytrail.screen.entry import SanctionsList
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import read_version

STATUSES = ("to_review", "confirmed", "false_positive")
PERSON_KINDS = frozenset({"person", "individual"})
Progress = Callable[[int, int], None]


def latest_lists(engine: Engine) -> list[tuple[str, SanctionsList]]:
    """(version id, list) of the newest version of every list stored in the workspace."""
    rows = engine.fetchall(
        "SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY list_id "
        "ORDER BY version_date DESC NULLS LAST, loaded_at DESC) AS rank "
        "FROM screen_list_versions) WHERE rank = 1 ORDER BY id"
    )
    return [(str(r[0]), read_version(engine, str(r[0]))) for r in rows]


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
    index = CandidateIndex([lst for _, lst in lists], tags=[v for v, _ in lists])
    counts = screen_all(engine, index, settings, workers, progress)
    return {
        **counts,
        "lists": [
            {"version_id": v, "source": lst.source, "entries": len(lst.entries)} for v, lst in lists
        ],
        "scorer": f"{SCORER_NAME}-v{SCORER_VERSION}",
        "threshold": settings.review_threshold,
        "workers": workers,
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


def list_matches(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    """Stored findings (optionally of one status), best score first, as plain dicts."""
    columns = (
        "id",
        "party_id",
        "query",
        "version_id",
        "entry_id",
        "matched_name",
        "score",
        "status",
        "analyst_note",
    )
    rows = engine.fetchall(
        "SELECT id, party_id, query, version_id, entry_id, matched_name, score, status, "
        "analyst_note FROM screening_matches WHERE ? IS NULL OR status = ? ORDER BY score DESC, id",
        [status, status],
    )
    return [dict(zip(columns, r, strict=True)) for r in rows]
