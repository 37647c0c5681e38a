"""Ingest at 50 million rows with the process held to 4 GiB (issue 20's large-load goal).

The file is the ingest benchmark's mobile-money export (:mod:`benchmarks.bench_ingest`), 50M
rows (about 4 GiB of CSV). ``moneytrail init`` then ``moneytrail ingest`` run as the user runs
them, in a child process whose memory is **limited by the kernel**: a memory cgroup (v1
``memory.limit_in_bytes`` or v2 ``memory.max``) of 4 GiB, so the process is reclaimed or
killed past it, as on a laptop with that much free memory. (``RLIMIT_DATA`` was tried first: it
counts the address space DuckDB's allocator reserves, not what it uses, and refused
allocations at 2.3 GiB resident.) Without a writable cgroup (not root) the run says so and
measures without a limit. Peak resident memory of the process is sampled every 0.2 s. The
CLI's progress is drawn on stderr; the benchmark counts the redraws of the progress bars (rich
is told that stderr is a terminal, as it is for a user).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_ingest import generate
from benchmarks.common import DATA, stamp, write_section

LIMIT_GIB = 4
# DuckDB's own limit inside the 4 GiB: 3 GiB (the recorded run). With 2 GiB the 50M load first
# failed after parsing, in the commit step ("failed to pin block of size 256 KiB (1.9 GiB/2.0 GiB
# used)"; exit code 2, nothing loaded, nothing lost): the labels' check built a hash table of
# every transaction id. Fixed in c2bffd7; a load at 2 GiB then completed (2026-12-06 21:14, not
# under the cgroup). With the CLI's default 1 GiB it still fails, while staging the ids.
DUCKDB_LIMIT = "3GiB"
REDRAW = "\x1b[2K"  # rich erases a line before drawing it again


CGROUPS = (
    (Path("/sys/fs/cgroup/memory"), "memory.limit_in_bytes"),  # v1
    (Path("/sys/fs/cgroup/unified"), "memory.max"),  # v2 beside v1
    (Path("/sys/fs/cgroup"), "memory.max"),  # v2 only
)


def memory_cgroup() -> Path | None:
    """A new memory cgroup capped at :data:`LIMIT_GIB`, or ``None`` when none can be made."""
    for root, knob in CGROUPS:
        if not (root / "cgroup.procs").exists():
            continue
        group = root / "moneytrail-ingest-big"
        try:
            group.mkdir(exist_ok=True)
            (group / knob).write_text(str(LIMIT_GIB * 2**30))
        except OSError:
            continue
        return group
    return None


def _joiner(group: Path | None) -> Any:
    def join() -> None:  # runs in the child before exec
        if group is not None:
            (group / "cgroup.procs").write_text(str(os.getpid()))

    return join


def limit_text(group: Path | None) -> str:
    if group is None:
        return "**without a limit** (no writable memory cgroup here)"
    return f"{LIMIT_GIB} GiB of memory by a kernel memory cgroup (`{group}`)"


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
    group = memory_cgroup()
    began = time.perf_counter()
    with log.open("wb") as err:
        child = subprocess.Popen(
            [*mt, "ingest", "-w", str(work / "ws"), str(csv), "--memory-limit", DUCKDB_LIMIT],
            stdout=subprocess.PIPE,
            stderr=err,
            preexec_fn=_joiner(group),
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
{limit_text(group)}: exit code **{child.returncode}**, wall time
**{seconds:,.0f} s** ({rows / seconds:,.0f} rows/s), peak resident memory
**{peak[0] / 2**30:.2f} GiB**, {said.count(REDRAW):,} redraws of the progress bars on stderr
(rich, told that stderr is a terminal). `moneytrail info` after it: `{loaded.stdout.strip()[:300]}`.
"""
    if child.returncode != 0:
        words = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", said).strip()[-400:]
        body += f"\nThe load failed; its last words: `{words}`.\n"
    write_section("ingest-big", body)
    if group is not None:
        group.rmdir()
    shutil.rmtree(work, ignore_errors=True)
    return body + "\n" + out.decode("utf-8", errors="replace")[-2000:]
