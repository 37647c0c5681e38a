"""Parameter values: money stays exact, durations survive the trip through the explanation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.detect.rules.runner import format_duration
from moneytrail.detect.rules.spec import parse_value


@given(st.integers(min_value=0, max_value=10**15))
def test_money_is_exact_whatever_the_thousands_separator(n: int) -> None:
    for text in (str(n), f"{n:,}".replace(",", " "), f"{n:,}".replace(",", "_")):
        value = parse_value("money", text)
        assert isinstance(value, Decimal) and value == n


@given(st.integers(min_value=1, max_value=100_000), st.sampled_from(["d", "h", "m", "w", "s"]))
def test_durations_round_trip_through_their_text(n: int, unit: str) -> None:
    value = parse_value("duration", f"{n}{unit}")
    assert parse_value("duration", format_duration(value)) == value


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("money", 1.5),
        ("money", "-5"),
        ("money", "abc"),
        ("integer", "2.5"),
        ("duration", "7"),
        ("duration", "3 jours"),
        ("list", {"a": 1}),
        ("money", True),
    ],
)
def test_bad_values_are_refused_with_a_reason(kind: str, raw: object) -> None:
    with pytest.raises(ValueError, match=r"."):
        parse_value(kind, raw)  # type: ignore[arg-type]


def test_lists_are_lower_case_words() -> None:
    assert parse_value("list", "LY, ne,,") == ["ly", "ne"]
    assert parse_value("list", ["KP", 7]) == ["kp", "7"]
    assert parse_value("number", 0.5) == 0.5
