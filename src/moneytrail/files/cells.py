"""Spreadsheet cells: written so they cannot run (:func:`escape_cell`), read as typed
(:func:`cell_text`).

Why: a party's name or a bank reference comes from the data, which a suspect may have written.
A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula when the file is opened
(``=HYPERLINK("http://…")`` sends the analyst's data away). Such a cell is written with a
leading single quote, which spreadsheets show as text (OWASP, "CSV injection").

>>> escape_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> escape_cell("Élise N'Diaye")
"Élise N'Diaye"
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def escape_cell(value: object) -> str:
    """``value`` as text, with a leading ``'`` when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell's value as the user sees it typed (``None`` for an empty cell): dates
    as ISO text, whole numbers without ``.0``. Every XLSX reader reads cells through it, so a
    date or an account number reads the same in an ingest, a template or a names file."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None
