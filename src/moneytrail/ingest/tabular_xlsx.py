"""XLSX workbooks, read with openpyxl in read-only mode and staged through Arrow in batches.

Why Arrow batches: openpyxl yields Python cells anyway, but only 50,000 rows are held at a time
before they go to a DuckDB temp table of text columns; from there the shared tabular SQL parses
them like a CSV. Cells become text the way a user reads them: dates as ``YYYY-MM-DD HH:MM:SS``,
numbers without float noise (``repr``). ``line`` is the Excel row number. Example::

    moneytrail ingest -w ws export.xlsx --mapping banque_x.yaml   # sheet: "Relevé" in the YAML

Hostile workbooks are refused before openpyxl parses anything (:mod:`moneytrail.files.xlsx_guard`:
XXE, zip bombs); a workbook openpyxl cannot read is refused with its reason (``xlsx_unreadable``),
and so is a row number past Excel's last row (1,048,576), which a tiny sheet can name to make
the reader walk through billions of empty rows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from moneytrail.engine.base import quote_ident
from moneytrail.files.cells import cell_text
from moneytrail.files.xlsx_guard import UNREADABLE, check_xlsx, unreadable_reason
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.tabular_mapping import Mapping
from moneytrail.ingest.tabular_plan import build_plan, refuse
from moneytrail.ingest.tabular_sql import Params
from moneytrail.ingest.tabular_stage import mapping_of, stage_rows

BATCH = 50_000
EXCEL_MAX_ROWS = 1_048_576
_UNREADABLE = UNREADABLE


class XlsxReader:
    """Excel 2007+ workbooks (``.xlsx``); the sheet is the mapping's ``sheet`` or the first one."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """60 for a ZIP whose entries include ``xl/`` (an Excel workbook), else 0."""
        if not head.startswith(b"PK\x03\x04"):
            return 0
        if b"xl/" in head:
            return 60
        try:
            with zipfile.ZipFile(path) as archive:
                return 60 if any(n.startswith("xl/") for n in archive.namelist()) else 0
        except (OSError, EOFError, ValueError, NotImplementedError, zipfile.BadZipFile):
            return 0

    def stage(self, ctx: StageContext) -> None:
        """Copy the sheet into ``tab_xlsx`` (text), then parse it with the shared SQL."""
        check_xlsx(ctx.path)
        mapping = mapping_of(ctx)
        try:
            header, names = self._copy_sheet(ctx, mapping or Mapping())
        except _UNREADABLE as exc:
            raise refuse(ctx, "xlsx_unreadable", detail=_reason(exc)) from exc
        head = ctx.engine.fetchall("SELECT * FROM tab_xlsx ORDER BY line LIMIT 500")

        def sample(column: str) -> list[str]:
            index = header.index(column) + 1
            return [str(r[index]) for r in head if r[index]]

        plan = build_plan(ctx, header, sample, mapping, None, None)
        select = ", ".join(names)
        stage_rows(ctx, plan, f"SELECT line, {select} FROM tab_xlsx", Params())  # noqa: S608 - code names
        ctx.engine.execute("DROP TABLE IF EXISTS tab_xlsx")

    def _copy_sheet(self, ctx: StageContext, m: Mapping) -> tuple[list[str], list[str]]:
        """Copy the mapping's sheet (else the first) into ``tab_xlsx``: its header and the
        ``c0, c1...`` column names. openpyxl parses lazily: errors come from the loop too."""
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = load_workbook(ctx.path, read_only=True, data_only=True)
        except InvalidFileException as exc:
            raise refuse(ctx, "xlsx_unreadable", detail=str(exc)) from exc
        try:
            known = ", ".join(book.sheetnames)
            if m.sheet and m.sheet not in book.sheetnames:
                raise refuse(ctx, "tabular_sheet_missing", m.sheet, known)
            sheet = book[m.sheet] if m.sheet else next(iter(book.worksheets), None)
            if sheet is None:
                raise refuse(ctx, "file_empty")
            if not hasattr(sheet, "iter_rows"):  # a chart sheet holds no cells
                raise refuse(ctx, "tabular_sheet_missing", m.sheet or "", known)
            rows = _numbered(ctx, sheet.iter_rows(values_only=True, min_row=m.skip_rows + 1), m)
            header: list[str] = []
            for _, values in rows:
                names_row = [cell_text(v) or "" for v in values]
                while names_row and not names_row[-1]:
                    names_row.pop()  # a sheet's stated width may run far past its header
                if names_row:
                    header = names_row
                    break
            if not header:
                raise refuse(ctx, "file_empty")
            width = len(header)
            names = [f"c{i}" for i in range(width)]
            cols = ", ".join(f"{quote_ident(n)} VARCHAR" for n in names)
            ctx.engine.execute(f"CREATE OR REPLACE TEMP TABLE tab_xlsx (line BIGINT, {cols})")
            batch: list[list[str | None]] = []
            for line, values in rows:
                texts = [cell_text(v) for v in values[:width]]
                if not any(texts):
                    continue
                batch.append([str(line), *texts, *([None] * (width - len(texts)))])
                if len(batch) >= BATCH:
                    self._flush(ctx, names, batch)
            self._flush(ctx, names, batch)
        finally:
            book.close()
        return header, names

    @staticmethod
    def _flush(ctx: StageContext, names: list[str], batch: list[list[str | None]]) -> None:
        if not batch:
            return
        columns = list(zip(*batch, strict=True))
        arrays = [pa.array([int(v or 0) for v in columns[0]], pa.int64())]
        arrays += [pa.array(list(c), pa.string()) for c in columns[1:]]
        ctx.engine.append_arrow("tab_xlsx", pa.table(arrays, names=["line", *names]))
        batch.clear()


def _numbered(
    ctx: StageContext, rows: Iterator[tuple[Any, ...]], m: Mapping
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(Excel row number, values)``; refuses the sheet at a row past Excel's last one."""
    for line, values in enumerate(rows, start=m.skip_rows + 1):
        if line > EXCEL_MAX_ROWS:
            raise refuse(ctx, "xlsx_too_many_rows", str(line), str(EXCEL_MAX_ROWS))
        yield line, values


_reason = unreadable_reason
