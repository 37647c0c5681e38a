"""Screen a file of names (CSV or XLSX: a customer base, a list of beneficiaries) without a
workspace, and write the hits to CSV or JSON lines.

Why a file path beside ``screen parties``: a compliance officer holds a KYC extract, not a
workspace of parties; building one to screen a spreadsheet was the only way before. The file's
rows are read and checked first (nothing is screened when a row is wrong: the problems are
listed as ``file:line: field: reason``), each distinct name is screened once (the batch path:
:func:`~moneytrail.screen.batch.distinct_hits`), and each row's own facts (birth date,
countries, identifiers) corroborate its name's hits as for a single name.

Columns are found by their header (French or English, accents, case, spaces and ``_`` ignored:
:data:`HEADERS`) or named with ``columns`` (``{"name": "Nom complet", "dob": "Né le"}``).
Several columns may feed ``country`` (nationality and residence). Assumptions (named):
- the first row of a CSV (the first sheet's first row of an XLSX) holds the headers;
- a row whose cells are all empty is skipped; a row with facts but no name is refused;
- the kind (``Person`` / ``Organization``) is read from a ``kind`` column when there is one, and
  otherwise left open: both name rules are tried, as for ``screen NAME`` without ``--schema``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from moneytrail.errors import BadInputError, Problem, UsageError
from moneytrail.files.text import decode_text
from moneytrail.files.xlsx_guard import sheet_rows
from moneytrail.screen.entry import MAX_NAME_CHARS, country_code, iso_partial, usable_name
from moneytrail.screen.scorer import Query

FIELDS = ("name", "dob", "country", "kind", "id", "identifier")
HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "nom", "fullname", "nomcomplet", "nomprenom", "nometprenom", "nomprenoms",
        "customername", "clientname", "nomclient", "client", "raisonsociale", "denomination",
        "beneficiaire", "beneficiary", "titulaire", "accountholder", "party", "partie",
    ),
    "dob": (
        "dob", "birthdate", "dateofbirth", "datenaissance", "datedenaissance", "naissance",
        "nele", "neele", "ddn", "birth",
    ),
    "country": (
        "country", "pays", "nationality", "nationalite", "citizenship", "residence",
        "countryofresidence", "paysderesidence", "paysdenaissance", "countryofbirth",
    ),
    "kind": ("kind", "type", "schema", "typedepersonne", "typepersonne", "entitytype", "nature"),
    "id": (
        "id", "ref", "reference", "customerid", "clientid", "idclient", "numeroclient",
        "numclient", "codeclient", "customerref", "refclient", "referenceclient", "matricule",
    ),
    "identifier": (
        "identifier", "idnumber", "passport", "passeport", "nationalid", "cni", "nina",
        "numeropiece", "piece", "piecedidentite", "documentnumber", "taxid", "nif",
    ),
}  # fmt: skip
_KINDS = {
    "person": "Person", "personne": "Person", "individual": "Person", "individu": "Person",
    "pp": "Person", "personnephysique": "Person", "physique": "Person", "natural": "Person",
    "organization": "Organization", "organisation": "Organization", "company": "Organization",
    "entreprise": "Organization", "societe": "Organization", "entity": "Organization",
    "entite": "Organization", "pm": "Organization", "personnemorale": "Organization",
    "morale": "Organization", "legal": "Organization",
}  # fmt: skip
MAX_ROWS = 5_000_000  # a national customer base; more is a file to split, said so


@dataclass(frozen=True)
class NameRow:
    """One row of the file: where it is, the reference it gives, and the query it makes."""

    line: int
    ref: str
    query: Query


def fold(header: str) -> str:
    """A header as it is compared: no accents, lower case, only letters and digits."""
    plain = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _columns(path: Path, headers: list[str], chosen: Mapping[str, str]) -> dict[str, list[int]]:
    """Which header positions feed each field (``chosen`` first, then the known names)."""
    for field in chosen:
        if field not in FIELDS:
            raise UsageError("error.screen_names_field", field=field, known=", ".join(FIELDS))
    folded = [fold(h) for h in headers]
    found: dict[str, list[int]] = {}
    for field, header in chosen.items():
        if fold(header) not in folded:
            raise UsageError(
                "error.screen_names_column", file=str(path), column=header, found=", ".join(headers)
            )
        found[field] = [i for i, f in enumerate(folded) if f == fold(header)]
    for field, names in HEADERS.items():
        if field not in found:
            found[field] = [i for i, f in enumerate(folded) if f in names]
    if not found["name"]:
        raise UsageError(
            "error.screen_names_no_name",
            file=str(path),
            found=", ".join(headers),
            accepted=", ".join(HEADERS["name"]),
        )
    found["name"] = found["name"][:1]
    return found


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text, _ = decode_text(path.read_bytes())
    except (UnicodeDecodeError, LookupError) as exc:
        raise BadInputError(
            "error.screen_names_refused",
            [Problem(str(path), "screen_names_encoding")],
            file=str(path),
        ) from exc
    head = text[:65536]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(head, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    line = 1
    for row in reader:
        yield line, row
        line = reader.line_num + 1


def read_names(path: Path, columns: Mapping[str, str] | None = None) -> list[NameRow]:
    """Every row of ``path`` as a checked query; all problems at once, nothing half read."""
    if not path.is_file():
        raise BadInputError(
            "error.screen_names_refused", [Problem(str(path), "file_not_found")], file=str(path)
        )
    raw = sheet_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    first = next(raw, None)
    if first is None:
        raise BadInputError(
            "error.screen_names_refused", [Problem(str(path), "file_empty")], file=str(path)
        )
    headers = [h.strip() for h in first[1]]
    picked = _columns(path, headers, columns or {})
    rows: list[NameRow] = []
    problems: list[Problem] = []
    for line, cells in raw:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise UsageError("error.screen_names_too_many", file=str(path), max=MAX_ROWS)
        row = _row(path, line, cells, picked, problems)
        if row is not None:
            rows.append(row)
    if problems:
        raise BadInputError("error.screen_names_refused", problems, file=str(path))
    return rows


def _cells(cells: list[str], positions: list[int]) -> list[str]:
    return [cells[i].strip() for i in positions if i < len(cells) and cells[i].strip()]


def _row(
    path: Path, line: int, cells: list[str], picked: dict[str, list[int]], problems: list[Problem]
) -> NameRow | None:
    def problem(field: str, code: str, value: str | None = None) -> None:
        problems.append(Problem(str(path), code, line, field, value))

    name = " ".join(_cells(cells, picked["name"]))
    if not usable_name(name):
        problem("name", "screen_names_no_name", name or None)
        return None
    if len(name) > MAX_NAME_CHARS:
        problem("name", "screen_names_name_too_long", name[:40] + "…")
        return None
    dob = next(iter(_cells(cells, picked["dob"])), None)
    birth = iso_partial(dob) if dob else None
    if dob and birth is None:
        problem("dob", "screen_names_bad_dob", dob)
    countries = []
    for value in _cells(cells, picked["country"]):
        code = country_code(value)
        if code is None:
            problem("country", "screen_names_bad_country", value)
        elif code not in countries:
            countries.append(code)
    kind_text = next(iter(_cells(cells, picked["kind"])), None)
    kind = _KINDS.get(fold(kind_text)) if kind_text else None
    if kind_text and kind is None:
        problem("kind", "screen_names_bad_kind", kind_text)
    ref = next(iter(_cells(cells, picked["id"])), "")
    ids = tuple(_cells(cells, picked["identifier"]))
    return NameRow(line, ref, Query(name, kind, birth, tuple(countries), ids))
