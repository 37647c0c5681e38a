"""CSV files a spreadsheet can open without running what a cell says.

Every cell goes through :func:`~moneytrail.api.values.escape_cell` (a leading ``'`` before a
cell that would start a formula: OWASP "CSV injection"), the same rule as the CLI's CSV files.

>>> csv_bytes(["name"], [["=1+1"]]).decode("utf-8-sig").splitlines()[1]
"'=1+1"
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from moneytrail.api.values import FORMULA_STARTS, escape_cell

__all__ = ["FORMULA_STARTS", "csv_bytes", "escape_cell"]


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A UTF-8 CSV file (with a byte-order mark, so spreadsheets read accents and Arabic
    script right) of ``header`` and ``rows``, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
