"""goAML reports written from a case: the evidence's transactions, their accounts and
parties, read from the workspace and written as a report a profile validates.

The package reads the workspace (``inputs``) and writes XML (``write``); it knows nothing of
the case store: :mod:`moneytrail.api.goaml_write` turns a case into the transactions to read.
"""

from __future__ import annotations

from moneytrail.goaml.inputs import (
    AccountRow,
    PartyRow,
    ReportHeader,
    ReportInput,
    TransactionRow,
    report_input,
)
from moneytrail.goaml.write import build_report, check_report, input_problems

__all__ = [
    "AccountRow",
    "PartyRow",
    "ReportHeader",
    "ReportInput",
    "TransactionRow",
    "build_report",
    "check_report",
    "input_problems",
    "report_input",
]
