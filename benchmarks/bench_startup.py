"""Start-up of the CLI in whole fresh processes: ``moneytrail --help`` and ``moneytrail info``.

Why whole processes: what a user waits for is interpreter start + imports + work, and a warm
in-process call hides the imports. Each command runs ``REPEATS`` times after one untimed warm-up
(the page cache, not the interpreter, is warmed); the median wall time and the peak resident
memory of the child (``ru_maxrss`` through ``wait4``, read by a small launcher) are reported.

Yardsticks measured in the same run: the bare interpreter (``python -c pass``: no CLI can start
faster) and the smallest program that answers ``info``'s question with DuckDB alone (connect,
count the transactions). When ``--baseline REF`` names a git commit, that commit's code is
checked out in a temporary work tree and measured the same way (the "before" of a change).

Targets (issue 14): ``--help`` < 0.5 s and ``info`` < 1 s on a quiet 2-core machine.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import DATA, ROOT, stamp, write_section

REPEATS = 10
WORKSPACE = DATA / "startup" / "ws"


# The child is started by a small launcher, not by this process: on Linux a child's
# ``ru_maxrss`` keeps the high-water mark of the address space it was forked from, so a child
# forked from this (larger) process would report at least this process's memory.
_LAUNCHER = """
import os, sys, time
t = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process (launcher excluded)."""
    launched = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCHER, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, rss_kib, code = launched.stdout.split()
    if int(code) != 0:
        raise RuntimeError(f"{args} exited {code}")
    return float(seconds), int(rss_kib) / 1024


def _median(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    _run(args, env)
    runs = [_run(args, env) for _ in range(REPEATS)]
    return statistics.median(s for s, _ in runs), max(m for _, m in runs)


def _workspace() -> Path:
    """The demo-sized workspace the ``info`` runs read (built once, by the current code)."""
    if not (WORKSPACE / "workspace.duckdb").exists():
        WORKSPACE.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "moneytrail", "demo", "--out", str(WORKSPACE), "--json"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return WORKSPACE


def _env(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env["MONEYTRAIL_LANG"] = "en"
    return env


def _rows(src: Path, ws: Path) -> dict[str, tuple[float, float]]:
    env = _env(src)
    cli = [sys.executable, "-m", "moneytrail"]
    return {
        "moneytrail --help": _median([*cli, "--help"], env),
        "moneytrail info -w W": _median([*cli, "info", "-w", str(ws)], env),
        "moneytrail info -w W --json": _median([*cli, "info", "-w", str(ws), "--json"], env),
    }


def run(baseline: str | None = None) -> str:
    """Measure, write the ``startup`` section of docs/benchmarks.md, return it."""
    ws = _workspace()
    env = _env(ROOT / "src")
    floor = {
        "python -c pass (interpreter floor)": _median([sys.executable, "-c", "pass"], env),
        "DuckDB alone: connect + count transactions": _median(
            [
                sys.executable,
                "-c",
                "import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True);"
                " c.execute('SELECT count(*) FROM transactions').fetchall()",
                str(ws / "workspace.duckdb"),
            ],
            env,
        ),
    }
    ours = _rows(ROOT / "src", ws)
    before: dict[str, tuple[float, float]] = {}
    if baseline:
        tree = Path(tempfile.mkdtemp(prefix="moneytrail-baseline-"))
        try:
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(tree), baseline],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            old_ws = tree / "demo-ws"
            subprocess.run(
                [sys.executable, "-m", "moneytrail", "demo", "--out", str(old_ws), "--json"],
                env=_env(tree / "src"),
                cwd=tree,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            before = _rows(tree / "src", old_ws)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False
            )
            shutil.rmtree(tree, ignore_errors=True)
    lines = [
        "## Start-up: whole fresh processes (`moneytrail --help`, `moneytrail info`)",
        "",
        stamp(),
        f"Median of {REPEATS} runs after one warm-up; peak RSS is the largest of the runs."
        " Targets: `--help` < 0.5 s, `info` < 1 s. The workspace is the demo's"
        " (12,564 transactions).",
        "",
        "| command | median wall (s) | peak RSS (MiB) | vs interpreter floor |",
        "|---|---:|---:|---:|",
    ]
    base = floor["python -c pass (interpreter floor)"][0]
    for name, (seconds, mib) in {**floor, **ours}.items():
        lines.append(f"| {name} | {seconds:.3f} | {mib:.0f} | {seconds / base:.1f}x |")
    for name, (seconds, mib) in before.items():
        lines.append(
            f"| before ({baseline[:7] if baseline else ''}): {name} | {seconds:.3f} | {mib:.0f}"
            f" | {seconds / base:.1f}x |"
        )
    body = "\n".join(lines)
    write_section("startup", body)
    return body
