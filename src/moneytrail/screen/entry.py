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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

SCHEMAS = ("Person", "Organization", "Vessel", "Airplane", "LegalEntity")


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

    def by_id(self) -> dict[str, ListEntry]:
        """Entries keyed by ``entry_id`` (ids are unique within one list)."""
        return {e.entry_id: e for e in self.entries}


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Strip, drop empty values and duplicates, keep first-seen order.

    >>> unique([" A ", "", None, "B", "A"])
    ('A', 'B')
    """
    seen: dict[str, None] = {}
    for value in values:
        if value is None:
            continue
        text = " ".join(str(value).split())
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
    from followthemoney import registry

    code = registry.country.clean(name.strip())
    return code.upper() if code else None


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


def iso_partial(raw: str | None) -> str | None:
    """A list's date of birth as a possibly partial ISO date, ``None`` when not a date.

    Zeros mean "unknown" in UK and EU lists (``00/00/1980`` is the year 1980).

    >>> iso_partial("10 Dec 1948"), iso_partial("Mar 1965"), iso_partial("00/00/1980")
    ('1948-12-10', '1965-03', '1980')
    >>> iso_partial("circa 1970"), iso_partial("1924-02-21"), iso_partial("soon")
    ('1970', '1924-02-21', None)
    """
    if not raw:
        return None
    text = raw.strip().rstrip(".").strip()
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
