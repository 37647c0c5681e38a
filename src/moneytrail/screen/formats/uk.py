"""UK HM Treasury consolidated list, ``ConList.csv`` (2018 and 2020 column layouts).

Why grouping: the UK file has one row per *name* (and per date of birth), tied together by
``Group ID``; one group is one listed person or entity. The row whose ``Alias Type`` is
``Prime Alias`` gives the primary name; in the 2018 layout, which has no prime marker on every
group, the first row does. Line 1 is ``Last Updated,DD/MM/YYYY`` (the version date), line 2 the
header; columns are found by header name, so both layouts share this loader.

Assumptions: ``Name 6`` is the surname (or the whole name of an entity) and ``Name 1``..``Name 5``
the given names, written "given surname"; nationalities are split on ``1) … 2) …``. Every row
has the header's number of columns (a row that has not was shifted by a stray comma or quote and
refuses the file), and the header names each column once.

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
from moneytrail.screen.formats.common import check_unique_header, csv_rows, read_text, refuse

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
    first = next((row for _, row in csv_rows(path, csv.reader(lines[:1], strict=True))), [])
    if len(first) < 2 or first[0].strip() != "Last Updated":
        refuse(path, "format_not_recognised", line=1)
    version_iso = iso_partial(first[1])
    published = date.fromisoformat(version_iso) if version_iso and len(version_iso) == 10 else None
    reader = csv.reader(io.StringIO("".join(lines[1:]), newline=""), strict=True)
    rows = csv_rows(path, reader, first_line=2)
    header = [c.strip() for c in next((row for _, row in rows), [])]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        refuse(path, "column_missing", line=2, detail=", ".join(missing))
    check_unique_header(path, 2, header)
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    starts: dict[str, int] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):  # an unclosed quote or a stray comma shifts every column
            refuse(path, "row_width", line=line, detail=f"{len(cells)} != {len(header)}")
        row = dict(zip(header, cells, strict=True))
        group = row["Group ID"].strip()
        if not group:
            refuse(path, "field_missing", line=line, field="Group ID")
        if row["Group Type"].strip().lower() not in _SCHEMA:
            refuse(path, "value_invalid", line=line, field="Group Type", value=row["Group Type"])
        groups[group].append(row)
        starts.setdefault(group, line)
    return SanctionsList(
        source="uk_hmt",
        entries=[_entry(group, rows) for group, rows in groups.items()],
        version=published.isoformat() if published else None,
        published=published,
        lines=starts,
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
