"""Helpers shared by the list loaders: safe reading, refusing a file with a precise problem.

A sanctions list is loaded whole or not at all: a list missing entries would silently clear people
who are listed, so any bad record refuses the file (``file:line: field: reason``).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn, Protocol

from lxml import etree

from moneytrail.errors import BadInputError, Problem

# Byte-order marks of the wide encodings (Excel's "Unicode text" is UTF-16), longest first.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def refuse(
    path: Path,
    code: str,
    *,
    line: int | None = None,
    field: str | None = None,
    value: str | None = None,
    detail: str = "",
    **params: Any,
) -> NoReturn:
    """Raise the ``error.file_refused`` error for ``path`` with one problem."""
    problem = Problem(
        file=str(path),
        code=code,
        line=line,
        field=field,
        value=value,
        params={"detail": detail, **params},
    )
    raise BadInputError("error.file_refused", problems=[problem], file=str(path))


def read_bytes(path: Path) -> bytes:
    """The whole file; an unreadable one (permissions, vanished) is refused, not crashed."""
    try:
        return path.read_bytes()
    except OSError as exc:
        refuse(path, "file_unreadable", detail=exc.strerror or "")


_BAD_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, as surrogateescape keeps them
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _refuse_byte(path: Path, data: bytes, position: int, encoding: str) -> NoReturn:
    """Refuse ``path`` at the line and column of the byte at ``position`` that ``encoding``
    cannot read (the text before it read in ``encoding``, damaged bytes replaced)."""
    before = data[:position].decode(encoding, errors="replace")
    refuse(
        path,
        "list_bad_byte",
        line=before.count("\n") + 1,
        byte=f"0x{data[position]:02X}",
        column=len(before) - before.rfind("\n"),
        encoding=encoding.upper(),
    )


def decode_head(raw: bytes) -> str:
    """The first bytes of a file as text, for sniffing its format (damaged bytes replaced)."""
    for bom, encoding in WIDE_BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    return raw.decode("utf-8", errors="replace")


def read_text(path: Path) -> str:
    """The file as text: UTF-16/32 with a byte-order mark, UTF-8 (with or without BOM), else
    Windows-1252 (older OFAC/EU files).

    Why not "UTF-8, else anything that decodes": a UTF-8 list (Arabic, Cyrillic names) with one
    damaged byte would be read whole as Windows-1252, every name garbled and nothing said. So a
    file whose non-ASCII characters are mostly valid UTF-8 is UTF-8, and its invalid bytes refuse
    it, naming the line; Windows-1252 is only tried for a file with (almost) no UTF-8 in it.

    Example: ``read_text(Path("sdn.csv"))`` reads a 2021 OFAC file saved in Windows-1252.
    """
    data = read_bytes(path)
    for bom, encoding in WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                _refuse_byte(path, data, exc.start, encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_BAD_UTF8.findall(text))
    if len(_NON_ASCII.findall(text)) - bad >= bad:
        _refuse_byte(path, data, first_bad, "utf-8")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D mean nothing in cp1252
        _refuse_byte(path, data, exc.start, "cp1252")


class CsvReader(Protocol):
    """What :func:`csv_rows` needs of a ``csv.reader``."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def csv_rows(path: Path, reader: CsvReader, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(1-based physical line where the record starts, fields) of each record of a ``csv.reader``.

    Readers are made ``strict=True``: a quote still open at the end of the file (a file cut in
    the middle of a record) is an error, not a short last record. A record the csv module cannot
    read (that, a field over its size limit: an unclosed quote that swallowed the rest of the
    file) refuses the file at the line where the record starts.
    """
    line = first_line
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            refuse(path, "list_csv_unreadable", line=line, detail=str(exc))
        yield line, row
        line = first_line + reader.line_num


def check_unique_header(path: Path, line: int, header: list[str]) -> None:
    """Refuse a header naming one column twice: which of the two holds the names is a guess,
    and a wrong guess loads empty or shifted values without a word."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name and name in seen:
            refuse(
                path,
                "list_column_duplicate",
                line=line,
                value=name,
                first=seen[name],
                second=position,
            )
        seen[name] = position


_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding=[\"']([A-Za-z0-9._-]+)")


def parse_xml(path: Path) -> Any:
    """Parse an XML list safely (no entities, no network); a broken file is refused, not crashed.

    The bytes are handed to lxml (not the path): for a file, lxml reports invalid bytes in the
    character encoding as an ``OSError`` without a line; for bytes, as a syntax error with one.
    """
    data = read_bytes(path)
    declared = _XML_ENCODING.match(data[:200])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    wide = any(data.startswith(bom) for bom, _ in WIDE_BOMS)
    if encoding in ("utf-8", "utf8") and not wide:  # name the damaged byte, as for CSV lists
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            _refuse_byte(path, data, exc.start, "utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        refuse(path, "xml_malformed", line=exc.lineno, detail=str(exc.msg))


def local(tag: object) -> str:
    """Tag name without its namespace: ``{ns}sdnEntry`` -> ``sdnEntry``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def child_text(element: Any, name: str) -> str | None:
    """Stripped text of the first child called ``name`` (any namespace), ``None`` if empty."""
    for child in element:
        if local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def children(element: Any, name: str) -> list[Any]:
    """Direct children called ``name`` (any namespace)."""
    return [c for c in element if local(c.tag) == name]
