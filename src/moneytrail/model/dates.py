"""Dates and timestamps: detection of the format of a column, parsing, UTC.

Every timestamp in the workspace is UTC (stored as ``TIMESTAMP`` meaning UTC). Input without an
offset is read in the source's time zone (default ``UTC``; Mali, Burkina, Senegal, Guinea and
Mauritania are UTC+0 all year, Niger and Nigeria UTC+1), given by the mapping or ``--timezone``.

Day-first is tried before month-first: "03/04/2024" is the 3rd of April, as written in the whole
francophone region, unless another sample (such as "04/23/2024") proves the column month-first.
The format strings are the C ``strptime`` codes shared by Python and DuckDB, so one detected format
drives both the Python readers and the SQL readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Order matters: day-first before month-first, longer (with time) before shorter.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%Y%m%d%H%M%S",
    "%Y%m%d",
)

# Dates outside this range are refused as impossible for financial records in this tool.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2100, 1, 1)


class DateError(ValueError):
    """Text that is not a date/time in the given format; ``code`` is an i18n problem key."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def detect_date_format(samples: Iterable[str]) -> str | None:
    """The first format of :data:`DATE_FORMATS` that reads every non-empty sample, or ``None``."""
    values = [s.strip() for s in samples if s and s.strip()]
    if not values:
        return None
    for fmt in DATE_FORMATS:
        try:
            for value in values:
                datetime.strptime(value, fmt)
        except ValueError:
            continue
        return fmt
    return None


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; :class:`DateError` ``timezone_unknown`` if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DateError("timezone_unknown", name) from exc


def parse_timestamp(text: str, fmt: str | None = None, tz: str = "UTC") -> datetime:
    """Parse ``text`` to a naive UTC datetime.

    With ``fmt`` the text must match it; without, ISO 8601 (with an optional offset) is expected.
    A value without offset is local time in ``tz``. Years outside 1900-2099 are refused.

    >>> parse_timestamp("31/01/2024 10:00", "%d/%m/%Y %H:%M", "Africa/Niamey")
    datetime.datetime(2024, 1, 31, 9, 0)
    """
    raw = text.strip()
    if not raw:
        raise DateError("date_empty", text)
    try:
        if fmt is None:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        else:
            value = datetime.strptime(raw, fmt)
    except ValueError as exc:
        raise DateError("date_invalid", text) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    try:
        utc = value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError as exc:  # year 1 or 9999 pushed past the calendar by the offset
        raise DateError("date_out_of_range", text) from exc
    if not EARLIEST <= utc < LATEST:
        raise DateError("date_out_of_range", text)
    return utc


def parse_date(text: str, fmt: str | None = None) -> date:
    """Parse a calendar date (no time zone conversion: a booking date is a date)."""
    raw = text.strip()
    if not raw:
        raise DateError("date_empty", text)
    try:
        value = date.fromisoformat(raw) if fmt is None else datetime.strptime(raw, fmt).date()
    except ValueError as exc:
        raise DateError("date_invalid", text) from exc
    if not EARLIEST.date() <= value < LATEST.date():
        raise DateError("date_out_of_range", text)
    return value
