"""OFAC legacy CSV set: ``sdn.csv`` (+ ``add.csv``, ``alt.csv`` beside it), or the non-SDN
consolidated ``cons_prim.csv`` (+ ``cons_add.csv``, ``cons_alt.csv``).

Why the remarks are parsed: the legacy CSV has no date-of-birth, nationality or identifier
columns; OFAC writes them into the free-text remarks as ``DOB 10 Dec 1948; nationality Niger;
Passport 1084010 (Egypt); a.k.a. 'X'``. Snapshots shipped as ``sdn.csv`` alone still carry their
aliases that way, so a.k.a./f.k.a./n.k.a. names are read from remarks too.

Assumptions: ``-0-`` means empty; a trailing Ctrl-Z (0x1A) end-of-file byte is ignored; the
companion files are used only when they sit in the same folder under their standard names; the
version is the ``YYYY-MM-DD`` found in the file name, if any (the CSV itself has no date).

Example: ``load_ofac_csv(Path("sdn.csv")).entries[0].names == ("AEROCARIBBEAN AIRLINES", ...)``.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from moneytrail.screen.entry import ListEntry, SanctionsList, country_codes, iso_partial, unique
from moneytrail.screen.formats.common import csv_rows, read_text, refuse

EMPTY = "-0-"
SDN_COLUMNS = 12
_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
_AKA = re.compile(r"\b[afn]\.k\.a\.,?\s+'([^']+)'", re.IGNORECASE)
_DOB = re.compile(r"^DOB\s+(.+)$", re.IGNORECASE)
_NATIONALITY = re.compile(r"^(?:alt\.\s+)?(?:nationality|citizen)\s+(.+)$", re.IGNORECASE)
_ID = re.compile(
    r"^(?:alt\.\s+)?(Passport|National ID No\.|Tax ID No\.|Registration (?:ID|Number)|"
    r"Identification Number|Cedula No\.|SSN|C\.U\.I\.T\.|NIT #|RFC|CURP|D\.N\.I\.|"
    r"Vessel Registration Identification|Aircraft Manufacturer's Serial Number \(MSN\)|"
    r"Business Registration Number|Company Number|Legal Entity Number|SWIFT/BIC)\s+"
    r"([^()]+?)(?:\s+\(([^)]*)\))?$"
)
_FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == EMPTY else value


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """(1-based physical line, fields) of every record; the 0x1A end marker is skipped."""
    text = read_text(path).replace("\x1a", "")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    return [(line, row) for line, row in csv_rows(path, reader) if any(f.strip() for f in row)]


def _parse_remarks(remarks: str) -> tuple[list[str], list[str], list[str], list[tuple[str, str]]]:
    """(dobs, nationalities, aliases, identifiers) written in OFAC remarks."""
    dobs: list[str] = []
    nationalities: list[str] = []
    identifiers: list[tuple[str, str]] = []
    aliases = _AKA.findall(remarks)
    for part in remarks.rstrip(".").split(";"):
        part = part.strip().rstrip(".")
        if m := _DOB.match(part):
            for piece in re.split(r"\s+to\s+", m.group(1)):
                if iso := iso_partial(piece):
                    dobs.append(iso)
        elif m := _NATIONALITY.match(part):
            nationalities.append(m.group(1))
        elif m := _ID.match(part):
            identifiers.append((m.group(1), m.group(2).strip()))
    return dobs, nationalities, aliases, identifiers


def _companions(path: Path) -> tuple[Path | None, Path | None]:
    """The address and alias files that belong to ``path``, if they sit next to it."""
    name = path.name.lower()
    prefix = "cons_" if name.startswith("cons_") else ""
    if name not in ("sdn.csv", "cons_prim.csv"):
        return None, None
    add, alt = path.with_name(f"{prefix}add.csv"), path.with_name(f"{prefix}alt.csv")
    return (add if add.is_file() else None), (alt if alt.is_file() else None)


def _side_table(path: Path | None, value_col: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    if path is None:
        return out
    for line, row in _rows(path):
        if len(row) <= value_col:
            refuse(path, "row_width", line=line, detail=f"{len(row)} < {value_col + 1}")
        out[row[0].strip()].append(_clean(row[value_col]))
    return out


def load_ofac_csv(path: Path) -> SanctionsList:
    """Read an OFAC legacy CSV list and its companion files (see the module docstring)."""
    add_path, alt_path = _companions(path)
    addresses = _side_table(add_path, 4)
    alt_names = _side_table(alt_path, 3)
    entries: list[ListEntry] = []
    lines: dict[str, int] = {}
    for line, row in _rows(path):
        if len(row) != SDN_COLUMNS:
            refuse(path, "row_width", line=line, detail=f"{len(row)} != {SDN_COLUMNS}")
        ent_num, name = row[0].strip(), _clean(row[1])
        if not ent_num.isdigit():
            refuse(path, "value_invalid", line=line, field="ent_num", value=ent_num)
        if not name:
            refuse(path, "field_missing", line=line, field="SDN_Name")
        sdn_type = _clean(row[2]).lower()
        if sdn_type not in _SCHEMA:
            refuse(path, "value_invalid", line=line, field="SDN_Type", value=row[2])
        remarks = _clean(row[11])
        dobs, nationalities, aka, ids = _parse_remarks(remarks)
        programs = [p.strip(" []") for p in _clean(row[3]).split("] [")]
        lines.setdefault(ent_num, line)
        entries.append(
            ListEntry(
                entry_id=ent_num,
                schema=_SCHEMA[sdn_type],
                names=unique([name, *alt_names.get(ent_num, []), *aka]),
                birth_dates=unique(dobs),
                nationalities=country_codes(nationalities),
                countries=country_codes(addresses.get(ent_num, [])),
                identifiers=tuple(dict.fromkeys(ids)),
                programs=unique(programs),
                remarks=remarks or None,
            )
        )
    found = _FILE_DATE.search(path.name)
    published = date.fromisoformat(found.group(1)) if found else None
    source = "ofac_cons" if path.name.lower().startswith("cons_") else "ofac_sdn"
    return SanctionsList(
        source=source,
        entries=entries,
        version=published.isoformat() if published else None,
        published=published,
        lines=lines,
    )
