"""Amounts and dates the way the reader's language writes them.

French: ``1 250 000 XOF`` (narrow no-break spaces, decimal comma) and ``6 décembre 2026 à
11:25 UTC``; English: ``1,250,000 XOF`` and ``2026-12-06 11:25 UTC``. Every time in a case is
UTC (a time without an offset is UTC by the workspace's rule). A bank statement gives a
booking *date*: a time of exactly midnight is shown as the date alone, so that the report
does not claim a precision the source never had.

Example::

    money("1250000.00000000", "XOF", "fr")   # "1 250 000 XOF" (U+202F between groups)
    when("2026-12-06T11:25:03+00:00", "fr")  # "6 décembre 2026 à 11:25 UTC"
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from moneytrail.model.display import THIN_SPACE, format_amount

__all__ = ["NBSP", "THIN_SPACE", "day", "money", "number", "parse_time", "percent", "when"]

NBSP = "\u00a0"


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (``None`` when it is not one)."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def when(text: str | None, lang: str) -> str:
    """A time of the case, or the text as given when it is not a time."""
    if not text:
        return ""
    value = parse_time(text)
    if value is None:
        return text
    midnight = (value.hour, value.minute, value.second) == (0, 0, 0)
    if lang == "fr":
        from babel.dates import format_date

        shown = format_date(value.date(), "d MMMM y", locale="fr")
        return shown if midnight else f"{shown} à {value:%H:%M} UTC"
    return f"{value:%Y-%m-%d}" if midnight else f"{value:%Y-%m-%d %H:%M} UTC"


def day(text: str | None, lang: str) -> str:
    """The date alone."""
    value = parse_time(text or "")
    if value is None:
        return text or ""
    if lang == "fr":
        from babel.dates import format_date

        return format_date(value.date(), "d MMMM y", locale="fr")
    return f"{value:%Y-%m-%d}"


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: object, lang: str) -> str:
    """An amount without its currency (``1 250 000``); the text as given if not a number."""
    parsed = _decimal(value)
    return str(value) if parsed is None or not parsed.is_finite() else format_amount(parsed, lang)


def money(value: object, currency: str | None, lang: str) -> str:
    """An amount and its currency, never split across lines (``1 250 000 XOF``)."""
    shown = number(value, lang)
    return f"{shown}{NBSP}{currency}" if currency else shown


def percent(share: object, lang: str) -> str:
    """A share (``0.8966``) as a percentage: ``89,7 %`` (fr) or ``89.7%`` (en)."""
    parsed = _decimal(share)
    if parsed is None or not parsed.is_finite():
        return str(share)
    shown = f"{parsed * 100:.1f}"
    return shown.replace(".", ",") + f"{NBSP}%" if lang == "fr" else f"{shown}%"
