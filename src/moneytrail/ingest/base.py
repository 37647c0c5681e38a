"""The contract between the ingest pipeline and the readers of each format.

A reader turns one file into canonical rows in the staging tables (``stg_transactions``,
``stg_accounts``, ``stg_parties``, ``stg_identifiers``) and its rejects into ``stg_quarantine``.
It never writes the workspace tables itself: :mod:`moneytrail.ingest.commit` validates, merges and
records the source in one transaction, so a load is all-or-nothing for every reader alike.

Two ways to stage, whichever suits the format:

* SQL readers (CSV, Parquet, benchmark layouts) run ``INSERT INTO stg_... SELECT ... FROM
  read_csv(...)`` through the engine, so millions of rows never become Python objects;
* record readers (XML, MT940, FtM, XLSX) parse in Python and call :meth:`StageContext.add` /
  :meth:`StageContext.reject`, which buffer rows into Arrow batches.

A file that cannot be read at all (truncated XML, binary, empty) raises
:class:`~moneytrail.errors.BadInputError` with a :class:`~moneytrail.errors.Problem`; nothing of it
is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.errors import Problem
from moneytrail.ingest.canonical import STAGING, staging_table

ProgressCallback = Callable[[float, float], None]
"""``progress(done, total)``: units are the reader's (bytes, rows or percent)."""


@dataclass(frozen=True)
class IngestOptions:
    """Typed settings of one ingest run (from the CLI, the API or a test).

    ``mapping`` is a path to a YAML column mapping (generic tabular files); ``namespace`` scopes
    the ids of benchmark data sets whose account numbers are only unique inside one data set;
    ``country`` is the default ISO country for national phone numbers and accounts; ``timezone``
    is the zone of timestamps written without an offset. ``retry_rejected`` loads again a file
    already recorded whose earlier load rejected rows (ground truth loaded before its
    transactions, a mapping fixed since): rows already in the workspace count as already
    present, the file's earlier rejections are replaced by this load's.
    """

    format: str | None = None
    mapping: Path | None = None
    strict: bool = False
    timezone: str = "UTC"
    country: str | None = None
    currency: str | None = None
    namespace: str | None = None
    encoding: str | None = None
    retry_rejected: bool = False
    memory_limit: str | None = "1GiB"
    """What the engine may hold in memory while loading (DuckDB's ``memory_limit``); beyond
    it, work spills to a temporary folder beside the workspace. ``None`` keeps the engine's
    own limit (80% of RAM for DuckDB)."""
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceFile:
    """One input file as the workspace records it."""

    path: Path
    sha256: str
    size: int

    @property
    def id(self) -> str:
        """Source id: the first 32 hex characters of the file's SHA-256."""
        return self.sha256[:32]


class StageContext:
    """What a reader gets: the engine, the file, the options, and buffered staging writers."""

    flush_every = 50_000

    def __init__(
        self,
        engine: Engine,
        source: SourceFile,
        options: IngestOptions,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        read_path: Path | None = None,
    ) -> None:
        self.engine = engine
        self.source = source
        # What an engine's file reader is given: the same file under a name that no reader
        # can take as a pattern (see moneytrail.files.literal). Problems name ``path``.
        self.read_path = read_path or source.path
        self.options = options
        self.format: str = ""
        self.mapping_used: dict[str, Any] = {}
        self._progress = progress
        self._buffers: dict[str, list[dict[str, Any]]] = {k: [] for k in STAGING}
        self.cancel = cancel or threading.Event()
        self.warnings: list[Problem] = []
        # True when each line of the file is one record (tabular files): the commit then
        # drops what a rejected line staged besides its transaction (accounts, parties).
        self.one_record_per_line = False
        # True when the reader staged at most one account and one party per id (tabular
        # files group them in SQL): the commit then skips its de-duplicating window.
        self.unique_ids = False

    @property
    def path(self) -> Path:
        """The file being read."""
        return self.source.path

    def add(self, kind: str, row: Mapping[str, Any]) -> None:
        """Stage one canonical row of table ``kind`` (missing columns are NULL)."""
        buffer = self._buffers[kind]
        buffer.append(dict(row))
        if len(buffer) >= self.flush_every:
            self.flush(kind)

    def add_many(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Stage many canonical rows of table ``kind``."""
        for row in rows:
            self.add(kind, row)

    def reject(
        self,
        line: int | None,
        field: str | None,
        value: object,
        code: str,
        detail: str | None = None,
    ) -> None:
        """Send one record to quarantine: ``code`` is an i18n key under ``problem.``."""
        raw = None if value is None else str(value)
        self.add(
            "quarantine",
            {"line": line, "field": field, "raw_value": raw, "code": code, "detail": detail},
        )

    def warn(self, code: str, field: str | None = None, **params: Any) -> None:
        """Something the analyst must know although the file loads (an unused column, a
        column empty in every row, a guessed encoding): shown with the outcome, never silent."""
        self.warnings.append(Problem(str(self.path), code, field=field, params=params))

    def problem(self, code: str, line: int | None = None, **kwargs: Any) -> Problem:
        """A :class:`Problem` about this file (for whole-file refusals)."""
        return Problem(file=str(self.path), code=code, line=line, **kwargs)

    def append_arrow(self, kind: str, table: pa.Table) -> None:
        """Stage an Arrow table of canonical rows (must follow the canonical schema)."""
        self.flush(kind)
        self.engine.append_arrow(staging_table(kind), table.cast(STAGING[kind]))

    def flush(self, kind: str | None = None) -> None:
        """Write buffered rows to the staging tables."""
        kinds = [kind] if kind else list(self._buffers)
        for name in kinds:
            rows = self._buffers[name]
            if not rows:
                continue
            schema = STAGING[name]
            table = pa.Table.from_pylist(rows, schema=schema)
            self._buffers[name] = []
            self.engine.append_arrow(staging_table(name), table)

    def report(self, done: float, total: float) -> None:
        """Tell the face how far the reader got."""
        if self._progress is not None:
            self._progress(done, total)


class Reader(Protocol):
    """A file format moneytrail can ingest."""

    name: str
    """Format name used by ``--format`` (``camt.053``, ``mt940``, ``csv``...)."""

    def sniff(self, path: Path, head: bytes) -> int:
        """How sure the reader is that it reads this file: 0 (no) to 100 (certain).

        ``head`` holds the first 64 KiB of the file. Extensions may help but content decides.
        """
        ...

    def stage(self, ctx: StageContext) -> None:
        """Read ``ctx.path`` into the staging tables, or raise ``BadInputError``."""
        ...
