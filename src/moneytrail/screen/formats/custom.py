"""Custom watchlists kept by the FIU or a bank: CSV (``,`` or ``;``) or XLSX with a fixed header.

Why a fixed header: a national list (e.g. a domestic freezing list published in a journal
officiel) or an internal blacklist is typed by hand; a documented header lets anyone build one in
a spreadsheet. Header (first row, case-insensitive, French synonyms accepted):

``id, name, schema, aliases, birth_date, nationality, country, identifiers, programs, listed_on,
remarks`` — only ``id`` and ``name`` are required. Multi-valued cells separate values with ``|``
or ``;`` (``,`` for the CSV with ``;`` delimiter is not special). ``identifiers`` are written
``scheme:value`` (e.g. ``passport:A1037434|nina:012546``). ``schema`` is Person or
Organization (``personne``/``organisation`` also accepted), Person when empty.

A CSV typed by hand breaks in known ways, each refused at its line rather than loaded shifted: a
header naming one column twice (``nom`` and ``name``), a row with more cells than the header (an
unquoted comma in ``Ag Ghali, Iyad``), a line break inside an id or a name (a quote left open
swallowing the next rows).

Example row::

    QDi.316,Iyad Ag Ghali,Person,Sidi Mohamed Arhali,1958,ML,ML,passport:A1037434,Al-Qaida,,
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import check_unique_header, csv_rows, read_text, refuse

COLUMNS = (
    "id",
    "name",
    "schema",
    "aliases",
    "birth_date",
    "nationality",
    "country",
    "identifiers",
    "programs",
    "listed_on",
    "remarks",
)
_SYNONYMS = {
    "nom": "name",
    "alias": "aliases",
    "type": "schema",
    "date_naissance": "birth_date",
    "nationalite": "nationality",
    "nationalité": "nationality",
    "pays": "country",
    "identifiants": "identifiers",
    "programmes": "programs",
    "date_inscription": "listed_on",
    "remarques": "remarks",
}
_SCHEMAS = {
    "": "Person",
    "person": "Person",
    "personne": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "company": "Organization",
    "entreprise": "Organization",
    "vessel": "Vessel",
    "navire": "Vessel",
}
_SPLIT = re.compile(r"\s*[|;]\s*")


def _cells(path: Path) -> list[tuple[int, list[str]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from moneytrail.files.xlsx_guard import sheet_rows

        # the one first-sheet reader of names files and templates: checks, refusals and cell
        # texts (a date cell, a whole number typed in a number cell) as the user typed them
        return list(sheet_rows(path))
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return [(line, [c.strip() for c in row]) for line, row in csv_rows(path, reader)]


def header_columns(cells: list[str]) -> list[str]:
    """Canonical column names of a header row (synonyms mapped, case and spaces ignored).

    >>> header_columns(["ID", "Nom", "Date naissance"])
    ['id', 'name', 'birth_date']
    """
    names = [c.strip().lower().replace(" ", "_").replace("-", "_") for c in cells]
    return [_SYNONYMS.get(n, n) for n in names]


def load_custom(path: Path) -> SanctionsList:
    """Read a custom watchlist; any bad row refuses the file (a list is all or nothing)."""
    rows = [(n, r) for n, r in _cells(path) if any(r)]
    if not rows:
        refuse(path, "file_empty")
    header = header_columns(rows[0][1])
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        refuse(path, "column_missing", line=rows[0][0], detail=", ".join(missing))
    check_unique_header(path, rows[0][0], header)  # "nom" and "name" are one column twice
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    seen: set[str] = set()
    is_csv = path.suffix.lower() not in (".xlsx", ".xlsm")
    for line, cells in rows[1:]:
        if is_csv and any(cells[len(header) :]):  # "Ag Ghali, Iyad" unquoted: name cut
            refuse(path, "row_width", line=line, detail=f"{len(cells)} > {len(header)}")
        rec = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}
        entries.append(_entry(path, line, rec, seen, is_csv))
        lines[entries[-1].entry_id] = line
    return SanctionsList(source="custom", entries=entries, lines=lines)


def _multi(value: str) -> list[str]:
    return [v for v in _SPLIT.split(value) if v]


def _entry(
    path: Path, line: int, rec: dict[str, str], seen: set[str], is_csv: bool = True
) -> ListEntry:
    entry_id, name = rec.get("id", ""), rec.get("name", "")
    for column, value in (("id", entry_id), ("name", name)):
        if not value:
            refuse(path, "field_missing", line=line, field=column)
        if is_csv and ("\n" in value or "\r" in value):  # an open quote swallows the next rows
            refuse(path, "list_line_break", line=line, field=column, value=value.splitlines()[0])
    if entry_id in seen:
        refuse(path, "screen_duplicate_entry", line=line, field="id", value=entry_id)
    seen.add(entry_id)
    schema = _SCHEMAS.get(rec.get("schema", "").lower())
    if schema is None:
        refuse(path, "value_invalid", line=line, field="schema", value=rec["schema"])
    dobs = []
    for raw in _multi(rec.get("birth_date", "")):
        iso = iso_partial(raw)
        if iso is None:
            refuse(path, "date_invalid", line=line, field="birth_date", value=raw)
        dobs.append(iso)
    identifiers = []
    for raw in _multi(rec.get("identifiers", "")):
        scheme, sep, value = raw.partition(":")
        identifiers.append((scheme.strip(), value.strip()) if sep else ("id", raw))
    return ListEntry(
        entry_id=entry_id,
        schema=schema,
        names=unique([name, *_multi(rec.get("aliases", ""))]),
        birth_dates=unique(dobs),
        nationalities=country_codes(_multi(rec.get("nationality", ""))),
        countries=country_codes(_multi(rec.get("country", ""))),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=unique(_multi(rec.get("programs", ""))),
        listed_on=iso_partial(rec.get("listed_on")),
        remarks=rec.get("remarks") or None,
    )
