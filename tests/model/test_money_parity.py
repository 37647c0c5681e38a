"""Python and SQL read amounts alike: ``storable_amount`` and ``amount_sql`` agree on every text,
NULL in SQL exactly where Python refuses."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from moneytrail.model.money import (
    AMOUNT_LIMIT,
    AmountError,
    DecimalConvention,
    amount_grammar,
    amount_sql,
    parse_amount,
    storable_amount,
)
from tests.model.sql_twins import python_or_none, run_sql

CONVENTIONS = st.sampled_from(list(DecimalConvention))
BLANKISH = [" ", "\u00a0", "\u202f", "\u2009", "\t", "\x0b", "\u3000", "'", "_"]

# Characters of amount text and of the usual ways it goes wrong (exponents, other digits).
AMOUNT_ALPHABET = "0123456789" * 3 + ",.-+()eE" + "".join(BLANKISH) + "x\u0663\uff11"
noise = st.text(alphabet=AMOUNT_ALPHABET, max_size=24)


@st.composite
def written(draw: st.DrawFn, convention: DecimalConvention) -> str:
    """Text the grammar admits, with blanks slipped anywhere (most of it is an amount)."""
    compact = draw(st.from_regex(amount_grammar(convention), fullmatch=True))
    pieces = []
    for char in compact:
        pieces.append(draw(st.sampled_from(["", "", "", *BLANKISH])))
        pieces.append(char)
    return "".join(pieces) + draw(st.sampled_from(["", " ", "\t"]))


@st.composite
def bank_written(draw: st.DrawFn, convention: DecimalConvention) -> str:
    """An exact decimal as a bank export writes it (groups, sign form, decimals, magnitude)."""
    places = draw(st.integers(min_value=0, max_value=11))
    units = draw(st.integers(min_value=0, max_value=10**31))
    value = Decimal(units).scaleb(-places)
    whole, _, frac = f"{value:f}".partition(".")
    group = draw(st.sampled_from(["", convention.group, " ", "\u202f"]))
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    number = group.join(groups) + (convention.mark + frac if frac else "")
    form = draw(st.sampled_from(["{}", "-{}", "+{}", "({})", "{}-", "- {}"]))
    return form.format(number)


def assert_agree(texts: list[str], convention: DecimalConvention) -> None:
    sql = run_sql(lambda t: amount_sql(t, convention), texts)
    for text, got in zip(texts, sql, strict=True):
        expected = python_or_none(lambda x: storable_amount(x, convention), text, AmountError)
        assert got == expected, (text, got, expected)


@given(CONVENTIONS, st.lists(noise, max_size=40))
@example(DecimalConvention.POINT, ["1e5", "1E5", ".5", "5.", "+.5", "1_000", "0x10", "-0"])
@example(DecimalConvention.COMMA, ["1.5", "12,5", "1.2.3,5", "1 234,5", "1,5e3", "(5)'", "5'-"])
@example(DecimalConvention.POINT, ["12,5", "1,23", "1,234.5", "(1,500.00)", "150.00-", "(-5)"])
@example(DecimalConvention.POINT, ["0.123456789", "0.123456780", "1" + "0" * 27, "9" * 27])
@example(DecimalConvention.POINT, ["\u0663", "\uff11", "\t5\t", "5\x0b", "\x1c5", ""])
def test_sql_and_python_agree_on_any_text(convention: DecimalConvention, texts: list[str]) -> None:
    assert_agree(texts, convention)


@given(CONVENTIONS, st.data())
def test_sql_and_python_agree_on_what_the_grammar_admits(
    convention: DecimalConvention, data: st.DataObject
) -> None:
    texts = data.draw(st.lists(written(convention), min_size=1, max_size=40))
    assert_agree(texts, convention)


@given(CONVENTIONS, st.data())
def test_sql_and_python_agree_on_bank_exports(
    convention: DecimalConvention, data: st.DataObject
) -> None:
    texts = data.draw(st.lists(bank_written(convention), min_size=1, max_size=40))
    assert_agree(texts, convention)


@given(CONVENTIONS, st.text(max_size=12))
def test_any_unicode_text_is_refused_alike(convention: DecimalConvention, text: str) -> None:
    assert_agree([text.replace("\x00", "")], convention)


def test_the_refusals_have_their_reasons() -> None:
    assert storable_amount("1.5000000000") == Decimal("1.5")
    for text, code in [
        ("", "amount_empty"),
        (" \u202f", "amount_empty"),
        ("1e5", "amount_not_number"),
        ("12,5", "amount_not_number"),
        ("1" + "0" * 27, "amount_too_large"),
        ("0.123456789", "amount_not_storable"),
    ]:
        try:
            storable_amount(text)
        except AmountError as exc:
            assert exc.code == code, text
        else:
            raise AssertionError(text)


@given(st.decimals(min_value=-AMOUNT_LIMIT + 1, max_value=AMOUNT_LIMIT - 1, places=8))
def test_every_storable_decimal_round_trips(value: Decimal) -> None:
    text = f"{value:f}"
    assert parse_amount(text) == value
    assert run_sql(lambda t: amount_sql(t, DecimalConvention.POINT), [text]) == [value]


def test_the_grammar_is_one_regular_expression_for_both_engines() -> None:
    # RE2 (DuckDB) and Python's re read the same pattern: no look-around, no back-reference.
    for convention in DecimalConvention:
        for storable in (False, True):
            pattern = amount_grammar(convention, storable=storable)
            assert not re.search(r"\(\?[=!<]|\\[1-9]", pattern)
