"""``moneytrail.api.values``: the model's value rules, as a face reads them."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest

from moneytrail.api import values
from moneytrail.api.serialize import to_jsonable
from moneytrail.model import durations, identifiers, money


def test_durations_are_the_models() -> None:
    assert values.duration_days is durations.duration_days
    assert values.duration_days("2sem") == 14.0
    assert values.parse_duration("36h") == timedelta(hours=36)
    with pytest.raises(values.DurationError):
        values.duration_days("nan")


def test_amounts_and_identifiers_are_the_models() -> None:
    assert values.parse_amount is money.parse_amount
    assert values.normalise_msisdn is identifiers.normalise_msisdn
    amount = values.parse_amount("1 250 000,50", values.DecimalConvention.COMMA)
    assert amount == Decimal("1250000.50")
    assert to_jsonable({"amount": amount}, "fr") == {"amount": "1250000.50"}
    assert values.normalise_msisdn("07 07 12 34 56", "CI") == "+2250707123456"
    with pytest.raises(AttributeError):
        _ = values.nothing_here


def test_importing_the_values_costs_no_heavy_library() -> None:
    code = (
        "import sys, moneytrail.api.values; "
        "print([m for m in ('babel', 'phonenumbers', 'schwifty') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
