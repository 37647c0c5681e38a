"""Property tests for dates: detection (day-first before month-first), parsing, UTC."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moneytrail.model.dates import DateError, detect_date_format, parse_timestamp

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31))


@given(st.lists(moments, min_size=1, max_size=15))
def test_day_first_is_preferred_and_round_trips(values: list[datetime]) -> None:
    texts = [v.strftime("%d/%m/%Y %H:%M") for v in values]
    fmt = detect_date_format(texts)
    assert fmt is not None
    parsed = [parse_timestamp(t, fmt) for t in texts]
    if any(v.day > 12 for v in values) or all(v.day == v.month for v in values):
        assert parsed == [v.replace(second=0, microsecond=0) for v in values]
    else:  # every sample is ambiguous: day-first must still win
        assert fmt.startswith("%d/%m")


@given(moments)
def test_iso_with_offset_becomes_utc(value: datetime) -> None:
    text = value.replace(microsecond=0).isoformat() + "+01:00"
    assert parse_timestamp(text) == value.replace(microsecond=0) - timedelta(hours=1)


def test_month_first_only_when_a_sample_proves_it() -> None:
    assert detect_date_format(["03/04/2024", "04/23/2024"]) == "%m/%d/%Y"
    assert detect_date_format(["03/04/2024", "23/04/2024"]) == "%d/%m/%Y"


def test_local_time_of_niamey_is_shifted_to_utc() -> None:
    assert parse_timestamp("31/01/2024 10:00", "%d/%m/%Y %H:%M", "Africa/Niamey") == datetime(
        2024, 1, 31, 9, 0
    )


@pytest.mark.parametrize("text", ["31/02/2024", "00/01/2024", "2024-13-01", "29/02/2023"])
def test_impossible_dates_are_refused(text: str) -> None:
    fmt = "%Y-%m-%d" if "-" in text else "%d/%m/%Y"
    with pytest.raises(DateError) as err:
        parse_timestamp(text, fmt)
    assert err.value.code == "date_invalid"


def test_out_of_range_and_unknown_zone() -> None:
    with pytest.raises(DateError) as err:
        parse_timestamp("1850-01-01T00:00:00")
    assert err.value.code == "date_out_of_range"
    with pytest.raises(DateError) as err:
        parse_timestamp("2024-01-01T00:00:00", None, "Mars/Olympus")
    assert err.value.code == "timezone_unknown"
