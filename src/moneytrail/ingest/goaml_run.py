"""A worker of the goAML pool: parse, validate and map the reports of one byte range.

Runs in a process of its own (:mod:`moneytrail.ingest.goaml_worker`, started by
:mod:`moneytrail.ingest.goaml_pool`); gives back its transactions as an Arrow table, its
ledger of parties and accounts, its ``goaml_reports`` rows, with lines counted from the
range's first byte. A report that does not parse, is not valid for the profile or cannot be
mapped, or anything but blanks between reports, makes it give up (``ok`` false): the reader
then reads the file the ordinary way, which says why.
"""

from __future__ import annotations

import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
from lxml import etree

from moneytrail.ingest.canonical import STAGING
from moneytrail.ingest.goaml_map import report_row, report_transactions
from moneytrail.ingest.goaml_parties import Ledger
from moneytrail.ingest.goaml_validate import choose_profile
from moneytrail.model.goaml.profile import Profile
from moneytrail.model.xml import safe_xml_parser

_BLOCK = 16 * 2**20
_SLACK = 4 * 2**20
"""Read past a range's end at once: its last report most likely ends within that."""
_NOT_BLANK = re.compile(rb"[^ \t\r\n]")
_NAME_CHAR = re.compile(rb"[A-Za-z0-9_.:-]")
_OPEN, _CLOSE = b"<report>", b"</report"
_LEAN_LINES = 65_535
"""Reports of more lines are parsed keeping blank text (see :func:`_lean_parser`)."""
_LOADED: dict[str, Profile] = {}
"""The profiles this worker loaded (a worker reads one file)."""


class Unusual(Exception):
    """The file is not laid out as the fast path expects (the ordinary path reads it)."""


@dataclass
class RunResult:
    """What a worker gives back for the reports that start in its byte range.

    Lines are counted from the range's first byte (line 1): the reader adds the lines before
    it. ``head`` is where the range's first report starts (``None``: none starts in it) and
    ``follows`` the first non-blank byte after its last report: the next report's start, or
    the wrapper's end tag. ``ok`` false: the fast path gives up.
    """

    ok: bool
    newlines: int = 0
    head: int | None = None
    follows: int | None = None
    transactions: pa.Table | None = None
    reports: list[dict[str, Any]] = field(default_factory=list)
    profiles: set[str] = field(default_factory=set)
    ledger: Ledger | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    """Time the worker spent in each phase (parse, validate, map, arrow)."""


class _Window:
    """The bytes of a file from ``start`` on, read as far as needed."""

    def __init__(self, handle: IO[bytes], start: int, size: int) -> None:
        self.handle, self.start = handle, start
        handle.seek(start)
        self.data = handle.read(size)

    def grow(self) -> bool:
        """Read as much again; false at the end of the file."""
        self.handle.seek(self.start + len(self.data))
        more = self.handle.read(max(len(self.data), _BLOCK))
        self.data += more
        return bool(more)


def read_run(
    path: str,
    lo: int,
    hi: int,
    first: bool,
    candidates: tuple[str, ...],
    name: str,
    timezone: str,
    ledger: Ledger | None = None,
) -> RunResult:
    """In a worker: parse, validate and map the reports that start in bytes ``[lo, hi)``
    (``first``: the range right after the wrapper's start tag, which must start with one).

    ``ledger`` is the worker's, kept over its ranges (in file order) so that a block read in
    an earlier range is not mapped again; the result carries what this range added to it.
    Gives up (``ok`` false) at the first report that does not parse, is not valid or cannot be
    mapped, or at anything between reports but blanks.
    """
    ledger = ledger if ledger is not None else Ledger(None)
    with Path(path).open("rb") as handle:
        window = _Window(handle, lo, hi - lo + _SLACK)
        try:
            return _read(window, hi - lo, first, candidates, name, timezone, ledger)
        except Exception:  # the ordinary path reads the file again and says why
            return RunResult(ok=False)


def _read(
    window: _Window,
    limit: int,
    first: bool,
    candidates: tuple[str, ...],
    name: str,
    timezone: str,
    ledger: Ledger,
) -> RunResult:
    data = window.data
    result = RunResult(ok=False, newlines=data.count(b"\n", 0, limit))
    if first:
        found = _NOT_BLANK.search(data, 0)
        start = found.start() if found else -1
    else:
        start = data.find(_OPEN, 0, limit + len(_OPEN) - 1)
    if start < 0 or start >= limit:
        result.ok = True  # no report starts here
        return result
    result.head = window.start + start
    parser = safe_xml_parser(huge_tree=True)
    lean = _lean_parser()
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    line, counted = 1, 0
    while start < limit:
        if not window.data.startswith(_OPEN, start):
            return result
        end = _report_end(window, start + len(_OPEN))
        data = window.data
        line += data.count(b"\n", counted, start)
        counted = start
        clock = _Clock(result.seconds)
        chunk = data[start:end]
        plain = b"<!" not in chunk and b"<?" not in chunk  # no comment, CDATA or PI
        short = data.count(b"\n", start, end) < _LEAN_LINES
        report = etree.fromstring(chunk, lean if plain and short else parser)
        clock.lap("parse")
        profile, problems = choose_profile(report, candidates, name, _LOADED)
        if problems:
            return result
        clock.lap("validate")
        ledger.offset = line - 1
        ids, staged = report_transactions(ledger, report, timezone, seen)
        rows.extend(staged)
        result.reports.append(report_row(report, profile, None, ledger, ids))
        result.profiles.add(profile)
        clock.lap("map")
        start = _next(window, end)
    result.follows = window.start + start
    result.ledger = ledger.delta()
    clock = _Clock(result.seconds)
    result.transactions = pa.Table.from_pylist(rows, schema=STAGING["transactions"])
    clock.lap("arrow")
    result.ok = True
    return result


def _lean_parser() -> etree.XMLParser:
    """:func:`~moneytrail.model.xml.safe_xml_parser` (same refusals) that also drops the blank
    text between elements: a third less to build, validate and walk. Used only on a report
    without comment, CDATA or processing instruction, where libxml2 drops nothing but the
    indentation between elements, which neither the XSD (element-only content) nor the
    mapping (stripped texts) reads, and only on a report of fewer than :data:`_LEAN_LINES`
    lines: with blank text dropped, libxml2 (2.14.6, through lxml 6.1) gives every element past
    line 65,535 the line 65,535, so a longer report's rows would name the wrong line."""
    return safe_xml_parser(huge_tree=True, remove_blank_text=True)


class _Clock:
    """Adds the seconds since the last lap to ``seconds[phase]`` (for the benchmark)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self.last
        self.last = now


def _report_end(window: _Window, search: int) -> int:
    """The end of the first ``</report>`` at or after ``search`` (reading on as needed)."""
    while True:
        data = window.data
        close = data.find(_CLOSE, search)
        after = data[close + len(_CLOSE) : close + len(_CLOSE) + 1] if close >= 0 else b""
        if close < 0 or not after:
            if not window.grow():
                raise Unusual("report not closed")
            search = max(close if close >= 0 else len(data) - len(_CLOSE), search)
            continue
        if after == b">":
            return close + len(_CLOSE) + 1
        if not _NAME_CHAR.match(after):
            raise Unusual("end tag")  # "</report >": valid XML, not worth a special case
        search = close + len(_CLOSE)


def _next(window: _Window, pos: int) -> int:
    """The first non-blank byte at or after ``pos`` (reading on as needed)."""
    while True:
        found = _NOT_BLANK.search(window.data, pos)
        if found is not None and len(window.data) - found.start() >= len(_OPEN):
            return found.start()
        if not window.grow():
            if found is None:
                raise Unusual("no end tag")
            return found.start()


def serve() -> None:
    """A worker: read the runs from stdin, write each one's result to stdout."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the results' stream
    ledger = Ledger(None)
    for path, lo, hi, first, candidates, name, timezone in pickle.load(sys.stdin.buffer):
        result = read_run(path, lo, hi, first, candidates, name, timezone, ledger)
        pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
