"""Screening speed measured like for like (issue 18): the peer as a deployment runs it.

Both sides screen the same queries (the 2,634 Sahel KYC queries of decision 0130: listed
variants, unlisted names, look-alikes) against the same lists (UN 2026-02-27 + OFAC SDN
2024-05-03, the entries our loader reads, given to both), each on one core (``taskset -c 0``):

* ours: ``CandidateIndex.screen`` on the *stored* index (:mod:`moneytrail.screen.stored`), the
  path ``moneytrail screen`` takes once the lists were indexed; the index build is timed apart
  (once per list version);
* the peer: nomenklatura logic-v2 behind a candidate search as yente puts one in front: the 30
  entries with the best rapidfuzz ``WRatio`` over all list names, then logic-v2 on each
  (``benchmarks/peer_nomenklatura.py speed``), its list entities built once as a server holds them.

Start-up is measured apart, in fresh processes: ours is the wall time of the one-off command
``moneytrail screen NAME --list UN --list OFAC`` with the stored index present (median of 5);
the peer's is its process start to the first query answered (imports, entities, first search).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, measure

UN_FILE = "sanctions/un/UN_consolidated_2026-02-27.xml"
OFAC_FILE = "sanctions/ofac_sdn_2024/sdn_2024-05-03.csv"
CACHE = ROOT / "benchmarks" / ".data" / "screen-cache"


def _pinned(cmd: list[str]) -> list[str]:
    return ["taskset", "-c", "0", *cmd] if shutil.which("taskset") else cmd


def _queries() -> list[dict[str, str]]:
    from benchmarks.bench_screen_kyc import read_cases

    return read_cases(None)


def job_build(data: str) -> dict[str, Any]:
    """Build (or find) the stored index of UN + OFAC in the benchmark's cache directory."""
    os.environ["MONEYTRAIL_CACHE_DIR"] = str(CACHE)
    from moneytrail.api.screening import files_index

    base = Path(data)
    started = time.perf_counter()
    built: list[bool] = []
    index = files_index([base / UN_FILE, base / OFAC_FILE], lambda: built.append(True))
    return {
        "seconds_build": time.perf_counter() - started,
        "built": bool(built),
        "entries": len(index),
    }


def job_ours(data: str) -> dict[str, Any]:
    """Every KYC query through the stored index, one process on core 0."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    os.environ["MONEYTRAIL_CACHE_DIR"] = str(CACHE)
    from moneytrail.api.screening import files_index
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings

    base = Path(data)
    index = files_index([base / UN_FILE, base / OFAC_FILE])
    settings = ScreenSettings()
    queries = _queries()
    index.screen(Query(queries[0]["name"], queries[0]["schema"]), settings)  # warm the tables
    started = time.perf_counter()
    alerts = 0
    for row in queries:
        hits = index.screen(Query(row["name"], row["schema"]), settings)
        alerts += sum(h.score >= settings.threshold for h in hits)
    return {"queries": len(queries), "seconds": time.perf_counter() - started, "alerts": alerts}


def _peer(data: Path) -> dict[str, Any]:
    from benchmarks.bench_screen import ensure_peer
    from moneytrail.screen.lists import load_list

    python = ensure_peer()
    with tempfile.TemporaryDirectory() as tmp:
        listed, asked = Path(tmp) / "entries.jsonl", Path(tmp) / "queries.jsonl"
        with listed.open("w", encoding="utf-8") as handle:
            for lst in (load_list(data / UN_FILE), load_list(data / OFAC_FILE)):
                for e in lst.entries:
                    record = {"id": e.entry_id, "schema": e.schema, "names": list(e.names)}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        with asked.open("w", encoding="utf-8") as handle:
            for row in _queries():
                record = {"schema": row["schema"], "name": row["name"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        script = str(ROOT / "benchmarks" / "peer_nomenklatura.py")
        cmd = _pinned([str(python), script, "speed", str(asked), str(listed)])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _one_off(data: Path, runs: int = 5) -> float:
    """Median wall time of the one-off command, stored index present, fresh processes."""
    env = {**os.environ, "MONEYTRAIL_CACHE_DIR": str(CACHE)}
    cmd = [sys.executable, "-m", "moneytrail", "screen", "Hamadoun Koufa"]
    cmd += ["--list", str(data / UN_FILE), "--list", str(data / OFAC_FILE)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(_pinned(cmd), env=env, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_speed(data: Path) -> dict[str, Any]:
    """Both sides' figures (the caller writes them)."""
    build = measure("bench_screen_speed", "job_build", str(data))
    ours = measure("bench_screen_speed", "job_ours", str(data))
    return {
        "build": build,
        "ours": ours,
        "peer": _peer(data),
        "one_off": _one_off(data),
    }
