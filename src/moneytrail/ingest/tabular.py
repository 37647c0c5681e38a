"""Generic tabular readers: CSV/TSV (DuckDB ``read_csv``), XLSX (openpyxl) and Parquet.

Why one module for three formats: they differ only in how rows are read; what the columns mean
(:mod:`moneytrail.ingest.tabular_plan`) and how they are parsed
(:mod:`moneytrail.ingest.tabular_sql`) is shared. Each reader produces a ``SELECT`` of
``line, c0, c1...`` text columns, and the same SQL turns it into staged rows, so a 5-million-row
CSV never leaves DuckDB. Example::

    moneytrail ingest -w ws releve.csv --mapping banque_x.yaml

Rows DuckDB cannot split (wrong number of fields, bad quoting, invalid UTF-8) go to quarantine
through ``read_csv``'s ``store_rejects``; rows with an unreadable date or amount go there from
``tab_rows``. Reference: docs/formats/tabular.md.
"""

# ruff: noqa: S608 - SQL built from code-chosen names (c0, a_id...); user values are bound

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from moneytrail.engine.base import quote_ident
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.tabular_detect import (
    DetectionError,
    Layout,
    column_sample,
    detect_layout,
    match_header,
    sniff_delimiter,
)
from moneytrail.ingest.tabular_mapping import Mapping
from moneytrail.ingest.tabular_plan import Preset, build_plan, refuse
from moneytrail.ingest.tabular_sql import Params, Plan
from moneytrail.ingest.tabular_stage import (
    finish,
    mapping_of,
    parse_rows,
    run_watched,
    stage_rows,
)
from moneytrail.ingest.tabular_xlsx import XlsxReader

__all__ = ["CsvReader", "ParquetReader", "XlsxReader", "stage_rows"]

_CHUNK = 8 << 20


@contextmanager
def utf8_copy(path: Path, layout: Layout) -> Iterator[Path]:
    """``path`` itself when UTF-8, else a temporary UTF-8 copy (transcoded in 8 MiB chunks)."""
    if layout.encoding == "utf-8":
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="moneytrail-"))
    target = folder / "utf8.csv"
    try:
        decoder = codecs.getincrementaldecoder(layout.encoding)("strict")
        with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class CsvReader:
    """Delimited text (``csv``, ``tsv``), read by DuckDB's ``read_csv`` as text columns."""

    preset: Preset | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """50 when the sample is delimited text whose header the dictionary knows, 20 if not."""
        if b"\x00" in head[:4096] or head.lstrip().startswith(
            (b"<", b"{", b"PK", b"PAR1", b":20:")
        ):
            return 0
        try:
            text = head.decode("utf-8-sig", errors="strict")
        except UnicodeDecodeError:
            text = head.decode("cp1252", errors="replace")
        delim = sniff_delimiter(text)
        if delim is None:
            return 0
        first = next(iter(text.splitlines()), "")
        fields = match_header(c.strip().strip('"') for c in first.split(delim))
        score = 50 if len(fields) >= 3 else 20
        return score if self.name != "tsv" or delim == "\t" else 0

    def stage(self, ctx: StageContext) -> None:
        """Detect, plan, and read the whole file in one ``read_csv`` statement."""
        mapping = mapping_of(ctx)
        m = mapping or Mapping()
        try:
            layout = detect_layout(
                ctx.path,
                encoding=ctx.options.encoding or m.encoding,
                delimiter=m.delimiter or ("\t" if self.name == "tsv" else None),
                skip_rows=m.skip_rows,
            )
        except DetectionError as exc:
            raise refuse(ctx, exc.code, detail=exc.detail) from exc
        plan = build_plan(
            ctx,
            layout.header,
            lambda column: column_sample(layout, column),
            mapping,
            self.preset,
            layout.delimiter,
        )
        ctx.mapping_used["encoding"] = layout.encoding
        with utf8_copy(ctx.path, layout) as readable:
            self._read(ctx, plan, layout, readable, m.skip_rows)

    def _read(
        self, ctx: StageContext, plan: Plan, layout: Layout, path: Path, skip_rows: int
    ) -> None:
        engine = ctx.engine
        engine.execute("DROP TABLE IF EXISTS tab_rejects")
        engine.execute("DROP TABLE IF EXISTS tab_rejects_scan")
        p = Params()
        names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(layout.header)))
        delim = {"\t": "\\t"}.get(layout.delimiter, layout.delimiter)  # from a closed set
        offset = skip_rows + 1
        # Two steps: the text copy keeps file order (rowid = record index) without a window
        # operator, so the parsing step that follows runs on every core.
        read = (
            f"CREATE OR REPLACE TEMP TABLE tab_raw AS SELECT * FROM read_csv({p.add(str(path))},"
            f" delim = e'{delim}', quote = '\"', escape = '\"', header = true,"
            f" skip = {skip_rows}, auto_detect = false, columns = {{{names}}},"
            " store_rejects = true, rejects_table = 'tab_rejects',"
            " rejects_scan = 'tab_rejects_scan')"
        )
        run_watched(ctx, read, p, 0.0, 60.0)
        # Temporary tables number rows from a large base: count from the first one.
        base = engine.fetchall("SELECT coalesce(min(rowid), 0) FROM tab_raw")[0][0]
        source = f"SELECT rowid - {int(base)} + {offset + 1} AS line, * FROM tab_raw"
        parse_rows(ctx, plan, source, Params(), 60.0)
        engine.execute("DROP TABLE IF EXISTS tab_raw")
        self._quarantine_rejects(ctx, offset)
        finish(ctx, plan)

    @staticmethod
    def _quarantine_rejects(ctx: StageContext, offset: int) -> None:
        """Lines DuckDB could not split: quarantine them and fix the line of later records."""
        engine = ctx.engine
        count = engine.fetchall("SELECT count(DISTINCT line) FROM tab_rejects")[0][0]
        if not count:
            return
        engine.execute(
            "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"
            " SELECT line, column_name, csv_line,"
            " CASE WHEN error_type = 'INVALID ENCODING' THEN 'encoding_invalid'"
            " ELSE 'tabular_row_malformed' END, error_message"
            " FROM (SELECT * FROM tab_rejects QUALIFY row_number() OVER (PARTITION BY line) = 1)"
        )
        # Record n was numbered as if no line had been rejected; every rejected line before it
        # pushes it one line down. Rejected line r_j (j-th) comes after (r_j - offset - j) records.
        engine.execute(
            "UPDATE tab_rows SET line = tab_rows.line + k.shift FROM ("
            " SELECT t.line AS old, count(*) AS shift FROM tab_rows t JOIN ("
            "  SELECT line - ? - row_number() OVER (ORDER BY line) AS key"
            "  FROM (SELECT DISTINCT line FROM tab_rejects)) r ON r.key < t.line - ?"
            " GROUP BY t.line) k WHERE tab_rows.line = k.old",
            [offset, offset],
        )
        engine.execute("DROP TABLE IF EXISTS tab_rejects")
        engine.execute("DROP TABLE IF EXISTS tab_rejects_scan")


class ParquetReader:
    """Any Parquet table of transactions, read by ``read_parquet`` (columns cast to text)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """40 for a Parquet file (the canonical Parquet reader claims its own layout higher)."""
        return 40 if head.startswith(b"PAR1") else 0

    def stage(self, ctx: StageContext) -> None:
        """Plan from the schema and the first 500 rows, then read in one statement."""
        engine = ctx.engine
        try:
            schema = engine.fetchall("DESCRIBE SELECT * FROM read_parquet(?)", [str(ctx.path)])
        except duckdb.Error as exc:
            raise refuse(ctx, "value_invalid", detail=str(exc).splitlines()[0]) from exc
        header = [str(row[0]) for row in schema]
        p = Params()
        path_param = p.add(str(ctx.path))
        texts = ", ".join(
            f"CAST({quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(header)
        )
        source = f"SELECT row_number() OVER () AS line, {texts} FROM read_parquet({path_param})"
        head = engine.fetchall(f"SELECT * FROM ({source}) LIMIT 500", p.values)

        def sample(column: str) -> list[str]:
            index = header.index(column) + 1
            return [
                str(r[index]).strip()
                for r in head
                if r[index] is not None and str(r[index]).strip()
            ]

        plan = build_plan(ctx, header, sample, mapping_of(ctx), None, None)
        stage_rows(ctx, plan, source, p)
