"""Screening benchmark: our scorer and screening against nomenklatura's logic-v2, same run.

Two figures, both on one core (``taskset -c 0`` when available):

* pairs per second: every pair of OpenSanctions' 826-pair name benchmark compared by our
  ``compare_names`` and by logic-v2 (``matcher.compare`` on FtM entities), same pairs;
* queries per second: every name of those pairs screened against UN 2026-02-27 + OFAC SDN
  2024-05-03 through our candidate index. logic-v2 has no index of its own (yente puts
  Elasticsearch in front of it), so its brute-force rate is its pairs/s divided by the number of
  list names a query would have to be compared with: a derived figure, labelled as such.

logic-v2 runs in its own virtual environment (``benchmarks/.peer-nomenklatura``, created on first
use with pip), since nomenklatura pins ``duckdb<2``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, measure, stamp, write_section
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION

PEER_VENV = ROOT / "benchmarks" / ".peer-nomenklatura"
# the peer, and the fuzzy search that stands in front of it as yente's candidate stage does
# (rapidfuzz is not among nomenklatura's own dependencies: a fresh environment lacks it)
PEER_PINS = ("nomenklatura==4.17.4", "rapidfuzz==3.14.6")


def shared_data() -> Path:
    """``shared/data`` beside the repository."""
    for base in (ROOT, *ROOT.parents):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    raise SystemExit("shared/data not found beside the repository")


def cases_file() -> Path:
    return shared_data() / "names/opensanctions/nomenklatura_name_bench_cases.csv"


def job_pairs(cases: str, repeat: str) -> dict[str, Any]:
    """Ours: compare every pair ``repeat`` times."""
    from moneytrail.screen.compare import compare_names
    from moneytrail.screen.evaluate import schema_of

    with Path(cases).open(encoding="utf-8", newline="") as handle:
        rows = [(r["name1"], r["name2"], schema_of(r["schema"])) for r in csv.DictReader(handle)]
    started = time.perf_counter()
    compare_names("Amadou Traoré", "Amadou Traore", "Person")  # loads rigour's name tagger once
    warm_up = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(int(repeat)):
        for left, right, schema in rows:
            compare_names(left, right, schema)
    seconds = time.perf_counter() - started
    return {"pairs": len(rows) * int(repeat), "seconds": seconds, "warm_up_seconds": warm_up}


def job_queries(data: str) -> dict[str, Any]:
    """Ours: screen every benchmark name against UN + OFAC through the candidate index."""
    from moneytrail.screen.index import CandidateIndex
    from moneytrail.screen.lists import load_list
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings

    base = Path(data)
    lists = [
        load_list(base / "sanctions/un/UN_consolidated_2026-02-27.xml"),
        load_list(base / "sanctions/ofac_sdn_2024/sdn_2024-05-03.csv"),
    ]
    index = CandidateIndex(lists)
    with (base / "names/opensanctions/nomenklatura_name_bench_cases.csv").open(
        encoding="utf-8"
    ) as f:
        names = [n for row in csv.DictReader(f) for n in (row["name1"], row["name2"])]
    settings = ScreenSettings()
    started = time.perf_counter()
    for name in names:
        index.screen(Query(name), settings)
    return {
        "queries": len(names),
        "seconds": time.perf_counter() - started,
        "entries": len(index),
        "names_indexed": sum(len(e.names) for e in index.entries),
    }


def ensure_peer() -> Path:
    """The peer's Python, its virtual environment created on first use (PEERS.md)."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    check = [str(python), "-c", "import nomenklatura, rapidfuzz"]
    ready = subprocess.run(check, check=False, stderr=subprocess.DEVNULL)
    if ready.returncode != 0:  # new, or made before the candidate search's pin was added
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PINS], check=True)
    return python


def _peer(cases: Path, repeat: int) -> dict[str, Any]:
    python = ensure_peer()
    cmd = [str(python), str(ROOT / "benchmarks" / "peer_nomenklatura.py"), str(cases), str(repeat)]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def run(repeat: int = 3, batch: bool = True) -> str:
    """Measure both sides and write the ``screen`` section of docs/benchmarks.md (and, with
    ``batch``, the 1M-party batch section, which takes about 10 minutes)."""
    cases = cases_file()
    pairs = measure("bench_screen", "job_pairs", str(cases), str(repeat))
    peer = _peer(cases, repeat)
    ours_pps = pairs.figures["pairs"] / pairs.figures["seconds"]
    peer_pps = peer["pairs"] / peer["seconds"]
    from benchmarks.bench_screen_speed import run_speed

    speed = run_speed(shared_data())
    ours, theirs, build = speed["ours"].figures, speed["peer"], speed["build"]
    qps = ours["queries"] / ours["seconds"]
    peer_qps = theirs["queries"] / theirs["seconds"]
    body = f"""## Sanctions screening: ours vs nomenklatura logic-v2, like for like

{stamp()} Command: `python -m benchmarks.run screen` (`benchmarks/bench_screen.py`,
`benchmarks/bench_screen_speed.py`). Load average when it ended: {os.getloadavg()[0]:.1f}
(figures taken on a machine busy with other jobs are upper bounds for both sides).

| measure | moneytrail (`{SCORER_NAME}` v{SCORER_VERSION}) | peer: nomenklatura logic-v2 | ratio |
|---|---:|---:|---:|
| name pairs compared per second, one core (826 pairs x {repeat}) | {ours_pps:,.0f} | {peer_pps:,.0f} | {ours_pps / peer_pps:.1f}x |
| queries per second, one core: {ours["queries"]:,} Sahel KYC queries against UN + OFAC SDN ({build.figures["entries"]:,} entries) | {qps:,.1f} (stored candidate index) | {peer_qps:,.1f} (top-30 rapidfuzz `WRatio` search, then logic-v2) | {qps / peer_qps:,.1f}x |
| start-up: one query in a fresh process | {speed["one_off"]:.2f} s (`moneytrail screen NAME --list UN --list OFAC`, index stored, median of 5) | {theirs["startup"]:.2f} s (imports, list entities built, first query) | {theirs["startup"] / speed["one_off"]:.1f}x |

The index of these two lists is built once per list version and kept in the cache directory:
{build.figures["seconds_build"]:.1f} s in this run ({"built" if build.figures["built"] else "found already built"}), peak
{build.peak_mib:,.0f} MiB; our query job's peak memory: {speed["ours"].peak_mib:,.0f} MiB.
Alerts at the shipped thresholds over the same queries (0.8 ours, 0.7 the peer's): {ours["alerts"]:,}
vs {theirs["alerts"]:,} (quality: evaluation.md, Sahel KYC set). Goals (issue 18): queries/s
>= 50x the like-for-like peer; one-off screen < 1 s warm.
The pairs line compares the same 826 pairs three times on each side (each side's caches
warm after the first pass); the queries line is the like-for-like figure of issue 18.
"""
    write_section("screen", body)
    if not batch:
        return body
    from benchmarks.bench_screen_batch import run_batch

    return body + "\n" + run_batch()


def _lists(data: Path) -> list[Any]:
    from moneytrail.screen.lists import load_list

    return [
        load_list(data / "sanctions/un/UN_consolidated_2026-02-27.xml"),
        load_list(data / "sanctions/ofac_sdn_2024/sdn_2024-05-03.csv"),
    ]


def job_blocking_recall(data: str) -> dict[str, Any]:
    """Recall of the candidate index + score bound: each labelled name2 is hidden among the
    UN + OFAC entries and name1 is screened; of the pairs the scorer itself matches, how many
    does ``CandidateIndex.screen`` return?"""
    from moneytrail.screen.compare import compare_names
    from moneytrail.screen.entry import ListEntry, SanctionsList
    from moneytrail.screen.evaluate import schema_of
    from moneytrail.screen.index import CandidateIndex
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings

    settings = ScreenSettings()
    with cases_file().open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["is_match"].strip().lower() == "true"]
    base = _lists(Path(data))
    hidden = [
        ListEntry(
            f"case{n}", "Person" if r["schema"] == "Person" else "Organization", (r["name2"],)
        )
        for n, r in enumerate(rows)
    ]
    index = CandidateIndex([*base, SanctionsList("cases", hidden)])
    matched = kept = 0
    for n, row in enumerate(rows):
        schema = schema_of(row["schema"])
        if compare_names(row["name1"], row["name2"], schema).score < settings.threshold:
            continue
        matched += 1
        hits = index.screen(
            Query(row["name1"], schema), settings.model_copy(update={"max_results": 1000})
        )
        case = f"case{n}"  # merged into a listed entry of the same name: kept too (issue 18)
        kept += any(h.entry.entry_id == case or case in (e for _, e in h.also) for h in hits)
    return {"matched_by_scorer": matched, "kept_by_index": kept}
