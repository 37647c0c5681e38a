"""Generic tabular readers: CSV/TSV (the engine's CSV reader), XLSX (openpyxl) and Parquet.

Why one module for three formats: they differ only in how rows are read; what the columns mean
(:mod:`moneytrail.ingest.tabular_plan`) and how they are parsed
(:mod:`moneytrail.ingest.tabular_sql`) is shared. Each reader produces a ``SELECT`` of
``line, c0, c1...`` text columns, and the same SQL turns it into staged rows, so a 5-million-row
CSV never leaves the engine. Example::

    moneytrail ingest -w ws releve.csv --mapping banque_x.yaml

Rows the engine cannot split (wrong number of fields, bad quoting, invalid UTF-8) go to
quarantine through the rejects table of ``engine.dialect.read_csv`` (DuckDB's ``store_rejects``);
rows with an unreadable date or amount go there from ``tab_rows``. Reference:
docs/formats/tabular.md.
"""

# ruff: noqa: S608 - SQL built from code-chosen names (c0, a_id...); user values are bound

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from moneytrail.engine.base import quote_ident
from moneytrail.engine.dialect import CsvOptions
from moneytrail.engine.errors import EngineError
from moneytrail.files.text import is_binary, sniff_text
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
from moneytrail.ingest.tabular_stage import finish, mapping_of, parse_rows, run_watched, stage_rows
from moneytrail.ingest.tabular_xlsx import XlsxReader

__all__ = ["CsvReader", "ParquetReader", "XlsxReader", "stage_rows"]

_CHUNK = 8 << 20


@contextmanager
def utf8_copy(path: Path, layout: Layout) -> Iterator[Path]:
    """``path`` itself when UTF-8 with one kind of line end, else a temporary UTF-8 copy.

    The copy is transcoded in 8 MiB chunks; when the sample showed mixed line ends (CRLF, CR
    and LF in one file), every line end becomes LF in the copy (the engine's CSV reader wants
    one kind per file). A file whose encoding fails past the sample is refused, not crashed.
    """
    mixed = layout.newline == "mixed"
    if layout.encoding == "utf-8" and not mixed:
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="moneytrail-"))
    target = folder / "utf8.csv"
    try:
        _transcode(path, target, "utf-8-sig" if layout.bom else layout.encoding, mixed)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class UndecodableBytes(ValueError):
    """Bytes past the sample that the file's encoding cannot decode, at ``offset``."""

    def __init__(self, offset: int, detail: str) -> None:
        super().__init__(detail)
        self.offset = offset


def _transcode(path: Path, target: Path, encoding: str, one_line_end: bool) -> None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    held_cr = False  # a chunk ending in CR may be the first half of CRLF
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise UndecodableBytes(max(offset + exc.start, 0), exc.reason) from exc
            offset += len(chunk)
            if one_line_end:
                text = ("\r" if held_cr else "") + text
                held_cr = text.endswith("\r") and bool(chunk)
                text = text[:-1] if held_cr else text
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            dst.write(text)
            if not chunk:
                break


def line_at(path: Path, offset: int) -> int:
    """1-based line of byte ``offset`` in ``path`` (any of CR, LF, CRLF ends a line)."""
    line, previous = 1, b""
    with path.open("rb") as handle:
        remaining = offset
        while remaining > 0 and (chunk := handle.read(min(_CHUNK, remaining))):
            line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if previous.endswith(b"\r") and chunk.startswith(b"\n"):
                line -= 1
            previous = chunk
            remaining -= len(chunk)
    return line


class CsvReader:
    """Delimited text (``csv``, ``tsv``), read by the engine's CSV reader as text columns."""

    preset: Preset | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """50 when the sample is delimited text whose header the dictionary knows, 20 if not."""
        if is_binary(head):
            return 0
        text = sniff_text(head)
        if text.lstrip().startswith(("<", "{", "PK", "PAR1", ":20:")):
            return 0
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
            raise refuse(ctx, exc.code, detail=exc.detail, line=exc.line) from exc
        plan = build_plan(
            ctx,
            layout.header,
            lambda column: column_sample(layout, column),
            mapping,
            self.preset,
            layout.delimiter,
        )
        ctx.mapping_used["encoding"] = layout.encoding
        try:
            with utf8_copy(ctx.read_path, layout) as readable:
                self._read(ctx, plan, layout, readable, m.skip_rows)
        except UndecodableBytes as exc:
            line = line_at(ctx.read_path, exc.offset)
            detail = f"{layout.encoding}: {exc}"
            raise refuse(ctx, "encoding_invalid", detail=detail, line=line) from exc

    def _read(
        self, ctx: StageContext, plan: Plan, layout: Layout, path: Path, skip_rows: int
    ) -> None:
        engine = ctx.engine
        dialect = engine.dialect
        for table in dialect.rejects_tables("tab_rejects"):
            engine.execute(f"DROP TABLE IF EXISTS {table}")
        options = CsvOptions(
            columns=tuple(f"c{i}" for i in range(len(layout.header))),
            delimiter=layout.delimiter,
            header=True,
            skip=skip_rows,
            rejects="tab_rejects",
        )
        offset = skip_rows + 1
        # Two parallel statements, not one serial one (decision 0154): the engine reads the
        # records as text into ``tab_raw`` on every core, keeping file order (its insertion
        # order), so a record's position in the table is its number; the parse then runs on
        # every core too. Numbering while reading (``row_number() OVER ()``) made the whole
        # read and parse one thread. ``tab_raw`` is dropped as soon as it is parsed.
        read = dialect.read_csv(str(path), options)
        run_watched(
            ctx,
            f"CREATE OR REPLACE TEMP TABLE tab_raw AS SELECT * FROM {read}",
            Params(),
            0.0,
            40.0,
        )
        at = dialect.row_position()  # consecutive from a base a temporary table may set high
        source = (
            f"SELECT {at} - (SELECT min({at}) FROM tab_raw) + {int(offset) + 1} AS line, *"
            " FROM tab_raw"
        )
        parse_rows(ctx, plan, source, Params(), 40.0)
        engine.execute("DROP TABLE IF EXISTS tab_raw")
        self._quarantine_rejects(ctx, offset)
        finish(ctx, plan)

    @staticmethod
    def _quarantine_rejects(ctx: StageContext, offset: int) -> None:
        """Lines the engine could not split: quarantine them and fix the line of later records."""
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
        for table in engine.dialect.rejects_tables("tab_rejects"):
            engine.execute(f"DROP TABLE IF EXISTS {table}")


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
        parquet = engine.dialect.read_parquet(str(ctx.read_path))
        try:
            schema = engine.fetchall(f"DESCRIBE SELECT * FROM {parquet}")
        except EngineError as exc:
            raise refuse(ctx, "value_invalid", detail=exc.detail) from exc
        header = [str(row[0]) for row in schema]
        p = Params()
        texts = ", ".join(
            f"CAST({quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(header)
        )
        # the reader's own row number (from 0) keeps the read parallel (decision 0154)
        numbered = engine.dialect.read_parquet(str(ctx.read_path), file_row_number=True)
        source = f"SELECT file_row_number + 1 AS line, {texts} FROM {numbered}"
        try:  # the schema is in the footer: damaged data shows only when rows are read
            head = engine.fetchall(f"SELECT * FROM ({source}) LIMIT 500", p.values)
        except EngineError as exc:
            raise refuse(ctx, "value_invalid", detail=exc.detail) from exc

        def sample(column: str) -> list[str]:
            index = header.index(column) + 1
            return [
                str(r[index]).strip()
                for r in head
                if r[index] is not None and str(r[index]).strip()
            ]

        plan = build_plan(ctx, header, sample, mapping_of(ctx), None, None)
        stage_rows(ctx, plan, source, p)
