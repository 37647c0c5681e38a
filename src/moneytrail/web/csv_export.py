"""CSV files a spreadsheet can open without running what a cell says.

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

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def escape_cell(value: object) -> str:
    """``value`` as text, with a leading ``'`` when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file (with a byte-order mark, so spreadsheets read accents and Arabic
    script right) of ``header`` and ``rows``, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
