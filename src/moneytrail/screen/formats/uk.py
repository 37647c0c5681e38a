"""UK HM Treasury consolidated list, ``ConList.csv`` (2018 and 2020 column layouts).

Why grouping: the UK file has one row per *name* (and per date of birth), tied together by
``Group ID``; one group is one listed person or entity. The row whose ``Alias Type`` is
``Prime Alias`` gives the primary name; in the 2018 layout, which has no prime marker on every
group, the first row does. Line 1 is ``Last Updated,DD/MM/YYYY`` (the version date), line 2 the
header; columns are found by header name, so both layouts share this loader.

Assumptions: ``Name 6`` is the surname (or the whole name of an entity) and ``Name 1``..``Name 5``
the given names, written "given surname"; nationalities are split on ``1) … 2) …``.

Example: ``load_uk(Path("ConList.csv")).published == date(2018, 4, 13)`` for the 2018 file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import read_text, refuse

_SCHEMA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_REQUIRED = ("Name 6", "Group ID", "Group Type")
_NUMBERED = re.compile(r"\s*\d+\)\s*")


def _whole_name(row: dict[str, str]) -> str:
    given = [row.get(f"Name {i}", "") for i in range(1, 6)]
    return " ".join(p.strip() for p in [*given, row.get("Name 6", "")] if p and p.strip())


def _split_numbered(value: str) -> list[str]:
    return [p.strip() for p in _NUMBERED.split(value or "") if p.strip()]


def load_uk(path: Path) -> SanctionsList:
    """Read a UK HMT ConList CSV; each ``Group ID`` becomes one entry."""
    lines = read_text(path).splitlines(keepends=True)
    first = next(csv.reader(io.StringIO(lines[0] if lines else "")), [])
    if len(first) < 2 or first[0].strip() != "Last Updated":
        refuse(path, "format_not_recognised", line=1)
    version_iso = iso_partial(first[1])
    published = date.fromisoformat(version_iso) if version_iso and len(version_iso) == 10 else None
    reader = csv.DictReader(io.StringIO("".join(lines[1:]), newline=""))
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        refuse(path, "column_missing", line=2, detail=", ".join(missing))
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    line = 3
    for row in reader:
        group = (row.get("Group ID") or "").strip()
        if not group:
            refuse(path, "field_missing", line=line, field="Group ID")
        if (row.get("Group Type") or "").strip().lower() not in _SCHEMA:
            refuse(
                path, "value_invalid", line=line, field="Group Type", value=row.get("Group Type")
            )
        groups[group].append({k: (v or "") for k, v in row.items() if k is not None})
        line = reader.line_num + 2
    return SanctionsList(
        source="uk_hmt",
        entries=[_entry(group, rows) for group, rows in groups.items()],
        version=published.isoformat() if published else None,
        published=published,
    )


def _entry(group: str, rows: list[dict[str, str]]) -> ListEntry:
    rows = sorted(rows, key=lambda r: r.get("Alias Type", "").strip() != "Prime Alias")
    head = rows[0]
    names = [_whole_name(r) for r in rows] + [r.get("Name Non-Latin Script", "") for r in rows]
    identifiers = [
        (scheme, value.strip())
        for r in rows
        for scheme, value in (
            ("Passport", r.get("Passport Number", "")),
            ("National ID", r.get("National Identification Number", "")),
        )
        if value.strip()
    ]
    return ListEntry(
        entry_id=group,
        schema=_SCHEMA[head["Group Type"].strip().lower()],
        names=unique(names),
        birth_dates=unique(iso_partial(r.get("DOB")) for r in rows),
        nationalities=country_codes(
            n for r in rows for n in _split_numbered(r.get("Nationality", ""))
        ),
        countries=country_codes(r.get("Country") for r in rows),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=unique(r.get("Regime") for r in rows),
        listed_on=iso_partial(head.get("Listed On")),
        remarks=head.get("Other Information", "").strip() or None,
    )
