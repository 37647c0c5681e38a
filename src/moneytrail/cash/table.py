"""Rows of a template file (CSV, TSV or XLSX) as ``(line, {field: text})``, headers in FR or EN.

Why not the generic tabular reader: a template has a fixed set of fields whose meaning the
reader knows (a direction, a declared/seized status, a counterpart hawaladar), and a few hundred
or thousand rows, so it is read in Python, row by row, where each bad cell can be named. Column
names are compared without case, accents, blanks or punctuation (``"Poste frontière"`` =
``"poste_frontiere"``), from ``data/templates.yaml``.

>>> header_key("Poste frontière ")
'postefrontiere'
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from moneytrail.files.text import decode_text, is_binary, sniff_text
from moneytrail.files.xlsx_guard import sheet_rows

Row = tuple[int, list[str]]
"""A record: its first physical line (1-based) and its cells as text (stripped)."""


def header_key(text: str) -> str:
    """A header reduced to lower-case ASCII letters and digits (accents dropped)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain.lower() if c.isalnum())


@cache
def templates() -> dict[str, Any]:
    """The parsed ``data/templates.yaml`` (cached; read-only by convention)."""
    text = (resources.files("moneytrail.cash") / "data" / "templates.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class Template:
    """One template: its required fields, header aliases and coded values."""

    name: str
    required: tuple[str, ...]
    aliases: dict[str, str]
    values: dict[str, dict[str, str]]

    def match(self, header: Iterable[str]) -> dict[str, int]:
        """Field -> column index for each header the template knows (first column wins)."""
        found: dict[str, int] = {}
        for index, column in enumerate(header):
            fld = self.aliases.get(header_key(column))
            if fld is not None and fld not in found:
                found[fld] = index
        return found

    def code(self, fld: str, text: str) -> str | None:
        """The canonical code of a coded value (``"Sortie"`` -> ``"exit"``), ``None`` if unknown."""
        return self.values.get(fld, {}).get(header_key(text))


@cache
def template(name: str) -> Template:
    """The template ``name`` (``cash_declarations`` or ``hawala``)."""
    spec = templates()[name]
    aliases: dict[str, str] = {}
    for fld, names in spec["headers"].items():
        for alias in names:
            aliases.setdefault(header_key(str(alias)), str(fld))
    values: dict[str, dict[str, str]] = {}
    for fld, codes in (spec.get("values") or {}).items():
        values[fld] = {header_key(str(a)): str(c) for c, names in codes.items() for a in names}
    return Template(name, tuple(spec["required"]), aliases, values)


def header_score(tpl: Template, header: Iterable[str]) -> int:
    """How sure we are that ``header`` is this template: 0, or 90 when every required field
    and at least two others are named (a generic CSV sniffer says 50)."""
    fields = tpl.match(header)
    if set(tpl.required) <= fields.keys() and len(fields) >= len(tpl.required) + 2:
        return 90
    return 0


def head_header(path: Path, head: bytes) -> list[str]:
    """The header row of a template file from its first bytes (XLSX: its first sheet)."""
    if head.startswith(b"PK\x03\x04"):
        try:
            return next((h for _, h in sheet_rows(path, limit=1)), [])
        except Exception:
            return []
    if is_binary(head):
        return []
    first = next(iter(sniff_text(head).splitlines()), "")
    return next(csv.reader([first], dialect=_dialect(first)), [])


def read_rows(path: Path, encoding: str | None = None) -> tuple[list[str], Iterator[Row]]:
    """The header and the numbered non-empty rows of ``path`` (1-based physical lines), each
    padded to the header's width (a longer row keeps its extra cells).

    Raises ``UnicodeDecodeError`` for undecodable text and whatever openpyxl raises for a broken
    workbook: the readers turn both into a refusal of the file.
    """
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(b"PK\x03\x04"):
        rows = sheet_rows(path)
        header = next((h for _, h in rows), [])
        return header, _as_dicts(header, rows)
    text, _ = decode_text(path.read_bytes(), encoding)
    text = text.lstrip("\ufeff")
    first = next(iter(text.splitlines()), "")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(first))
    numbered = _csv_records(reader)
    header = next((h for _, h in numbered), [])
    return header, _as_dicts(header, numbered)


def _csv_records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Records with the line each starts on (a quoted cell may hold line breaks)."""
    end = 0
    for row in reader:
        start, end = end + 1, reader.line_num
        yield start, row


def _dialect(first: str) -> type[csv.Dialect]:
    counts = {d: first.count(d) for d in (";", ",", "\t", "|")}
    delim = max(counts, key=lambda d: counts[d])

    class Dialect(csv.excel):
        delimiter = delim

    return Dialect


def _as_dicts(header: list[str], rows: Iterable[tuple[int, list[str]]]) -> Iterator[Row]:
    width = len(header)
    for line, cells in rows:
        values = [(c or "").strip() for c in cells]
        if any(values):
            yield line, values + [""] * (width - len(values))
