"""EU consolidated financial sanctions list: XML (``export`` root) and the semicolon CSV.

Why both: FIUs receive either. The XML nests names, birth dates, citizenships and identity
documents under each ``sanctionEntity``; the CSV flattens them into one row per fact (a name row,
a birth row, an address row...) sharing ``Entity_logical_id``. The entry id is the EU
``logicalId`` of the entity, stable across versions.

Assumptions: in the CSV each physical line is one record wrapped in double quotes (inner quotes
doubled) and padded with tabs, as the EU published it in 2018; country codes there are ISO3; a
literal ``\n`` in remarks is a line break; a name with ``??`` lost its characters (Greek or
Baltic letters saved in a code page without them) and is dropped.

Example: ``load_eu_xml(Path("eu.xml")).entries[0].names[0] == "Abid Hammadou"``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from moneytrail.model.xml import element_line
from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import (
    children,
    csv_rows,
    local,
    parse_xml,
    read_text,
    refuse,
)

_SUBJECT = {"person": "Person", "enterprise": "Organization", "p": "Person", "e": "Organization"}


def _iso2(code: str | None) -> str | None:
    return code if code and len(code) == 2 and code != "00" else None


def _xml_entry(element: Any, path: Path) -> ListEntry:
    entry_id = element.get("logicalId")
    if not entry_id:
        refuse(path, "field_missing", line=element_line(element), field="logicalId")
    subject = children(element, "subjectType")
    kind = _SUBJECT.get((subject[0].get("code") if subject else "") or "", "Organization")
    names = [a.get("wholeName") for a in children(element, "nameAlias")]
    dobs = []
    for b in children(element, "birthdate"):
        dobs.append(iso_partial(b.get("birthdate")) or iso_partial(b.get("year")))
    ids = [
        (d.get("identificationTypeCode") or "id", d.get("number") or "")
        for d in children(element, "identification")
        if d.get("number")
    ]
    remarks = [r.text for r in children(element, "remark")]
    return ListEntry(
        entry_id=entry_id,
        schema=kind,
        names=unique(names),
        birth_dates=unique(dobs),
        nationalities=unique(
            _iso2(c.get("countryIso2Code")) for c in children(element, "citizenship")
        ),
        countries=unique(_iso2(a.get("countryIso2Code")) for a in children(element, "address")),
        identifiers=tuple(dict.fromkeys(ids)),
        programs=unique(r.get("programme") for r in children(element, "regulation")),
        listed_on=iso_partial(element.get("designationDate")),
        remarks=" ".join(r.strip() for r in remarks if r and r.strip()) or None,
    )


def load_eu_xml(path: Path) -> SanctionsList:
    """Read an EU consolidated XML export; each ``sanctionEntity`` becomes one entry."""
    root = parse_xml(path)
    if local(root.tag) != "export":
        refuse(path, "format_not_recognised", line=element_line(root))
    stamp = (root.get("generationDate") or "")[:10]
    published = (
        date.fromisoformat(stamp) if iso_partial(stamp) == stamp and len(stamp) == 10 else None
    )
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    for element in children(root, "sanctionEntity"):
        entries.append(_xml_entry(element, path))
        lines.setdefault(entries[-1].entry_id, element_line(element) or 0)
    return SanctionsList(
        source="eu",
        entries=entries,
        version=published.isoformat() if published else None,
        published=published,
        lines=lines,
    )


def _fields(path: Path, number: int, text: str, delimiter: str) -> list[str]:
    """Fields of the first CSV record in ``text`` (line ``number`` of ``path``), [] if none."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return next((row for _, row in csv_rows(path, reader, number)), [])


def _records(path: Path) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(read_text(path).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        inner = (_fields(path, number, line, "\t") or [""])[0]
        out.append((number, _fields(path, number, inner, ";")))
    return out


# Columns read by name (``Date_filexxxx``, ``Entity_logical_id`` and ``Subject_type`` are the
# first three; the header repeats ``Entity_logical_id`` in each fact block).
_EU_COLUMNS = (
    "Date_filexxxx",
    "Entity_logical_id",
    "Subject_type",
    "Naal_wholename",
    "Birt_date",
    "Citi_country",
    "Addr_country",
    "Iden_number",
    "Programme",
    "Leba_publication_date",
    "Entity_remark",
)


def load_eu_csv(path: Path) -> SanctionsList:
    """Read the EU consolidated CSV (2018 layout); rows are grouped by ``Entity_logical_id``."""
    records = _records(path)
    if not records or records[0][1][:1] != ["Date_filexxxx"]:
        refuse(path, "format_not_recognised", line=1)
    header = records[0][1]
    missing = [c for c in _EU_COLUMNS if c not in header]
    if missing or header[:3] != list(_EU_COLUMNS[:3]):
        refuse(
            path, "column_missing", line=records[0][0], detail=", ".join(missing or _EU_COLUMNS[:3])
        )
    col = {name: header.index(name) for name in header}  # first occurrence of each name
    facts: dict[str, list[list[str]]] = defaultdict(list)
    lines: dict[str, int] = {}
    published: date | None = None
    for line, row in records[1:]:
        if len(row) != len(header):
            refuse(path, "row_width", line=line, detail=f"{len(row)} != {len(header)}")
        if not row[1].strip():
            refuse(path, "field_missing", line=line, field="Entity_logical_id")
        facts[row[1]].append(row)
        lines.setdefault(row[1], line)
        iso = iso_partial(row[0])
        published = date.fromisoformat(iso) if iso and len(iso) == 10 else published

    def get(rows: list[list[str]], name: str) -> list[str]:
        return [r[col[name]] for r in rows]

    entries = [
        ListEntry(
            entry_id=entity,
            schema=_SUBJECT.get(rows[0][2].lower(), "Organization"),
            names=unique(n for n in get(rows, "Naal_wholename") if "??" not in n),
            birth_dates=unique(iso_partial(d) for d in get(rows, "Birt_date")),
            nationalities=country_codes(get(rows, "Citi_country")),
            countries=country_codes(get(rows, "Addr_country")),
            identifiers=tuple(dict.fromkeys(("id", n) for n in get(rows, "Iden_number") if n)),
            programs=unique(get(rows, "Programme")),
            listed_on=min((d for d in get(rows, "Leba_publication_date") if d), default=None),
            remarks=" ".join(unique(get(rows, "Entity_remark"))).replace("\\n", "\n") or None,
        )
        for entity, rows in facts.items()
    ]
    return SanctionsList(
        source="eu",
        entries=[e for e in entries if e.names],
        version=published.isoformat() if published else None,
        published=published,
        lines=lines,
    )
