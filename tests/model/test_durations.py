"""Durations: one reader for rule parameters and ``--window``, in English and French units."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.model.durations import (
    UNITS,
    DurationError,
    duration_days,
    format_duration,
    parse_duration,
)

SAME = [("w", "sem"), ("d", "j"), ("m", "min")]


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from(sorted(UNITS)))
def test_a_duration_survives_its_text(n: int, unit: str) -> None:
    value = parse_duration(f"{n}{unit}")
    assert value == n * UNITS[unit]
    assert parse_duration(format_duration(value)) == value


@given(
    st.integers(min_value=0, max_value=10_000), st.sampled_from(SAME), st.sampled_from(["", " "])
)
def test_french_and_english_units_agree(n: int, units: tuple[str, str], space: str) -> None:
    english, french = units
    assert parse_duration(f"{n}{space}{english}") == parse_duration(f" {n}{french.upper()} ")


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=9))
def test_decimals_with_a_point_or_a_comma(whole: int, tenth: int) -> None:
    assert parse_duration(f"{whole}.{tenth}j") == parse_duration(f"{whole},{tenth}d")
    assert duration_days(f"{whole}.{tenth}") == pytest.approx(whole + tenth / 10)


def test_a_plain_number_has_a_unit_only_where_the_caller_says() -> None:
    assert duration_days("30") == duration_days("30j") == duration_days("720h") == 30.0
    assert parse_duration("2", plain_unit="w") == timedelta(weeks=2)
    with pytest.raises(DurationError, match="7d, 36h or 30m"):
        parse_duration("7")


@pytest.mark.parametrize(
    "text",
    ["", "d", "3 jours", "7 days", "-1d", "1e3d", "nan", "inf", "1.d", ".5d", "1,5,0j", "9" * 30],
)
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        duration_days(text)
    assert caught.value.code == "duration_invalid"
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError still work
