"""Numbers typed on the command line, checked once with a message in the user's language.

Why: ``float("nan")`` and ``float("inf")`` are valid Python floats, so ``--window nan`` or
``--threshold inf`` used to pass the option parser and then silently change results (or crash
deep in an analytic). Every numeric option of the CLI is parsed by one of these parsers: a
finite number inside documented bounds, else a usage error (exit 2) that names the option, the
value and what is expected, in French or English. The same bounds are enforced again by the
library's typed settings for callers that do not come through the CLI.

Example::

    hops: Annotated[int, typer.Option("--hops", parser=count("--hops", 1, 1000))] = 6
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from moneytrail.api import UsageError


def parse_number(
    value: Any,
    option: str,
    *,
    integer: bool,
    low: float,
    high: float,
    low_open: bool = False,
) -> float:
    """``value`` (text or number) as a finite number in the range, else a :class:`UsageError`."""
    number = _number(value, integer)
    if number is None or not _inside(number, low, high, low_open):
        key = "error.option_integer" if integer else "error.option_number"
        shown_low = ("]" if low_open else "[") + _show(low)
        raise UsageError(
            key, option=option, value=str(value), low=shown_low, high=_show(high) + "]"
        )
    return number


def _inside(number: float, low: float, high: float, low_open: bool) -> bool:
    above = number > low if low_open else number >= low
    return math.isfinite(number) and above and number <= high


def _number(value: Any, integer: bool) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if integer and isinstance(value, float) and not value.is_integer():
            return None
        return value
    cleaned = str(value).strip().replace(" ", "").replace("\u202f", "").replace("_", "")
    if integer:
        return int(cleaned) if cleaned.lstrip("+-").isdigit() else None
    try:
        parsed = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None
    return float(parsed) if parsed.is_finite() else None


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def count(option: str, low: int, high: int) -> Callable[[Any], int]:
    """Parser of a whole number in ``[low, high]`` (hops, limits, sizes, seeds)."""

    def parse(value: Any) -> int:
        return int(parse_number(value, option, integer=True, low=low, high=high))

    return parse


def fraction(option: str) -> Callable[[Any], float]:
    """Parser of a share or a probability: a finite number in ``[0, 1]`` (0.8, not 80)."""

    def parse(value: Any) -> float:
        return parse_number(value, option, integer=False, low=0.0, high=1.0)

    return parse


def positive(option: str, high: float) -> Callable[[Any], float]:
    """Parser of a finite number above 0 and at most ``high`` (days, rates)."""

    def parse(value: Any) -> float:
        return parse_number(value, option, integer=False, low=0.0, high=high, low_open=True)

    return parse
