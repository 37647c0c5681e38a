"""Peer side of the screening benchmark, run with nomenklatura's own virtual environment.

nomenklatura pins ``duckdb<2`` and an exact scikit-learn, so it cannot share our environment:
``benchmarks.bench_screen`` creates ``benchmarks/.peer-nomenklatura`` and runs this file there.
It imports nothing from moneytrail. Prints one JSON line: pairs compared and seconds taken by
logic-v2. The input is any CSV with ``schema,name1,name2`` columns: the 826 benchmark cases, or
the (party name, candidate list name) pairs of the batch benchmark's sample
(``benchmarks/.data/screen_peer_pairs.csv``), so both matchers score the same candidates.

``screen QUERIES ENTRIES`` (JSON lines) is the peer as a deployment runs it (decision 0130): a
candidate search in front (the 30 entries with the best rapidfuzz ``WRatio`` over their names,
as yente puts a search index in front), then logic-v2 on each candidate; an alert is a score at
or above yente's shipped threshold, 0.70. Prints one JSON line: alerted entry ids per query.
``speed QUERIES ENTRIES`` runs the same on one process and prints its start-up and its rate.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig

PEER_THRESHOLD = 0.7  # yente's default score threshold
TOP_CANDIDATES = 30
FTM_SCHEMA = {"Person": "Person", "Organization": "Organization"}


def _entity(schema: str, ident: str, names: list[str]) -> Any:
    entity = model.make_entity(FTM_SCHEMA.get(schema, "LegalEntity"))
    entity.id = ident
    for name in names:
        entity.add("name", name)
    return entity


def _screen_one(job: tuple[dict[str, str], list[int]]) -> tuple[str, list[str]]:
    query, positions = job
    matcher = get_algorithm("logic-v2")
    assert matcher is not None
    config = ScoringConfig.defaults()
    # a fresh id per query: logic-v2 caches what it derives from an entity by its id
    left = _entity(query["schema"], f"query-{query['id']}", [query["name"]])
    alerts = []
    for position in positions:
        record = _ENTRIES[position]
        if (record["schema"] == "Person") != (query["schema"] == "Person"):
            continue
        right = _entity(record["schema"], record["id"], record["names"])
        if matcher.compare(left, right, config).score >= PEER_THRESHOLD:
            alerts.append(record["id"])
    return query["id"], alerts


_ENTRIES: list[dict[str, Any]] = []


def screen(queries_file: str, entries_file: str) -> None:
    """Top-30 rapidfuzz candidates, then logic-v2, for every query; two processes."""
    from multiprocessing import Pool

    from rapidfuzz import fuzz, process, utils

    with Path(entries_file).open(encoding="utf-8") as handle:
        _ENTRIES.extend(json.loads(line) for line in handle)
    with Path(queries_file).open(encoding="utf-8") as handle:
        queries = [json.loads(line) for line in handle]
    flat = [(n, name) for n, e in enumerate(_ENTRIES) for name in e["names"]]
    choices = [name for _, name in flat]
    jobs = []
    for query in queries:
        found = process.extract(
            query["name"],
            choices,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=TOP_CANDIDATES * 4,
        )
        positions: list[int] = []
        for _, _, index in found:
            if flat[index][0] not in positions:
                positions.append(flat[index][0])
        jobs.append((query, positions[:TOP_CANDIDATES]))
    with Pool(2) as pool:
        alerts = dict(pool.map(_screen_one, jobs, chunksize=16))
    print(json.dumps({"threshold": PEER_THRESHOLD, "alerts": alerts}))


def speed(queries_file: str, entries_file: str) -> None:
    """The same deployment as :func:`screen`, timed on one process: start-up (imports, list
    entities built, first query answered) apart from the steady rate over every query.
    The FtM entities of the list are built once, as a server would hold them."""
    started = time.perf_counter()
    from rapidfuzz import fuzz, process, utils

    with Path(entries_file).open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    with Path(queries_file).open(encoding="utf-8") as handle:
        queries = [json.loads(line) for line in handle]
    entities = [_entity(r["schema"], r["id"], r["names"]) for r in records]
    flat = [(n, name) for n, r in enumerate(records) for name in r["names"]]
    choices = [utils.default_process(name) for _, name in flat]
    matcher = get_algorithm("logic-v2")
    assert matcher is not None
    config = ScoringConfig.defaults()

    def one(number: int, query: dict[str, str]) -> int:
        found = process.extract(
            utils.default_process(query["name"]),
            choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=TOP_CANDIDATES * 4,
        )
        positions: list[int] = []
        for _, _, index in found:
            if flat[index][0] not in positions:
                positions.append(flat[index][0])
        left = _entity(query["schema"], f"query-{number}", [query["name"]])
        alerts = 0
        for position in positions[:TOP_CANDIDATES]:
            if (records[position]["schema"] == "Person") != (query["schema"] == "Person"):
                continue
            if matcher.compare(left, entities[position], config).score >= PEER_THRESHOLD:
                alerts += 1
        return alerts

    one(-1, queries[0])
    startup = time.perf_counter() - started
    began = time.perf_counter()
    alerts = sum(one(n, q) for n, q in enumerate(queries))
    seconds = time.perf_counter() - began
    print(
        json.dumps(
            {"queries": len(queries), "seconds": seconds, "startup": startup, "alerts": alerts}
        )
    )


def main() -> None:
    """Compare every pair of the cases file ``repeat`` times with logic-v2."""
    if sys.argv[1] == "screen":
        screen(sys.argv[2], sys.argv[3])
        return
    if sys.argv[1] == "speed":
        speed(sys.argv[2], sys.argv[3])
        return
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
