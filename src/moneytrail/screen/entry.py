"""The one shape every sanctions list is read into: :class:`SanctionsList` of :class:`ListEntry`.

Why one shape: UN, OFAC, UK, EU, custom and FtM lists all say the same things (names, dates of
birth, nationalities, identifiers, programmes) in different layouts. The matcher, the store
and the diff only ever see this shape, so a new list format is one small loader and nothing else.

Example::

    >>> e = ListEntry(entry_id="QDi.401", schema="Person", names=("Iyad Ag Ghali",))
    >>> e.primary_name
    'Iyad Ag Ghali'

Assumptions (documented in docs/screening.md):
- ``names`` keep the spelling and script of the source (Arabic stays Arabic); the primary name is
  first and duplicates are dropped, order otherwise kept.
- dates are ISO strings, possibly partial (``"1965"`` or ``"1965-03"``):
  lists often only know a year.
- countries and nationalities are ISO 3166 alpha-2 upper case; a name the country table does not
  know is dropped rather than guessed.
- control characters (NUL, ESC, DEL...) in any value are read as spaces; a name with no letter
  and no digit (``"???"``, ``"-"``) cannot be matched and is dropped; an entry left without a
  name, or with a name over :data:`MAX_NAME_CHARS` characters (an unclosed quote swallowing the
  rest of a CSV), refuses the file (:func:`check_screenable`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from moneytrail.errors import BadInputError, Problem
from moneytrail.model.memo import DiskMemo, memo_for

SCHEMAS = ("Person", "Organization", "Vessel", "Airplane", "LegalEntity")
# The longest name of the public lists has 324 characters (a UN entity); a name of thousands is a
# broken file (an unclosed quote) and would make every comparison with it slow.
MAX_NAME_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class ListEntry:
    """One listed person, organisation, vessel or aircraft, as the list states it."""

    entry_id: str
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    programs: tuple[str, ...] = ()
    listed_on: str | None = None
    remarks: str | None = None

    @property
    def primary_name(self) -> str:
        """The first (official) name of the entry; empty when the list gave none."""
        return self.names[0] if self.names else ""


@dataclass
class SanctionsList:
    """A whole list file: where it comes from, its date, and its entries in file order."""

    source: str
    entries: list[ListEntry] = field(default_factory=list)
    version: str | None = None
    published: date | None = None
    path: str | None = None
    fmt: str | None = None
    # 1-based line (or record) where each entry starts in its file, when the loader knows it:
    # refusals name it (``file:line: field: reason``).
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def by_id(self) -> dict[str, ListEntry]:
        """Entries keyed by ``entry_id`` (ids are unique within one list)."""
        return {e.entry_id: e for e in self.entries}


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Strip, read control characters as spaces, drop empty values and duplicates, keep
    first-seen order.

    >>> unique([" A ", "", None, "B", "A", "Iyad\\x00Ag  Ghali\\x7f"])
    ('A', 'B', 'Iyad Ag Ghali')
    """
    seen: dict[str, None] = {}
    for value in values:
        if value is None:
            continue
        text = " ".join(_CONTROL.sub(" ", str(value)).split())
        if text and text not in seen:
            seen[text] = None
    return tuple(seen)


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO2 (upper case) of a country name or code in any common spelling, ``None`` if unknown.

    Uses followthemoney's country table, which knows names like ``"Iran (Islamic Republic of)"``.

    >>> country_code("Mali"), country_code("Korea, North"), country_code("Atlantis")
    ('ML', 'KP', None)
    """
    if not name or not name.strip():
        return None
    text = name.strip()
    memo = _country_memo()
    known = memo.get(text)
    if known is not None:  # "" is a name nobody knows
        return str(known) or None
    from followthemoney import registry

    code = registry.country.clean(text)
    found = code.upper() if code else None
    memo.put(text, found or "")
    return found


@lru_cache(maxsize=1)
def _country_memo() -> DiskMemo:
    """Country names already read (the FtM/rigour territory table takes seconds to load)."""
    from importlib.metadata import version

    return memo_for("countries", version("followthemoney") + "-" + version("rigour"))


def country_codes(names: Iterable[str | None]) -> tuple[str, ...]:
    """:func:`country_code` of each name, unknown ones dropped, duplicates removed."""
    return unique(country_code(n) for n in names)


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DMY_TEXT = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_MY_TEXT = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{4})$")
_DMY_NUM = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# A spreadsheet's date cell reads as a date and time at midnight (files.cells.cell_text).
_MIDNIGHT = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(?::00(?:\.0+)?)?$")


def iso_partial(raw: str | None) -> str | None:
    """A list's date of birth as a possibly partial ISO date, ``None`` when not a date.

    Zeros mean "unknown" in UK and EU lists (``00/00/1980`` is the year 1980).

    >>> iso_partial("10 Dec 1948"), iso_partial("Mar 1965"), iso_partial("00/00/1980")
    ('1948-12-10', '1965-03', '1980')
    >>> iso_partial("circa 1970"), iso_partial("1924-02-21"), iso_partial("soon")
    ('1970', '1924-02-21', None)

    A date cell of a workbook reads as a date at midnight; it is that date (any other time of
    day is not a date of birth):

    >>> iso_partial("1970-03-01 00:00:00"), iso_partial("1970-03-01 08:30:00")
    ('1970-03-01', None)
    """
    if not raw:
        return None
    text = raw.strip().rstrip(".").strip()
    if m := _MIDNIGHT.match(text):
        text = m.group(1)
    text = re.sub(r"^(circa|approximately|about|c\.)\s+", "", text, flags=re.IGNORECASE)
    year: str | None = None
    month = day = 0
    if m := _DMY_TEXT.match(text):
        day, month, year = int(m.group(1)), _MONTHS.get(m.group(2).lower(), -1), m.group(3)
    elif m := _MY_TEXT.match(text):
        month, year = _MONTHS.get(m.group(1).lower(), -1), m.group(2)
    elif m := _DMY_NUM.match(text):
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
    elif m := _ISO.match(text):
        year, month, day = m.group(1), int(m.group(2) or 0), int(m.group(3) or 0)
    if year is None or month < 0 or month > 12 or day > 31 or not 1800 <= int(year) <= 2100:
        return None
    if month == 0:
        return year
    if day == 0:
        return f"{year}-{month:02d}"
    try:
        return date(int(year), month, day).isoformat()
    except ValueError:
        return f"{year}-{month:02d}"


def merge_duplicates(entries: list[ListEntry]) -> list[ListEntry]:
    """One entry per ``entry_id``: repeats of an id (the EU XML sample repeats entity 5468) are
    merged into the first one, values united, so a list never holds two entries with one id.

    >>> a = ListEntry("1", "Person", ("A",)); b = ListEntry("1", "Person", ("B",), ("1970",))
    >>> merge_duplicates([a, b])[0].names
    ('A', 'B')
    """
    merged: dict[str, ListEntry] = {}
    for entry in entries:
        first = merged.get(entry.entry_id)
        if first is None:
            merged[entry.entry_id] = entry
        elif first != entry:
            merged[entry.entry_id] = ListEntry(
                entry_id=first.entry_id,
                schema=first.schema,
                names=unique([*first.names, *entry.names]),
                birth_dates=unique([*first.birth_dates, *entry.birth_dates]),
                nationalities=unique([*first.nationalities, *entry.nationalities]),
                countries=unique([*first.countries, *entry.countries]),
                identifiers=tuple(dict.fromkeys([*first.identifiers, *entry.identifiers])),
                programs=unique([*first.programs, *entry.programs]),
                listed_on=first.listed_on or entry.listed_on,
                remarks=first.remarks or entry.remarks,
            )
    return list(merged.values())


def usable_name(name: str) -> bool:
    """Whether a name can be matched at all: it holds at least one letter or digit (any script).

    >>> usable_name("اياد اغ غالي"), usable_name("???"), usable_name("")
    (True, False, False)
    """
    return any(c.isalnum() for c in name)


def drop_unusable_names(entries: list[ListEntry]) -> list[ListEntry]:
    """Entries without the names that hold no letter or digit (they can never match)."""
    return [
        e
        if all(map(usable_name, e.names))
        else replace(e, names=tuple(filter(usable_name, e.names)))
        for e in entries
    ]


def check_screenable(sanctions: SanctionsList, file: str) -> None:
    """Refuse (``BadInputError``) a list that would silently clear people: one with no entry,
    an entry without id or without a usable name, or a name longer than :data:`MAX_NAME_CHARS`.

    Every such entry is named with its line, not just the first one.
    """
    problems: list[Problem] = []
    if not sanctions.entries:
        problems.append(Problem(file=file, code="list_no_entries"))
    for entry in sanctions.entries:
        line = sanctions.lines.get(entry.entry_id)
        too_long = [n for n in entry.names if len(n) > MAX_NAME_CHARS]
        if not entry.entry_id.strip():
            problems.append(Problem(file=file, code="field_missing", line=line, field="id"))
        elif too_long:
            problems.append(
                Problem(
                    file=file,
                    code="list_name_too_long",
                    line=line,
                    field="name",
                    value=entry.entry_id,
                    params={"length": len(too_long[0]), "max": MAX_NAME_CHARS},
                )
            )
        elif not any(usable_name(n) for n in entry.names):
            problems.append(
                Problem(
                    file=file,
                    code="list_entry_unnamed",
                    line=line,
                    field="name",
                    value=entry.entry_id,
                )
            )
    if problems:
        raise BadInputError("error.file_refused", problems=problems, file=file)
