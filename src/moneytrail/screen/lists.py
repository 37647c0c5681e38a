"""Load any supported sanctions list file into a :class:`SanctionsList`.

Why content sniffing: analysts receive lists renamed by e-mail gateways (``liste(3).xml``), so the
format is chosen by what the first bytes say, not by the file name; ``fmt`` overrides it.

Formats (see docs/screening.md): ``un`` (UN consolidated XML), ``ofac_csv`` (sdn.csv + add/alt,
cons_prim.csv), ``ofac_xml`` (SDN XML schema), ``uk_hmt`` (HMT ConList CSV), ``eu_xml``,
``eu_csv``, ``custom`` (CSV/XLSX with the documented header), ``ftm`` (FtM JSON lines).

Example::

    >>> from pathlib import Path
    >>> sorted(FORMATS)[:3]
    ['custom', 'eu_csv', 'eu_xml']
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moneytrail.errors import UsageError
from moneytrail.screen.aliases import split_entry_names
from moneytrail.screen.entry import (
    ListEntry,
    SanctionsList,
    check_screenable,
    drop_unusable_names,
    merge_duplicates,
)
from moneytrail.screen.formats.common import decode_head, refuse
from moneytrail.screen.formats.custom import header_columns, load_custom
from moneytrail.screen.formats.eu import load_eu_csv, load_eu_xml
from moneytrail.screen.formats.ftm import load_ftm
from moneytrail.screen.formats.ofac_csv import SDN_COLUMNS, load_ofac_csv
from moneytrail.screen.formats.ofac_xml import load_ofac_xml
from moneytrail.screen.formats.uk import load_uk
from moneytrail.screen.formats.un import load_un

__all__ = ["FORMATS", "ListEntry", "SanctionsList", "detect_format", "file_sha256", "load_list"]

HEAD_BYTES = 4096


@dataclass(frozen=True)
class ListFormat:
    """A list layout: its name, how sure it is a file is of this layout, and its loader."""

    name: str
    sniff: Callable[[Path, str], int]
    load: Callable[[Path], SanctionsList]


def _xml_root(head: str) -> str:
    """Name of the first element after the XML prolog (declaration, comments, DOCTYPE), ''
    when not XML.

    >>> _xml_root('<?xml version="1.0"?><!-- x --><!DOCTYPE l [<!ENTITY a "b">]><un:LIST/>')
    'LIST'
    """
    text = head.lstrip("\ufeff \r\n\t")
    while text.startswith(("<?", "<!")):
        if text.startswith("<!--"):
            end = text.find("-->") + 3
        elif text.startswith("<?"):
            end = text.find("?>") + 2
        else:  # <!DOCTYPE ...> with or without an internal subset [...]
            subset, close = text.find("["), text.find(">")
            end = text.find("]>", subset) + 2 if -1 < subset < close else close + 1
        if end < 3:
            return ""
        text = text[end:].lstrip()
    words = text[1:].split(None, 1) if text.startswith("<") else []
    if not words:
        return ""
    name = words[0].split(">", 1)[0].split("/", 1)[0]
    return name.split(":")[-1]


def _first_line(head: str) -> str:
    lines = head.lstrip("\ufeff").splitlines()
    return lines[0].strip() if lines else ""


def _sniff_ofac_csv(path: Path, head: str) -> int:
    try:
        row = next(csv.reader([_first_line(head)]), [])
    except csv.Error:
        return 0
    return 80 if len(row) == SDN_COLUMNS and row[0].strip().isdigit() else 0


def _sniff_custom(path: Path, head: str) -> int:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return 50
    line = _first_line(head)
    cells = line.replace(";", ",").split(",")
    columns = header_columns([c.strip('" ') for c in cells])
    return 70 if "id" in columns and "name" in columns else 0


def _sniff_ftm(path: Path, head: str) -> int:
    line = _first_line(head)
    return 80 if line.startswith("{") and '"schema"' in line and '"properties"' in line else 0


FORMATS: dict[str, ListFormat] = {
    f.name: f
    for f in (
        ListFormat("un", lambda p, h: 95 if _xml_root(h) == "CONSOLIDATED_LIST" else 0, load_un),
        ListFormat("ofac_xml", lambda p, h: 95 if _xml_root(h) == "sdnList" else 0, load_ofac_xml),
        ListFormat("eu_xml", lambda p, h: 90 if _xml_root(h) == "export" else 0, load_eu_xml),
        ListFormat(
            "eu_csv",
            lambda p, h: 90 if _first_line(h).startswith('"Date_file') else 0,
            load_eu_csv,
        ),
        ListFormat(
            "uk_hmt",
            lambda p, h: 90 if _first_line(h).startswith("Last Updated,") else 0,
            load_uk,
        ),
        ListFormat("ofac_csv", _sniff_ofac_csv, load_ofac_csv),
        ListFormat("ftm", _sniff_ftm, load_ftm),
        ListFormat("custom", _sniff_custom, load_custom),
    )
}


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
    except OSError as exc:
        refuse(path, "file_unreadable", detail=exc.strerror or "")
    return decode_head(raw)


def _best(path: Path, head: str) -> str | None:
    scores = sorted(((f.sniff(path, head), f.name) for f in FORMATS.values()), reverse=True)
    best_score, best = scores[0]
    return best if best_score > 0 else None


def detect_format(path: Path) -> str | None:
    """The most likely format name of ``path`` from its first bytes, ``None`` when unknown."""
    return _best(path, _head(path))


def _check_forced(path: Path, fmt: str, head: str) -> None:
    """Refuse a forced ``fmt`` the file does not look like (an EU XML read as ``un`` would
    "load" with no entry), naming what it looks like."""
    if FORMATS[fmt].sniff(path, head) > 0:
        return
    detected = _best(path, head)
    if detected is not None:
        refuse(path, "list_format_mismatch", line=1, format=fmt, detected=detected)
    start = _xml_root(head) or _first_line(head)
    start = "".join(c if c.isprintable() else "?" for c in start[:60])
    refuse(path, "list_format_mismatch_unknown", line=1, format=fmt, start=start)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file (the list version fingerprint), read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_list(path: Path, fmt: str | None = None) -> SanctionsList:
    """Read a sanctions list file in ``fmt`` (detected from content when ``None``).

    Raises ``UsageError`` for an unknown ``fmt`` and ``BadInputError`` (``file:line: field:
    reason``) for a missing, unrecognised or malformed file, a file that does not look like the
    forced ``fmt``, and a list nobody could be screened against (no entry, an entry without a
    usable name: :func:`~moneytrail.screen.entry.check_screenable`); nothing is ever half-loaded.
    """
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise UsageError("error.format_unknown", format=fmt, known=", ".join(sorted(FORMATS)))
    if path.is_dir():
        refuse(path, "file_is_directory")
    if not path.is_file():
        refuse(path, "file_not_found")
    if path.stat().st_size == 0:
        refuse(path, "file_empty")
    head = _head(path)
    if fmt is not None:
        _check_forced(path, fmt, head)
    name = fmt or _best(path, head)
    if name is None:
        refuse(path, "format_not_recognised")
    result = FORMATS[name].load(path)
    result.entries = merge_duplicates(drop_unusable_names(split_entry_names(result.entries)))
    check_screenable(result, str(path))
    result.path = str(path)
    result.fmt = name
    return result
