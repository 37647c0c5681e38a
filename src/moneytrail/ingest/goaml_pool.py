"""A large multi-report goAML file read by a pool of processes, runs of reports in parallel.

Why: reading goAML is libxml2 parsing, XSD validation, business rules and Python mapping, all
bound to one core; a 340 MiB file of 100 STRs took 15 s on one core where the same rows as CSV
take 1.4 s (DuckDB reads a CSV with every core). Reports are independent until their parties
and accounts are merged, so each worker reads, validates and maps a run of consecutive reports
and the reader merges the runs in file order (decision 0139).

The fast path takes only what it can split without parsing: after an optional XML declaration
in UTF-8, one wrapper element without namespace holding, between blanks only, ``<report>``
elements written exactly so (no attribute), then the wrapper's end tag and blanks. A byte scan
finds each report's ``<report>`` and ``</report>`` and counts lines, so each worker parses its
report alone and still numbers rows by their line in the file. Anything else (one report, a
DOCTYPE, a namespace, a comment between reports, another encoding, a ZIP) goes the ordinary
way (:mod:`moneytrail.ingest.goaml`).

Guarantees kept: a worker validates every report (XSD and business rules of the profile) before
it maps it; a report that does not parse, or is not valid, or that a worker cannot map, makes
the whole fast path give up: what it staged is deleted and the file is read again the ordinary
way, which finds the same problems and refuses the file with them, in the same words. The fast
path decides nothing the ordinary path would decide otherwise; it only gets to a valid file's
rows sooner.

Workers are fresh interpreters (``python -m moneytrail.ingest.goaml_worker``, about a third
of a second of CPU each to start): not a fork of the caller, which may hold threads (DuckDB's, a
web server's), nor ``multiprocessing``'s spawn or fork server, which run the caller's main
script again in every worker. Each is given its byte ranges on stdin and answers one pickled
:class:`RunResult` per range on stdout; the reader reads them in file order.

Lines: libxml2 numbers lines exactly up to 65,535 and beyond that gives the line of an
element's first child (its next line, in an indented file). A worker parses each report alone,
so rows are exact up to a report's 65,535th line; read whole, the file's rows past its 65,535th
line carry that approximation. The two paths may thus differ by one on such rows (decision
0139); files under 65,536 lines give the same lines either way.
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import pairwise
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.canonical import staging_table
from moneytrail.ingest.goaml_parties import Ledger
from moneytrail.ingest.goaml_run import RunResult, Unusual
from moneytrail.model.xml import safe_xml_parser

MIN_BYTES = 32 * 2**20
"""Files below this size are read in the calling process: a worker costs about a third of a
second of CPU to start, which only a large file pays back."""

MAX_WORKERS = 4
RUNS_PER_WORKER = 3
"""Byte ranges per worker at least: the reader merges one range while the workers read the
next ones; each range's ledger costs a merge."""

RANGE_BYTES = 64 * 2**20
"""At most this many bytes per range (more ranges for a larger file): what a worker holds at
once, its range's bytes and rows, stays bounded."""

_EDGE = 64 * 2**10
_DECLARATION = re.compile(rb"<\?xml\s[^<>]*?\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_WRAPPER = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.-]*)(\s[^<>]*)?>")
_NOT_BLANK = re.compile(rb"[^ \t\r\n]")


@dataclass(frozen=True)
class Layout:
    """Where the reports of a plainly laid out multi-report file lie: between the end of the
    wrapper's start tag (``body``, on line ``line``) and the start of its end tag (``end``)."""

    body: int
    end: int
    line: int


LAST_SECONDS: dict[str, float] = {}
"""The phases of the last pooled read in this process, summed over its workers, and the time
the reader waited for them (what the benchmark reports; nothing else reads it)."""


def workers_for(size: int, option: object) -> int:
    """How many workers read a file of ``size`` bytes (0: read it in this process).

    ``option`` is ``IngestOptions.extra["goaml_workers"]`` when given: a number of workers
    (0 or 1: no pool), whatever the file's size.
    """
    if getattr(sys, "frozen", False):
        return 0  # a bundled executable: sys.executable does not run a module
    if option is not None:
        count = int(str(option))
        return count if count > 1 else 0
    if size < MIN_BYTES:
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = min(cores or 1, MAX_WORKERS)
    return count if count > 1 else 0


def layout(handle: IO[bytes], size: int) -> Layout:
    """The wrapper of a multi-report file, from the file's first and last bytes
    (:class:`Unusual`: not the plain layout)."""
    head = handle.read(_EDGE)
    pos = 0
    declaration = _DECLARATION.match(head)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            raise Unusual("encoding")
        pos = declaration.end()
    blank = _NOT_BLANK.search(head, pos)
    wrapper = _WRAPPER.match(head, blank.start()) if blank else None
    if wrapper is None or wrapper.group(1) == b"report" or b"xmlns" in wrapper.group():
        raise Unusual("wrapper")
    name = wrapper.group(1)
    try:  # the declaration and the start tag as the ordinary path would parse them
        etree.fromstring(head[: wrapper.end()] + b"</" + name + b">", safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise Unusual("wrapper") from exc
    handle.seek(max(size - _EDGE, 0))
    tail_at = handle.tell()
    tail = handle.read()
    close = tail.rfind(b"</" + name)
    end = re.compile(rb"</" + re.escape(name) + rb"[ \t\r\n]*>[ \t\r\n]*").fullmatch(
        tail, max(close, 0)
    )
    if close < 0 or end is None or tail_at + close < wrapper.end():
        raise Unusual("end tag")
    line = 1 + head.count(b"\n", 0, wrapper.end())
    return Layout(wrapper.end(), tail_at + close, line)


def ranges(shape: Layout, count: int) -> list[tuple[int, int]]:
    """The body cut into ``count`` byte ranges of the same size (a report belongs to the range
    its start tag starts in)."""
    span = shape.end - shape.body
    cuts = [shape.body + span * i // count for i in range(count)] + [shape.end]
    return [(a, b) for a, b in pairwise(cuts) if b > a]


def stage_parallel(
    ctx: StageContext, shape: Layout, candidates: tuple[str, ...], workers: int
) -> tuple[Ledger, list[dict[str, Any]], set[str]] | None:
    """Read the reports of ``shape`` in ``workers`` processes; stage their transactions in
    file order.

    Returns the merged ledger (not staged yet), the ``goaml_reports`` rows and the profiles
    used; ``None`` when a worker gave up or the runs do not join up (nothing of the file is
    left staged then).
    """
    count = max(workers * RUNS_PER_WORKER, -(-(shape.end - shape.body) // RANGE_BYTES))
    cut = ranges(shape, count)
    path, name, timezone = str(ctx.read_path), str(ctx.path), ctx.options.timezone
    tasks = [(path, lo, hi, i == 0, candidates, name, timezone) for i, (lo, hi) in enumerate(cut)]
    pool: list[subprocess.Popen[bytes]] = []
    try:
        for w in range(min(workers, len(tasks))):
            pool.append(_start(tasks[w::workers]))
        merged = _merge(ctx, shape, cut, pool)
    except Exception:  # a worker that died or answered nonsense: the ordinary path reads
        merged = None
    finally:
        for proc in pool:
            proc.kill()
            proc.wait()
    if merged is None:
        _unstage(ctx)
    return merged


def _start(tasks: list[tuple[Any, ...]]) -> subprocess.Popen[bytes]:
    """A worker process given its runs (it answers one :class:`RunResult` per run, in order).

    A fresh interpreter, not a fork: the caller may hold threads (DuckDB's, a web server's),
    and a fork server would run the caller's main script again in every worker.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moneytrail.ingest.goaml_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(pickle.dumps(tasks))
    proc.stdin.close()
    return proc


def _merge(
    ctx: StageContext, shape: Layout, cut: list[tuple[int, int]], pool: list[Any]
) -> tuple[Ledger, list[dict[str, Any]], set[str]] | None:
    """The runs' results merged in file order (``None``: one gave up or they do not join)."""
    ledger = Ledger(ctx)
    reports: list[dict[str, Any]] = []
    profiles: set[str] = set()
    seen: set[str] = set()
    expected: int | None = None  # where the next report must start (the first: anywhere)
    line = shape.line  # the file's line at the start of the range being merged
    LAST_SECONDS.clear()
    waited = 0.0
    for number, (lo, _) in enumerate(cut):
        clock = time.perf_counter()
        result = pickle.load(pool[number % len(pool)].stdout)
        waited += time.perf_counter() - clock
        if not isinstance(result, RunResult) or not result.ok:
            return None
        for phase, seconds in result.seconds.items():
            LAST_SECONDS[phase] = LAST_SECONDS.get(phase, 0.0) + seconds
        if result.head is None:
            if expected is None:
                return None  # the first range holds no report
        else:
            if expected is not None and result.head != expected:
                return None  # the runs do not join up: something else lies between reports
            assert result.ledger is not None and result.transactions is not None
            _stage_run(ctx, result.transactions, seen, line - 1)
            ledger.absorb(result.ledger, line - 1)
            for row in result.reports:
                row["source_row"] += line - 1
            reports.extend(result.reports)
            profiles |= result.profiles
            expected = result.follows
        line += result.newlines
        ctx.report(lo - shape.body, shape.end - shape.body)
    LAST_SECONDS["wait"] = waited
    return (ledger, reports, profiles) if expected == shape.end else None


def _stage_run(ctx: StageContext, table: pa.Table, seen: set[str], shift: int) -> None:
    """Stage a run's transactions, lines shifted to the file's, but those an earlier run
    staged (the first report that describes a transaction wins)."""
    ids = table.column("id").to_pylist()
    if seen.intersection(ids):
        table = table.filter(pa.array([key not in seen for key in ids]))
    seen.update(ids)
    if table.num_rows:
        rows = table.column("source_row")
        shifted = pc.add(rows, pa.scalar(shift, rows.type))
        table = table.set_column(table.schema.get_field_index("source_row"), "source_row", shifted)
        ctx.append_arrow("transactions", table)


def _unstage(ctx: StageContext) -> None:
    ctx.engine.execute(f"DELETE FROM {staging_table('transactions')}")  # noqa: S608 - fixed name
