"""Property tests for amounts: both decimal conventions, thousands separators, minor units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.model.money import (
    AmountError,
    DecimalConvention,
    check_minor_units,
    detect_decimal_convention,
    minor_units,
    normalise_currency,
    parse_amount,
)

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


def write(value: Decimal, convention: DecimalConvention, thousands: str) -> str:
    """Write ``value`` the way a bank export of that convention would."""
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    mark = "," if convention is DecimalConvention.COMMA else "."
    return sign + thousands.join(groups) + mark + frac


@given(amounts, st.sampled_from(["", " ", "\u00a0", "\u202f"]))
def test_french_amounts_round_trip(value: Decimal, thousands: str) -> None:
    text = write(value, DecimalConvention.COMMA, thousands)
    assert parse_amount(text, DecimalConvention.COMMA) == value


@given(amounts, st.sampled_from(["", ",", " "]))
def test_english_amounts_round_trip(value: Decimal, thousands: str) -> None:
    text = write(value, DecimalConvention.POINT, thousands)
    assert parse_amount(text, DecimalConvention.POINT) == value


@given(st.lists(amounts.filter(lambda d: d != d.to_integral_value()), min_size=1, max_size=20))
def test_detection_finds_the_convention_when_decimals_are_present(values: list[Decimal]) -> None:
    french = [write(v, DecimalConvention.COMMA, " ") for v in values]
    english = [write(v, DecimalConvention.POINT, ",") for v in values]
    assert detect_decimal_convention(french) is DecimalConvention.COMMA
    assert detect_decimal_convention(english) is DecimalConvention.POINT


@given(st.text(alphabet="abcxyz!?%", min_size=1, max_size=8))
def test_letters_are_never_an_amount(text: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, DecimalConvention.COMMA)


def test_ambiguous_sample_decides_nothing() -> None:
    assert detect_decimal_convention(["1,234", "5,678"]) is None


def test_debit_marks_and_parentheses() -> None:
    assert parse_amount("150,00-", DecimalConvention.COMMA) == Decimal("-150.00")
    assert parse_amount("(1,500.00)") == Decimal("-1500.00")


@given(st.integers(min_value=0, max_value=10**12))
def test_xof_has_no_minor_unit(units: int) -> None:
    check_minor_units(Decimal(units), "XOF")
    check_minor_units(Decimal(f"{units}.00"), "XOF")
    with pytest.raises(AmountError):
        check_minor_units(Decimal(units) + Decimal("0.5"), "XOF")


def test_minor_units_of_known_currencies() -> None:
    assert (minor_units("XOF"), minor_units("EUR"), minor_units("BHD")) == (0, 2, 3)
    assert normalise_currency("FCFA") == "XOF"
    with pytest.raises(AmountError):
        normalise_currency("ZZZ")
