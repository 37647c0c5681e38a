"""Shared benchmark plumbing: machine facts, isolated measured runs, the results document.

Each measured job runs in its own Python process so that its peak memory (``ru_maxrss`` of that
process) is its own and caches of one job do not help the next. A job is a function in a
benchmark module, called as ``python -m benchmarks.common MODULE FUNCTION ARGS...``; it prints one
JSON line of its own figures; the wrapper adds wall time and peak RSS.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
RESULTS = ROOT / "docs" / "benchmarks.md"


@dataclass
class Measure:
    """Wall time, peak resident memory and the job's own figures."""

    seconds: float
    peak_mib: float
    figures: dict[str, Any]


def machine() -> str:
    """One line describing the machine the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, Python {platform.python_version()},"
        f" DuckDB {duckdb.__version__}"
    )


def measure(
    module: str, function: str, *args: str, timeout: float = 3600, src: Path | None = None
) -> Measure:
    """Run ``benchmarks.MODULE.FUNCTION(*args)`` in a fresh process and measure it.

    ``src``: another tree's ``src`` folder to import moneytrail from (a baseline commit measured
    in the same run); the benchmark code stays this tree's.
    """
    env = None
    if src is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.common", module, function, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
        env=env,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{module}.{function} failed:\n{proc.stderr[-4000:]}")
    payload = json.loads(proc.stdout.strip().splitlines()[-1])
    return Measure(
        seconds=float(payload.pop("_seconds", seconds)),
        peak_mib=float(payload.pop("_peak_mib")),
        figures=payload,
    )


def synth_scenario(folder: Path, *args: str, marker: str = "transactions.parquet") -> Path:
    """A ``moneytrail synth`` scenario made with ``args`` in ``folder``, kept between runs
    (``marker``: the file whose presence says it is complete; built aside, then renamed)."""
    import shutil

    if (folder / marker).exists():
        return folder
    building = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(building, ignore_errors=True)
    command = [sys.executable, "-m", "moneytrail", "synth", *args]
    subprocess.run([*command, "--out", str(building), "--json"], check=True, capture_output=True)
    building.rename(folder)
    return folder


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section ``name`` of docs/benchmarks.md, keeping the others."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else _HEADER
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    )
    RESULTS.write_text(text, encoding="utf-8")


def stamp() -> str:
    """Date and machine line for a results section."""
    return f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}."


_HEADER = """# Benchmarks

Speed and memory of moneytrail's real code paths on realistic sizes, each with a peer measured in
the same run (the ratio is ours / peer's time). Produced by `make bench` (`python -m
benchmarks.run`); every section says when and on which machine it was measured. Each job runs in
its own process; peak memory is that process's maximum resident set size.
"""


def _child() -> None:
    module, function, *args = sys.argv[1:]
    job = getattr(importlib.import_module(f"benchmarks.{module}"), function)
    started = time.perf_counter()
    figures = job(*args) or {}
    figures["_seconds"] = time.perf_counter() - started
    figures["_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    _child()
