"""Value types a face reads from what a user typed, re-exported from :mod:`moneytrail.model`.

A face (the CLI, the web workbench) parses a window, an amount or a wallet number with the same
rule as the library and the ingest, so that ``--window 30j`` means what a rule parameter
``30j`` means. The duration parsers are plain Python; the amount and identifier rules load Babel
and libphonenumber, so they are resolved on first use (``moneytrail --help`` stays fast).

Example::

    from moneytrail.api.values import DurationError, duration_days

    days = duration_days("36h")  # 1.5
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from moneytrail.files.cells import FORMULA_STARTS, escape_cell
from moneytrail.model.durations import (
    DurationError,
    duration_days,
    format_duration,
    parse_duration,
)

if TYPE_CHECKING:  # pragma: no cover - names for the type checker, loaded lazily at run time
    from moneytrail.model.identifiers import IdentifierError, normalise_iban, normalise_msisdn
    from moneytrail.model.money import (
        AmountError,
        DecimalConvention,
        parse_amount,
        storable_amount,
    )

_LAZY = {
    "AmountError": "moneytrail.model.money",
    "DecimalConvention": "moneytrail.model.money",
    "parse_amount": "moneytrail.model.money",
    "storable_amount": "moneytrail.model.money",
    "IdentifierError": "moneytrail.model.identifiers",
    "normalise_iban": "moneytrail.model.identifiers",
    "normalise_msisdn": "moneytrail.model.identifiers",
}

__all__ = [
    "FORMULA_STARTS",
    "AmountError",
    "DecimalConvention",
    "DurationError",
    "IdentifierError",
    "duration_days",
    "escape_cell",
    "format_duration",
    "normalise_iban",
    "normalise_msisdn",
    "parse_amount",
    "parse_duration",
    "storable_amount",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api.values' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
