"""Ingest at 50 million rows with the process held to 4 GiB (issue 20's large-load goal).

The file is the ingest benchmark's mobile-money export (:mod:`benchmarks.bench_ingest`), 50M
rows (about 4 GiB of CSV). ``moneytrail init`` then ``moneytrail ingest`` run as the user runs
them, in a child process whose memory is **limited by the kernel**: ``RLIMIT_DATA`` = 4 GiB
(heap and private anonymous mappings, which is where Python, Arrow and DuckDB allocate; an
allocation past it fails, so the load either fits or errors). Peak resident memory of the
process is sampled every 0.2 s. The CLI's progress is drawn on stderr; the benchmark counts the
redraws of the progress bars (rich is told that stderr is a terminal, as it is for a user).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
import time

from benchmarks.bench_ingest import generate
from benchmarks.common import DATA, stamp, write_section

LIMIT_GIB = 4
DUCKDB_LIMIT = "2GiB"
REDRAW = "\x1b[2K"  # rich erases a line before drawing it again


def _limit() -> None:
    cap = LIMIT_GIB * 2**30
    resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _peak(pid: int, stop: threading.Event, out: list[int]) -> None:
    import psutil

    proc = psutil.Process(pid)
    while not stop.wait(0.2):
        try:
            out[0] = max(out[0], proc.memory_info().rss)
        except psutil.Error:
            return


def run(rows: int = 50_000_000) -> str:
    """Generate, load under the limit, and write section ``ingest-big``."""
    began = time.perf_counter()
    csv = generate(rows, DATA / f"mobile_money_{rows}.csv")
    generated = time.perf_counter() - began
    work = DATA / "work-big"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    mt = [sys.executable, "-m", "moneytrail"]
    subprocess.run([*mt, "init", str(work / "ws")], check=True, capture_output=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    log = work / "stderr.txt"
    began = time.perf_counter()
    with log.open("wb") as err:
        child = subprocess.Popen(
            [*mt, "ingest", "-w", str(work / "ws"), str(csv), "--memory-limit", DUCKDB_LIMIT],
            stdout=subprocess.PIPE,
            stderr=err,
            preexec_fn=_limit,
            env={**os.environ, "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "COLUMNS": "120"},
        )
        stop, peak = threading.Event(), [0]
        sampler = threading.Thread(target=_peak, args=(child.pid, stop, peak), daemon=True)
        sampler.start()
        out, _ = child.communicate()
        stop.set()
        sampler.join()
    seconds = time.perf_counter() - began
    said = log.read_text("utf-8", errors="replace")
    loaded = subprocess.run(
        [*mt, "info", "-w", str(work / "ws"), "--json"], capture_output=True, text=True
    )
    size = csv.stat().st_size / 2**30
    body = f"""## Ingest: {rows:,} rows of mobile-money CSV ({size:.1f} GiB) in {LIMIT_GIB} GiB

{stamp()} Command: `python -m benchmarks.run ingest-big` (`benchmarks/bench_ingest_big.py`).
Load average when the load started: {load} (2 cores, shared with other engineers' jobs: an
upper bound). The CSV was generated in {generated:.0f} s (or reused).

`moneytrail ingest --memory-limit {DUCKDB_LIMIT}` in a child process held by the kernel to
{LIMIT_GIB} GiB of data memory (`RLIMIT_DATA`): exit code **{child.returncode}**, wall time
**{seconds:,.0f} s** ({rows / seconds:,.0f} rows/s), peak resident memory
**{peak[0] / 2**30:.2f} GiB**, {said.count(REDRAW):,} redraws of the progress bars on stderr
(rich, told that stderr is a terminal). `moneytrail info` after it: `{loaded.stdout.strip()[:300]}`.
"""
    write_section("ingest-big", body)
    shutil.rmtree(work, ignore_errors=True)
    return body + "\n" + out.decode("utf-8", errors="replace")[-2000:]
