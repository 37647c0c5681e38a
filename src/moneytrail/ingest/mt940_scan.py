"""Physical layer of SWIFT MT940/MT942 files: bytes -> text -> statements of located fields.

The ``mt-940`` library parses tag values well but forgets where they came from, and a prosecutor
needs the line. This scanner keeps, for every field, the 1-based physical line where it starts,
and checks the structure of each statement before any row is staged, so that a truncated or
mangled file is refused as a whole with a precise ``file:line: field: reason``.

Assumptions (see docs/formats/mt940.md):

* a field starts at a line beginning with one of the MT940/MT942 tags (``:20:``, ``:25:``,
  ``:28C:``, ``:60F:``, ``:61:``, ``:86:``, ``:62F:``...); any other line continues the field
  above it, so ``:26:`` inside a wrapped ``:86:`` is text, not a tag;
* a statement starts at ``:20:`` (or at the first tag when a file has no ``:20:``) and ends at the
  next ``:20:``, at a line ``-`` / ``-}`` or at the end of the file; lines outside statements
  (bank headers such as ``ABNANL2A``/``940``, SWIFT blocks ``{1:...}{2:...}{4:``) are skipped;
* an MT940 statement needs one ``:25:`` account, one opening balance (``:60F:``/``:60M:``) and one
  closing balance (``:62F:``/``:62M:``); an MT942 interim report (``:34F:`` floor limit, no opening
  balance) needs ``:25:`` and ``:34F:``.

>>> text = ":20:X\\n:25:123\\n:60F:C240101EUR1,00\\n:62F:C240101EUR1,00\\n-"
>>> [s.account.value for s in scan_statements("f.sta", text)]
['123']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from moneytrail.errors import BadInputError, Problem
from moneytrail.files.text import decode_text, is_binary

_TAG = re.compile(
    r"^:(?P<tag>20|21|25P?|28C?|13D?|34F|60[FM]?|61|62[FM]?|64|65|86|90[DC]|NS):(?P<value>.*)$"
)
_BALANCE = re.compile(r"^(?P<mark>[DC])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)")
_FLOOR = re.compile(r"^(?P<currency>[A-Z]{3})")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
OPENING = ("60F", "60M", "60")
CLOSING = ("62F", "62M", "62")


@dataclass
class Field:
    """One tag with its value (continuation lines joined by ``\\n``) and its first line."""

    tag: str
    value: str
    line: int


@dataclass
class Statement:
    """The fields of one statement (one MT940 message or one MT942 interim report)."""

    start: int
    fields: list[Field] = field(default_factory=list)

    def first(self, *tags: str) -> Field | None:
        """The first field with one of ``tags``."""
        return next((f for f in self.fields if f.tag in tags), None)

    @property
    def account(self) -> Field:
        """The ``:25:`` field (checked present by :func:`scan_statements`)."""
        found = self.first("25", "25P")
        assert found is not None
        return found

    @property
    def interim(self) -> bool:
        """True for an MT942 interim report (floor limit and no opening balance)."""
        return self.first(*OPENING) is None and self.first("34F", "13D") is not None

    @property
    def currency(self) -> str:
        """Statement currency: of the opening balance, or of the MT942 floor limit."""
        opening = self.first(*OPENING)
        if opening is not None:
            match = _BALANCE.match(opening.value)
            assert match is not None
            return match["currency"]
        floor = self.first("34F")
        assert floor is not None
        match = _FLOOR.match(floor.value)
        assert match is not None
        return match["currency"]

    @property
    def number(self) -> str:
        """Statement/sequence number of ``:28C:`` (empty for MT942 without it)."""
        found = self.first("28C", "28")
        return found.value.strip() if found else ""


def decode(path: str, data: bytes, encoding: str | None = None) -> str:
    """Text of an MT940 file: ``encoding`` if given, else the shared fixed order of
    :func:`moneytrail.files.text.guess_encoding` (a BOM, UTF-8, CP1252, Latin-1).

    A NUL byte (without a UTF-16 mark) means a binary file; bytes a given encoding does not
    explain are refused.
    """
    if is_binary(data):
        raise _refuse(path, "file_binary")
    try:
        return decode_text(data, encoding)[0]
    except (UnicodeDecodeError, LookupError) as exc:
        raise _refuse(path, "encoding_invalid", detail=str(exc)) from exc


def scan_statements(path: str, text: str) -> list[Statement]:
    """The statements of ``text`` with located fields; refuses a file with a broken structure."""
    statements: list[Statement] = []
    current: Statement | None = None
    last: Field | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.rstrip()
        if line.startswith("{"):
            _, marker, rest = line.partition("{4:")
            if not marker or not rest.strip():
                last = None
                continue
            line = rest
        if line in ("-", "-}") or line.startswith("-}"):
            current, last = None, None
            continue
        match = _TAG.match(line)
        if match is None:
            if last is not None and line.strip():
                last.value += "\n" + line
            continue
        tag = match["tag"]
        if current is None or tag == "20":
            current = Statement(start=number)
            statements.append(current)
        last = Field(tag, match["value"], number)
        current.fields.append(last)
    if not statements:
        raise _refuse(path, "mt940_no_statement")
    for statement in statements:
        _check(path, statement)
    return statements


def _check(path: str, statement: Statement) -> None:
    """Refuse a statement whose mandatory fields are missing, repeated or unreadable."""
    groups = {"25": ("25", "25P"), "60F": OPENING, "62F": CLOSING, "34F": ("34F",)}
    for name, tags in groups.items():
        found = [f for f in statement.fields if f.tag in tags]
        if name != "34F" and len(found) > 1:
            raise _refuse(path, "mt940_field_repeated", found[1].line, found[1].tag)
    if statement.first("25", "25P") is None:
        raise _refuse(path, "mt940_field_missing", statement.start, "25")
    if not statement.interim:
        if statement.first(*OPENING) is None:
            raise _refuse(path, "mt940_field_missing", statement.start, "60F")
        if statement.first(*CLOSING) is None:
            raise _refuse(path, "mt940_closing_missing", statement.start, "62F")
    elif statement.first("34F") is None:  # an MT942 with a :13D: time but no floor limit
        raise _refuse(path, "mt940_field_missing", statement.start, "34F")
    for balance in statement.fields:
        if balance.tag in OPENING + CLOSING and not _BALANCE.match(balance.value):
            raise _refuse(path, "mt940_balance_invalid", balance.line, balance.tag, balance)
        if balance.tag == "34F" and not _FLOOR.match(balance.value):
            raise _refuse(path, "mt940_balance_invalid", balance.line, "34F", balance)


def _refuse(
    path: str,
    code: str,
    line: int | None = None,
    where: str | None = None,
    bad: Field | None = None,
    detail: str = "",
) -> BadInputError:
    problem = Problem(
        file=path,
        code=code,
        line=line,
        field=where,
        value=bad.value.splitlines()[0] if bad and bad.value else None,
        params={"detail": detail},
    )
    return BadInputError("error.file_refused", problems=[problem], file=path)
