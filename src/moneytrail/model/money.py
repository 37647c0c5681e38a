"""Exact, currency-aware money.

Amounts are :class:`decimal.Decimal`, never floats. Each currency has a number of minor units
(ISO 4217, from Babel's CLDR data): XOF and XAF have none, EUR has two, so "1 500,50 XOF" is refused
while "1 500,00 XOF" is 1500. The workspace stores amounts as ``DECIMAL(38, 8)`` so that crypto
amounts (8 decimals) stay exact too.

Amount text comes in two conventions, and both are everywhere in the Sahel: French
"1 234 567,50" (comma decimal, space/dot/nbsp thousands) and English "1,234,567.50".
:func:`parse_amount` takes an explicit convention; :func:`detect_decimal_convention` chooses one
from a sample of a column, preferring evidence that cannot be read two ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

AMOUNT_SQL_TYPE = "DECIMAL(38, 8)"
AMOUNT_SCALE = 8
# The CFA franc is pegged: 1 EUR = 655.957 XOF (and XAF), fixed by treaty since 1999.
EUR_XOF_PEG = Decimal("655.957")

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$|^[+-]?\d+(,\d+)?$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+-]?\d+(\.\d+)?$")


class DecimalConvention(StrEnum):
    """Which character separates the decimals: ``comma`` (French) or ``point`` (English)."""

    COMMA = "comma"
    POINT = "point"


class AmountError(ValueError):
    """Text that is not an amount in the given convention; ``code`` is an i18n problem key."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text!r}")
        self.code = code
        self.text = text


def parse_amount(text: str, convention: DecimalConvention = DecimalConvention.POINT) -> Decimal:
    """Parse ``text`` as an exact amount.

    Accepts thousands separators (space, no-break space, narrow no-break space, apostrophe, and the
    other convention's mark in groups of three), a leading sign, a trailing minus ("150,00-" as
    some bank exports write debits) and parentheses for negatives.

    >>> parse_amount("1 234 567,50", DecimalConvention.COMMA)
    Decimal('1234567.50')
    """
    raw = text.strip()
    if not raw:
        raise AmountError("amount_empty", text)
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1].strip()
    if raw.endswith("-") and not raw.startswith("-"):
        negative, raw = True, raw[:-1].strip()
    compact = _SPACES.sub("", raw)
    if convention is DecimalConvention.COMMA:
        if not _COMMA_DECIMAL.match(compact):
            raise AmountError("amount_not_number", text)
        normal = compact.replace(".", "").replace(",", ".")
    else:
        if not _POINT_DECIMAL.match(compact):
            raise AmountError("amount_not_number", text)
        normal = compact.replace(",", "")
    try:
        value = Decimal(normal)
    except InvalidOperation as exc:  # pragma: no cover - the regexes only admit numbers
        raise AmountError("amount_not_number", text) from exc
    if not value.is_finite():
        raise AmountError("amount_not_number", text)
    return -value if negative else value


def detect_decimal_convention(samples: Iterable[str]) -> DecimalConvention | None:
    """Choose the convention that reads every non-empty sample; ``None`` if no sample decides.

    A value such as "1,234" is ambiguous (1.234 or 1234); values such as "12,50" or "1.234,56"
    are not. When both conventions read every sample, the one with unambiguous evidence wins; with
    no evidence at all, ``None`` lets the caller fall back on the mapping or on the point.
    """
    comma_ok = point_ok = True
    comma_evidence = point_evidence = 0
    for text in samples:
        compact = _SPACES.sub("", text.strip()).lstrip("(").rstrip(")-")
        if not compact:
            continue
        c = bool(_COMMA_DECIMAL.match(compact))
        p = bool(_POINT_DECIMAL.match(compact))
        comma_ok &= c
        point_ok &= p
        if c and not p:
            comma_evidence += 1
        elif p and not c:
            point_evidence += 1
        elif c and p and ("," in compact) != ("." in compact):
            # "1,234" or "1.234": one mark, three digits after it. Only a decimal part of
            # other than three digits would decide, so this sample decides nothing.
            tail = re.split(r"[.,]", compact)[-1]
            if len(tail) != 3:
                comma_evidence += "," in compact
                point_evidence += "." in compact
    if comma_ok and not point_ok:
        return DecimalConvention.COMMA
    if point_ok and not comma_ok:
        return DecimalConvention.POINT
    if comma_ok and point_ok:
        if comma_evidence > point_evidence:
            return DecimalConvention.COMMA
        if point_evidence > comma_evidence:
            return DecimalConvention.POINT
    return None


# ISO 4217 has no code for bitcoin; "XBT" is the de-facto code (X prefix = outside any country,
# as ISO reserves for supranational units), with 8 decimals (1 satoshi = 0.00000001 XBT).
CRYPTO_MINOR_UNITS: dict[str, int] = {"XBT": 8}


@cache
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes known to CLDR (upper case), plus the crypto codes of CRYPTO_MINOR_UNITS."""
    return frozenset(code.upper() for code in list_currencies()) | frozenset(CRYPTO_MINOR_UNITS)


def minor_units(currency: str) -> int:
    """Number of decimals the currency allows (XOF: 0, EUR: 2, BHD: 3).

    Babel's CLDR data says XOF/XAF have precision 0. Unknown codes raise ``KeyError``.
    """
    code = currency.upper()
    if code not in known_currencies():
        raise KeyError(code)
    if code in CRYPTO_MINOR_UNITS:
        return CRYPTO_MINOR_UNITS[code]
    return int(get_currency_precision(code))


def check_minor_units(amount: Decimal, currency: str) -> None:
    """Refuse an amount with more decimals than its currency allows (trailing zeros are fine).

    Raises :class:`AmountError` with ``amount_too_precise``; "1500.00 XOF" passes.
    """
    exponent = amount.normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if decimals > minor_units(currency):
        raise AmountError("amount_too_precise", str(amount))


def normalise_currency(text: str) -> str:
    """Upper-case ISO code; accepts common local spellings of the CFA franc ("FCFA", "CFA")."""
    code = text.strip().upper()
    if code in {"FCFA", "F CFA", "CFA", "F.CFA", "XOF/FCFA"}:
        return "XOF"
    if code not in known_currencies():
        raise AmountError("currency_unknown", text)
    return code
