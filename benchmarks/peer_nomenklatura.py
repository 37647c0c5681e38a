"""Peer side of the screening benchmark, run with nomenklatura's own virtual environment.

nomenklatura pins ``duckdb<2`` and an exact scikit-learn, so it cannot share our environment:
``benchmarks.bench_screen`` creates ``benchmarks/.peer-nomenklatura`` and runs this file there.
It imports nothing from moneytrail. Prints one JSON line: pairs compared and seconds taken by
logic-v2. The input is any CSV with ``schema,name1,name2`` columns: the 826 benchmark cases, or
the (party name, candidate list name) pairs of the batch benchmark's sample
(``benchmarks/.data/screen_peer_pairs.csv``), so both matchers score the same candidates.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig


def main() -> None:
    """Compare every pair of the cases file ``repeat`` times with logic-v2."""
    cases, repeat = sys.argv[1], int(sys.argv[2])
    matcher = get_algorithm("logic-v2")
    if matcher is None:
        raise SystemExit("logic-v2 not found")
    config = ScoringConfig.defaults()
    pairs = []
    with Path(cases).open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle)):
            schema = row["schema"] if row["schema"] in ("Person", "Company") else "LegalEntity"
            left, right = model.make_entity(schema), model.make_entity(schema)
            left.id, right.id = f"l{n}", f"r{n}"
            left.add("name", row["name1"])
            right.add("name", row["name2"])
            pairs.append((left, right))
    started = time.perf_counter()
    for _ in range(repeat):
        for left, right in pairs:
            matcher.compare(left, right, config)
    seconds = time.perf_counter() - started
    print(json.dumps({"pairs": len(pairs) * repeat, "seconds": seconds}))


if __name__ == "__main__":
    main()
