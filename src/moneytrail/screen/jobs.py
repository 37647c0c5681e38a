"""Screening jobs on a workspace: screen every party against the latest list versions, store the
hits as findings to review, and record the analyst's decision.

Why findings in the workspace: a hit is not a conclusion. Each one is stored with the list
version, the scorer name and version and the full explanation, with status ``to_review``; an
analyst then marks it ``confirmed`` or ``false_positive`` with a note. The finding id is
``natural_key("screening_match", party id, list version id, entry id, scorer)``, so screening the
same parties against the same list again adds nothing and never resets a decision.

Parties are read in Arrow batches, never all at once.

Example::

    ws = Workspace.open("ws")
    summary = screen_parties(ws.engine, ScreenSettings())
    summary["matches_new"]  # findings waiting for review
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.model.ids import natural_key
from moneytrail.screen.entry import SanctionsList
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION, Hit, Query
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


def _insert_match(
    engine: Engine, party_id: str | None, query: str, version_id: str, hit: Hit
) -> bool:
    subject = party_id or query
    match_id = natural_key(
        "screening_match",
        subject,
        version_id,
        hit.entry.entry_id,
        f"{SCORER_NAME}-v{SCORER_VERSION}",
    )
    if engine.fetchall("SELECT 1 FROM screening_matches WHERE id = ?", [match_id]):
        return False
    engine.execute(
        "INSERT INTO screening_matches (id, party_id, query, version_id, entry_id, matched_name, "
        "score, scorer, scorer_version, explanation, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'to_review', ?)",
        [
            match_id,
            party_id,
            query,
            version_id,
            hit.entry.entry_id,
            hit.matched_name,
            round(hit.score, 4),
            SCORER_NAME,
            str(SCORER_VERSION),
            json.dumps(hit.explanation(), ensure_ascii=False),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    return True


PAGE_SIZE = 2000
PARTIES_PAGE = (
    "SELECT p.id, p.kind, p.name, p.aliases, CAST(p.birth_date AS VARCHAR) AS birth_date, "
    "p.nationality, p.country, "
    "(SELECT list(i.value) FROM identifiers i WHERE i.owner_id = p.id) AS ids "
    "FROM parties p WHERE p.id > ? ORDER BY p.id LIMIT ?"
)


def _screen_party(
    index: CandidateIndex, row: dict[str, Any], settings: ScreenSettings
) -> list[tuple[str, Hit]]:
    """Best hit per (list version, entry) over the party's name and aliases."""
    kind = (row["kind"] or "").lower()
    countries = tuple(c.upper() for c in (row["nationality"], row["country"]) if c)
    best: dict[tuple[str, str], Hit] = {}
    for name in [row["name"], *(row["aliases"] or [])]:
        if not name:
            continue
        query = Query(
            name=name,
            schema="Person" if kind in PERSON_KINDS else "Organization",
            birth_date=row["birth_date"],
            countries=countries,
            identifiers=tuple(row["ids"] or ()),
        )
        for hit in index.screen(query, settings):
            key = (hit.tag, hit.entry.entry_id)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
    return [(key[0], hit) for key, hit in best.items()]


def screen_parties(
    engine: Engine, settings: ScreenSettings, progress: Progress | None = None
) -> dict[str, Any]:
    """Screen every workspace party (name and aliases) against the latest list versions."""
    lists = latest_lists(engine)
    if not lists:
        raise UsageError("error.screen_no_lists")
    index = CandidateIndex([lst for _, lst in lists], tags=[v for v, _ in lists])
    total = int(engine.fetchall("SELECT count(*) FROM parties")[0][0])
    done = screened_hits = new = 0
    last_id = ""
    while True:
        # keyset pages: no cursor stays open while findings are written on the same connection
        page = engine.fetch_arrow(PARTIES_PAGE, [last_id, PAGE_SIZE]).to_pylist()
        if not page:
            break
        last_id = page[-1]["id"]
        for row in page:
            for version_id, hit in _screen_party(index, row, settings):
                screened_hits += 1
                new += _insert_match(engine, row["id"], row["name"], version_id, hit)
            done += 1
            if progress is not None:
                progress(done, total)
    return {
        "parties": total,
        "lists": [
            {"version_id": v, "source": lst.source, "entries": len(lst.entries)} for v, lst in lists
        ],
        "hits": screened_hits,
        "matches_new": new,
        "scorer": f"{SCORER_NAME}-v{SCORER_VERSION}",
        "threshold": settings.review_threshold,
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
