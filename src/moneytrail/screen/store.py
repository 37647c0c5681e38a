"""List versions in the workspace: save a loaded list, read it back, diff it with the previous one.

Why in the workspace: a screening finding must say *which version* of which list it was made
against (a prosecutor asks "was he listed on the day you screened?"), and loading the same file
twice must change nothing. A version's id is ``natural_key("list_version", list_id, sha256)``;
the list id defaults to the list's source (``un``, ``ofac_sdn``...), so successive files of one
list are versions of it and each load reports its diff with the latest version stored before
(the first version: every entry added).

A list is never replaced by one nobody could be screened against: a list with no entry is
refused, and so is a version that would remove more than half of the entries of the latest one
(a truncated download, or another list loaded under the same id) unless ``force=True``
(decision 0124). A refusal changes nothing in the workspace.

Entries and names are stored columnar (one Arrow table each, appended in one call), never row by
row.

Example::

    ws = Workspace.open("ws")
    saved = save_list(ws.engine, load_list(Path("sdn.csv")), Path("sdn.csv"))
    saved.diff.removed  # entry ids no longer listed since the previous OFAC version
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.errors import BadInputError, Problem, UsageError
from moneytrail.model.ids import natural_key
from moneytrail.screen.diff import ListDiff, diff_lists
from moneytrail.screen.entry import ListEntry, SanctionsList, check_screenable, merge_duplicates
from moneytrail.screen.lists import file_sha256


@dataclass
class SavedVersion:
    """Outcome of :func:`save_list`: the version id, whether it was new, and its diff with the
    latest version stored before (first version: all added; same file again: nothing)."""

    version_id: str
    list_id: str
    created: bool
    previous_id: str | None
    diff: ListDiff


def entry_fingerprint(entry: ListEntry) -> str:
    """Stable hash of every field of an entry (equal fingerprint = unchanged entry)."""
    return natural_key("list_entry", repr(astuple(entry)))


def _entries_table(version_id: str, entries: list[ListEntry]) -> pa.Table:
    strings = pa.list_(pa.string())
    return pa.table(
        {
            "version_id": pa.array([version_id] * len(entries), pa.string()),
            "entry_id": [e.entry_id for e in entries],
            "schema": [e.schema for e in entries],
            "primary_name": [e.primary_name for e in entries],
            "birth_dates": pa.array([list(e.birth_dates) for e in entries], strings),
            "nationalities": pa.array([list(e.nationalities) for e in entries], strings),
            "countries": pa.array([list(e.countries) for e in entries], strings),
            "identifiers": pa.array(
                [[f"{s}: {v}" for s, v in e.identifiers] for e in entries], strings
            ),
            "programs": pa.array([list(e.programs) for e in entries], strings),
            "listed_on": pa.array([e.listed_on for e in entries], pa.string()),
            "remarks": pa.array([e.remarks for e in entries], pa.string()),
            "fingerprint": [entry_fingerprint(e) for e in entries],
        }
    )


def _names_table(version_id: str, entries: list[ListEntry]) -> pa.Table:
    rows = [(e.entry_id, i, n) for e in entries for i, n in enumerate(e.names)]
    return pa.table(
        {
            "version_id": pa.array([version_id] * len(rows), pa.string()),
            "entry_id": pa.array([r[0] for r in rows], pa.string()),
            "position": pa.array([r[1] for r in rows], pa.int32()),
            "name": pa.array([r[2] for r in rows], pa.string()),
        }
    )


def latest_version(engine: Engine, list_id: str) -> str | None:
    """Id of the most recent version of ``list_id`` (by version date, then load time)."""
    rows = engine.fetchall(
        "SELECT id FROM screen_list_versions WHERE list_id = ? "
        "ORDER BY version_date DESC NULLS LAST, loaded_at DESC LIMIT 1",
        [list_id],
    )
    return str(rows[0][0]) if rows else None


def save_list(
    engine: Engine,
    sanctions: SanctionsList,
    path: Path,
    list_id: str | None = None,
    *,
    force: bool = False,
) -> SavedVersion:
    """Store ``sanctions`` (read from ``path``) as a version of ``list_id``; idempotent.

    Raises ``BadInputError`` (nothing stored) for a list with no entry, and for a version
    removing more than half of the latest stored version's entries unless ``force``.
    """
    check_screenable(sanctions, str(path))
    entries = merge_duplicates(sanctions.entries)  # one row per id, even from a hand-made list
    list_id = list_id or sanctions.source
    sha = file_sha256(path)
    version_id = natural_key("list_version", list_id, sha)
    if engine.fetchall("SELECT 1 FROM screen_list_versions WHERE id = ?", [version_id]):
        count = len(entries)
        return SavedVersion(
            version_id, list_id, False, None, ListDiff(old_count=count, new_count=count)
        )
    previous_id = latest_version(engine, list_id)
    previous = read_version(engine, previous_id) if previous_id else SanctionsList(sanctions.source)
    diff = diff_lists(previous, replace(sanctions, entries=entries))
    if previous_id and diff.removes_most() and not force:
        problem = Problem(
            file=str(path),
            code="list_version_shrinks",
            params={
                "removed": len(diff.removed),
                "previous": diff.old_count,
                "remaining": diff.old_count - len(diff.removed),
                "list_id": list_id,
            },
        )
        raise BadInputError("error.file_refused", problems=[problem], file=str(path))
    with engine.transaction():
        engine.execute(
            "INSERT INTO screen_list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                version_id,
                list_id,
                sanctions.source,
                sanctions.fmt or "",
                sanctions.published,
                path.name,
                sha,
                len(entries),
                datetime.now(UTC).replace(tzinfo=None),
            ],
        )
        engine.append_arrow("screen_list_entries", _entries_table(version_id, entries))
        engine.append_arrow("screen_list_names", _names_table(version_id, entries))
    return SavedVersion(version_id, list_id, True, previous_id, diff)


@dataclass(frozen=True)
class ListVersion:
    """One stored version of a list (a row of ``screen_list_versions``)."""

    id: str
    list_id: str
    source: str
    format: str
    version_date: str | None  # ISO date, when the list says it
    file_name: str
    entry_count: int


def list_versions(engine: Engine) -> list[ListVersion]:
    """Every stored version, newest first per list."""
    rows = engine.fetchall(
        "SELECT id, list_id, source, format, CAST(version_date AS VARCHAR), file_name, entry_count "
        "FROM screen_list_versions ORDER BY list_id, version_date DESC NULLS LAST, loaded_at DESC"
    )
    return [
        ListVersion(str(i), str(lid), str(src), str(fmt or ""), d, str(f), int(n))
        for i, lid, src, fmt, d, f, n in rows
    ]


def read_version(engine: Engine, version_id: str) -> SanctionsList:
    """Rebuild the :class:`SanctionsList` of a stored version (for screening and diffs)."""
    head = engine.fetchall(
        "SELECT source, format, version_date FROM screen_list_versions WHERE id = ?", [version_id]
    )
    if not head:
        raise UsageError("error.screen_version_unknown", version=version_id)
    names: dict[str, list[str]] = {}
    for entry_id, name in engine.fetchall(
        "SELECT entry_id, name FROM screen_list_names WHERE version_id = ? "
        "ORDER BY entry_id, position",
        [version_id],
    ):
        names.setdefault(entry_id, []).append(name)
    entries = []
    for row in engine.fetchall(
        "SELECT entry_id, schema, birth_dates, nationalities, countries, identifiers, programs, "
        "listed_on, remarks FROM screen_list_entries WHERE version_id = ? ORDER BY entry_id",
        [version_id],
    ):
        entry_id, schema, dobs, nats, countries, ids, programs, listed_on, remarks = row
        entries.append(
            ListEntry(
                entry_id=entry_id,
                schema=schema,
                names=tuple(names.get(entry_id, [])),
                birth_dates=tuple(dobs or ()),
                nationalities=tuple(nats or ()),
                countries=tuple(countries or ()),
                identifiers=tuple(tuple(i.split(": ", 1)) for i in ids or ()),
                programs=tuple(programs or ()),
                listed_on=listed_on,
                remarks=remarks,
            )
        )
    source, fmt, published = head[0]
    version = published.isoformat() if published else None
    return SanctionsList(source, entries, version=version, published=published, fmt=fmt)
