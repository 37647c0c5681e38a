"""XLSX and Parquet go through the same SQL as CSV."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook

from moneytrail.ingest.tabular import ParquetReader
from moneytrail.ingest.tabular_xlsx import XlsxReader
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write


def test_xlsx_with_real_dates_and_numbers(ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Relevé"
    sheet.append(["Date", "Expéditeur", "Destinataire", "Montant", "Devise"])
    sheet.append([datetime(2024, 3, 5, 9, 30), "+223 76 12 34 56", "+22377451209", 150000, "XOF"])
    sheet.append([])
    sheet.append([datetime(2024, 3, 6, 18, 0), "+22377451209", "+22376123456", 2500.5, "EUR"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    assert XlsxReader("xlsx").sniff(path, path.read_bytes()[:65536]) == 60
    mapping = write(tmp_path, "m.yaml", "version: 1\nsheet: Relevé\n")
    out = load(ws, path, "xlsx", mapping=mapping)
    assert out.status == "loaded", problems(out)
    got = rows(ws, "SELECT ts, amount, source_row FROM transactions ORDER BY ts")
    assert got == [
        (datetime(2024, 3, 5, 9, 30), Decimal("150000"), 2),
        (datetime(2024, 3, 6, 18, 0), Decimal("2500.5"), 4),
    ]


def test_xlsx_missing_sheet_is_refused(ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    path = tmp_path / "x.xlsx"
    book.save(path)
    mapping = write(tmp_path, "m.yaml", "version: 1\nsheet: Nope\n")
    out = load(ws, path, "xlsx", mapping=mapping)
    assert out.status == "refused"
    assert problems(out)[0][3] == "tabular_sheet_missing"


def test_parquet_with_typed_columns(ws: Workspace, tmp_path: Path) -> None:
    table = pa.table(
        {
            "transaction_id": ["P1", "P2"],
            "timestamp": pa.array([datetime(2024, 3, 1, 8, 0), datetime(2024, 3, 2, 9, 15)]),
            "sender": ["+22376123456", "+22377451209"],
            "receiver": ["+22377451209", "+22376123456"],
            "amount": pa.array([Decimal("1000.00"), Decimal("25.50")], pa.decimal128(12, 2)),
            "currency": ["XOF", "EUR"],
        }
    )
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    assert ParquetReader("parquet").sniff(path, path.read_bytes()[:64]) == 40
    out = load(ws, path, "parquet")
    assert out.status == "loaded", problems(out)
    got = rows(ws, "SELECT ext_id, ts, amount, source_row FROM transactions ORDER BY ext_id")
    assert got == [
        ("P1", datetime(2024, 3, 1, 8, 0), Decimal("1000"), 1),
        ("P2", datetime(2024, 3, 2, 9, 15), Decimal("25.5"), 2),
    ]
