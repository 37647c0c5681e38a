"""Screening throughput: queries per second on one core against UN + OFAC SDN 2024 lists.

Queries are every name1 and name2 of nomenklatura's name_bench cases (1,652 names in many scripts
and spellings), screened with the default settings through the candidate index, one process, one
thread. Run::

    .venv/bin/python benchmarks/screen_throughput.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path

from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import Query
from moneytrail.screen.settings import ScreenSettings


def main() -> None:
    """Print one JSON document with the figures."""
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared" / "data"
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    started = time.perf_counter()
    lists = [
        load_list(data / "sanctions/un/UN_consolidated_2026-02-27.xml"),
        load_list(data / "sanctions/ofac_sdn_2024/sdn_2024-05-03.csv"),
    ]
    loaded = time.perf_counter()
    index = CandidateIndex(lists)
    indexed = time.perf_counter()
    with (data / "names/opensanctions/nomenklatura_name_bench_cases.csv").open(
        encoding="utf-8"
    ) as f:
        names = [n for row in csv.DictReader(f) for n in (row["name1"], row["name2"])]
    settings = ScreenSettings()
    hits = 0
    t0 = time.perf_counter()
    for name in names:
        hits += len(index.screen(Query(name), settings))
    elapsed = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "entries": len(index),
                "names_indexed": sum(len(e.names) for e in index.entries),
                "load_s": round(loaded - started, 2),
                "index_s": round(indexed - loaded, 2),
                "queries": len(names),
                "hits": hits,
                "seconds": round(elapsed, 2),
                "queries_per_second": round(len(names) / elapsed, 1),
                "max_candidates": settings.max_candidates,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
