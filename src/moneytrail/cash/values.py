"""Cell values of the cash and hawala templates: times, amounts, countries, coded words.

Each parser raises :class:`CellError` with an i18n problem code (``problem.<code>``) and a
detail, which the readers send to quarantine as ``file:line: field: reason``.

>>> parse_country("Sénégal")
'SN'
>>> parse_money("1 500 000")
Decimal('1500000')
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache

from moneytrail.cash.table import header_key
from moneytrail.model.dates import DATE_FORMATS, DateError, parse_timestamp
from moneytrail.model.money import (
    AmountError,
    DecimalConvention,
    check_minor_units,
    detect_decimal_convention,
    normalise_currency,
    storable_amount,
)


class CellError(ValueError):
    """A cell that cannot be read: ``code`` is an i18n key under ``problem.``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def parse_when(text: str, tz: str = "UTC") -> datetime:
    """A timestamp in ISO 8601 or one of the usual day-first forms (``31/01/2024 10:00``)."""
    for fmt in (None, *DATE_FORMATS):
        try:
            return parse_timestamp(text, fmt, tz)
        except DateError as exc:
            if exc.code in {"date_out_of_range", "timezone_unknown", "date_empty"}:
                raise CellError(exc.code) from exc
    raise CellError("date_invalid")


def parse_money(text: str, currency: str | None = None) -> Decimal:
    """A non-negative exact amount; decimal comma or point guessed from the text itself.

    With ``currency``, more decimals than it allows are refused (``amount_too_precise``).
    """
    convention = detect_decimal_convention([text]) or DecimalConvention.POINT
    try:
        value = storable_amount(text, convention)
    except AmountError as exc:
        raise CellError(exc.code) from exc
    if value < 0:
        raise CellError("amount_negative")
    if currency is not None:
        try:
            check_minor_units(value, currency)
        except (AmountError, ValueError) as exc:
            raise CellError("amount_too_precise", currency) from exc
    return value


def parse_currency(text: str) -> str:
    """ISO 4217 code (``FCFA`` is XOF); the commit step refuses codes it does not know."""
    try:
        return normalise_currency(text)
    except AmountError as exc:
        raise CellError("currency_unknown") from exc


@cache
def _country_names() -> dict[str, str]:
    """Comparable country name (French and English, from CLDR via babel) -> ISO alpha-2."""
    from babel import Locale

    names: dict[str, str] = {}
    for lang in ("fr", "en"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(header_key(name), code)
    return names


def parse_country(text: str) -> str:
    """ISO alpha-2 from a code (``ML``, ``MLI``) or a French/English name (``Côte d'Ivoire``)."""
    import pycountry

    raw = text.strip()
    if len(raw) in (2, 3) and raw.isalpha():
        code_upper = raw.upper()
        if len(raw) == 2:
            found = pycountry.countries.get(alpha_2=code_upper)
        else:
            found = pycountry.countries.get(alpha_3=code_upper)
        if found is not None:
            return str(found.alpha_2)
    code = _country_names().get(header_key(raw))
    if code is None:
        raise CellError("country_unknown")
    return code
