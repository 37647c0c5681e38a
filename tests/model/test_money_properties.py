"""Property tests for amounts: both decimal conventions, thousands separators, minor units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
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


@settings(max_examples=60, deadline=None)
@example([(Decimal("123.45"), Decimal(1)), (Decimal("2e20"), Decimal(1)), (Decimal(7), None)])
@example([(Decimal("0.00000001"), Decimal("655.957")), (None, Decimal(1))])
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.none(),
                st.decimals(min_value=0, max_value=10**27 - 1, places=8, allow_nan=False),
            ),
            st.one_of(
                st.none(),
                st.just(Decimal(1)),
                st.decimals(min_value=0, max_value=10**6, places=12, allow_nan=False),
            ),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_reporting_amount_shortcut_for_a_rate_of_one_changes_no_value(
    pairs: list[tuple[Decimal | None, Decimal | None]],
) -> None:
    """Decision 0154: ``reporting_amount_sql`` returns the amount itself for a rate of exactly 1
    (what the exact product gives below 10^15; above, where the product went through a double,
    now the exact amount); for any other rate or a NULL, what it gave without the shortcut."""
    from moneytrail.model.money import AMOUNT_SQL_TYPE, reporting_amount_sql
    from tests.model.sql_twins import engine

    without = (
        f"CASE WHEN abs(a) < 1e15 THEN CAST(a * r AS {AMOUNT_SQL_TYPE})"
        f" ELSE CAST(CAST(a AS DOUBLE) * CAST(r AS DOUBLE) AS {AMOUNT_SQL_TYPE}) END"
    )
    rows = engine().fetchall(
        f"SELECT {reporting_amount_sql('a', 'r')}, {without} FROM (SELECT"
        f" CAST(unnest(CAST($1 AS VARCHAR[])) AS {AMOUNT_SQL_TYPE}) AS a,"
        " CAST(unnest(CAST($2 AS VARCHAR[])) AS DECIMAL(38, 12)) AS r)",
        [[_text(a) for a, _ in pairs], [_text(r) for _, r in pairs]],
    )
    assert len(rows) == len(pairs)
    for (amount, rate), (shortcut, plain) in zip(pairs, rows, strict=True):
        if rate == 1:  # the amount itself, exact even past 10^15 (the double path rounded it)
            assert shortcut == amount
        else:
            assert shortcut == plain


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
