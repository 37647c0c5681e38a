"""Refuse an XLSX workbook that could hurt the machine before any XML parser opens it.

Why a guard before openpyxl: an XLSX is a ZIP of XML parts, and both layers can be turned
against the reader. A part can declare a DOCTYPE with entities (``<!ENTITY e SYSTEM
"file:///etc/passwd">``: XXE, or billions of nested entities), and a part of a few hundred
kilobytes can inflate to gigabytes (a "zip bomb": openpyxl holds the whole shared-strings table
in memory). Excel never writes a DOCTYPE and never compresses a part beyond a few dozen to one,
so refusing both costs a real workbook nothing. openpyxl also parses through ``defusedxml``
(a dependency for that reason); this guard is the first line, with a precise reason.

Limits, and why a legitimate 1,048,576-row sheet passes them:

* :data:`MAX_MEMBERS` parts (10,000): a workbook has a handful per sheet, chart or picture;
* :data:`MAX_TOTAL_BYTES` uncompressed in all (2 GiB): a full sheet of 1,048,576 rows and 25
  typical columns is about 1.7 GB of XML (measured: 200,000 rows x 6 columns = 66 MB);
* :data:`MAX_RATIO` to one (100) for a part larger than :data:`RATIO_FLOOR_BYTES` (50 MiB)
  uncompressed: sheets written by Excel or openpyxl compress 9:1 (varied values) to 17:1 (one
  row repeated), a bomb 1000:1; small parts may compress as they like, they cannot hurt;
* no DOCTYPE or ENTITY declaration in the prolog of any XML part; the prolog (what precedes the
  root element) must end within :data:`PROLOG_BYTES` (16 KiB; Excel writes 60 bytes);
* an XML part declares UTF-8, UTF-16, ASCII, Latin-1 or Windows-1252 (:data:`XML_ENCODINGS`),
  or nothing: markup in any of them is readable by the scan above, where an EBCDIC part could
  hide its DOCTYPE from it.

Sizes are those the ZIP directory declares: Python's ``zipfile``, through which openpyxl reads,
never inflates a part past its declared size (it stops and fails the CRC check), so a directory
that lies cannot get past the limits.

Example::

    check_xlsx(Path("releve.xlsx"))   # returns, or raises BadInputError (exit code 3)
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from moneytrail.errors import BadInputError, Problem

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3
RATIO_FLOOR_BYTES = 50 * 1024**2
MAX_RATIO = 100
PROLOG_BYTES = 16 * 1024
XML_ENCODINGS = frozenset(
    ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "ascii", "iso8859-1", "cp1252"]
)
"""Encodings an XML part may declare (Python's names for them, as ``codecs.lookup`` gives)."""

_MIB = 1024**2
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Comments and processing instructions (cut ones included) may precede the root element.
_SKIPPED = re.compile(rb"<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_MARKS = b"\xef\xbb\xbf\xfe\xff"
# What reading a damaged, encrypted or exotic part raises inside zipfile.
# Damaged central directories make zipfile fail in its own parsing (IndexError, a name that is
# not UTF-8: UnicodeDecodeError, a ValueError).
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    IndexError,
    KeyError,
)


def check_xlsx(path: Path) -> None:
    """Return when ``path`` is a ZIP within the limits above whose XML parts declare no DTD;
    else raise :class:`BadInputError` naming the part and the reason (problem ``xlsx_unsafe_*``).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (*_UNREADABLE, ValueError) as exc:  # NotImplementedError: "zip file version 14.6"
        _refuse(path, "xlsx_unsafe_zip", detail=str(exc))
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            _refuse(path, "xlsx_unsafe_members", count=len(members), limit=MAX_MEMBERS)
        for info in members:
            _check_size(path, info)
        total = sum(info.file_size for info in members)
        if total > MAX_TOTAL_BYTES:
            _refuse(path, "xlsx_unsafe_size", size=_mib(total), limit=_mib(MAX_TOTAL_BYTES))
        for info in members:
            _check_prolog(path, archive, info)


def _check_size(path: Path, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        _refuse(path, "xlsx_unsafe_zip", member=info.filename, detail="encrypted")
    if info.file_size <= RATIO_FLOOR_BYTES:
        return
    ratio = info.file_size / max(info.compress_size, 1)
    if ratio > MAX_RATIO:
        _refuse(
            path,
            "xlsx_unsafe_ratio",
            member=info.filename,
            ratio=int(ratio),
            size=_mib(info.file_size),
            limit=MAX_RATIO,
        )


def _check_prolog(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part whose prolog declares a DTD or does not end in the first bytes."""
    if not info.filename:
        _refuse(path, "xlsx_unsafe_zip", detail="a member without a name")
    if info.is_dir() or info.file_size == 0:
        return
    try:
        with archive.open(info) as member:
            head = member.read(PROLOG_BYTES)
    except _UNREADABLE as exc:
        _refuse(path, "xlsx_unsafe_zip", member=info.filename, detail=str(exc))
    # UTF-16/32 parts: their markup is ASCII between NUL bytes.
    text = head.lstrip(_MARKS).replace(b"\x00", b"").lstrip()
    if not text.startswith(b"<"):
        return  # not XML (a picture, a printer setting): no parser reads it as XML
    declared = _ENCODING.match(text)
    if declared and _codec(declared.group(1)) not in XML_ENCODINGS:
        name = declared.group(1).decode("ascii", "replace")
        _refuse(path, "xlsx_unsafe_encoding", member=info.filename, encoding=name)
    prolog = _SKIPPED.sub(b"", text)
    root = _ROOT.search(prolog)
    if root is None and info.file_size > PROLOG_BYTES:
        _refuse(path, "xlsx_unsafe_prolog", member=info.filename, limit=PROLOG_BYTES)
    # Only the prolog may declare a DTD: "<!DOCTYPE" in a CDATA section further on is text.
    if _DECLARATION.search(prolog[: root.start()] if root else prolog):
        _refuse(path, "xlsx_unsafe_dtd", member=info.filename)


def _codec(name: bytes) -> str | None:
    try:
        return codecs.lookup(name.decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None


def _mib(size: int) -> str:
    return f"{size / _MIB:,.0f} MiB"


def _refuse(path: Path, code: str, member: str | None = None, **params: Any) -> NoReturn:
    problem = Problem(str(path), code, field=member, params=params)
    raise BadInputError("error.file_refused", problems=[problem], file=str(path))


# What openpyxl raises on a damaged workbook: its own errors, zipfile's, the XML parser's
# (ParseError is a SyntaxError; defusedxml's refusals are ValueErrors; an unknown declared
# encoding is a LookupError, as are the KeyError/IndexError of a missing part or cell).
UNREADABLE: tuple[type[BaseException], ...] = (
    ArithmeticError,  # a style index too large for C (OverflowError) in a damaged part
    IndexError,
    OSError,
    EOFError,
    LookupError,
    TypeError,
    ValueError,
    SyntaxError,
    zlib.error,
    zipfile.BadZipFile,
)


def unreadable_reason(exc: BaseException) -> str:
    """openpyxl's message, and the parser's or zip's below it, on one line."""
    parts = [str(exc)]
    if exc.__cause__ is not None or exc.__context__ is not None:
        parts.append(str(exc.__cause__ or exc.__context__))
    return " / ".join(" ".join(p.split()) for p in parts if p)[:300]


def sheet_rows(path: Path, limit: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as (line, cell texts), at most ``limit``, the workbook checked
    by :func:`check_xlsx` first. openpyxl parses a sheet lazily: whatever it raises on a damaged
    part, when it opens the book or reads a row, refuses the file (``xlsx_unreadable``) instead
    of escaping from the caller's loop."""
    from openpyxl import load_workbook

    from moneytrail.files.cells import cell_text

    check_xlsx(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE as exc:
        _refuse(path, "xlsx_unreadable", detail=unreadable_reason(exc))
    try:
        sheet = next(iter(book.worksheets), None)
        if sheet is None or not hasattr(sheet, "iter_rows"):  # none, or a chart sheet
            _refuse(path, "xlsx_unreadable", detail="no worksheet")
        rows = sheet.iter_rows(values_only=True)
        line = 0
        while limit is None or line < limit:
            try:
                values = next(rows, None)
            except UNREADABLE as exc:
                _refuse(path, "xlsx_unreadable", detail=unreadable_reason(exc))
            if values is None:
                return
            line += 1
            yield line, [cell_text(v) or "" for v in values]
    finally:
        book.close()
