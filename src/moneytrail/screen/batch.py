"""Batch screening of every workspace party: distinct names once, in parallel, facts per party.

Why this shape: a customer base of a million Sahel parties repeats names a lot ("Mamadou
Traoré" thousands of times), and the name score does not depend on the party. So

1. SQL lists every (party, name or alias) with a *dedupe key* (lower case, accents stripped,
   spaces collapsed: exactly what the tokeniser ignores) and groups the keys: each distinct
   name is screened once.
2. The distinct names are screened by :meth:`CandidateIndex.name_hits` in ``workers`` processes
   (fork: the index built once in the parent is shared copy-on-write), keeping every list entry
   whose *name* score could still reach ``review_threshold`` once the facts are added.
3. DuckDB joins those name hits back to the parties (a temporary table DuckDB may spill to
   disk), read back in pages of ``PAGE_PARTIES`` parties; each joined row is corroborated with the
   party's own birth date, countries and identifiers (the same
   :func:`~moneytrail.screen.scorer.corroborate` as single-name screening), and the hits at or
   above ``review_threshold`` are written as findings, one Arrow batch at a time, never one
   statement per party.

Result: the findings equal those of screening each party one by one (a test checks it), at the
cost of one name screening per distinct name. Assumption (named): a party's kind decides its
rules (person kinds: Person rules; any other kind: organisation rules).

Example::

    summary = screen_parties(ws.engine, ScreenSettings(), workers=2)
    summary["distinct_names"], summary["matches_new"]
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.engine.runs import JobRun
from moneytrail.model.ids import natural_key
from moneytrail.screen.entry import country_codes
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.scorer import SCORER_NAME, SCORER_VERSION, Hit, Query, corroborate
from moneytrail.screen.settings import ScreenSettings

Progress = Callable[[int, int], None]
CHUNK = 256  # distinct names per task sent to a worker
JOIN_SLICE = 50_000  # name hits sent to DuckDB at a time
PAGE_PARTIES = 20_000  # parties whose joined hits are corroborated at a time
Chunk = list[tuple[str, str, str, int]]  # (schema, dedupe key, name, how many rows have it)

_QUERIES = """
CREATE OR REPLACE TEMP TABLE screen_batch_queries AS
WITH named AS (
    SELECT id AS party_id, kind, name FROM parties
    UNION ALL
    SELECT id, kind, unnest(aliases) FROM parties WHERE aliases IS NOT NULL
)
SELECT party_id,
       CASE WHEN lower(kind) IN ('person', 'individual') THEN 'Person' ELSE 'Organization' END
           AS schema,
       name,
       lower(strip_accents(trim(regexp_replace(name, '\\s+', ' ', 'g')))) AS key
FROM named WHERE name IS NOT NULL AND trim(name) <> ''
"""
_DISTINCT = (
    "SELECT schema, key, min(name) AS name, count(*) AS parties FROM screen_batch_queries "
    "GROUP BY schema, key ORDER BY schema, key"
)
_HITS_TABLE = (
    "CREATE OR REPLACE TEMP TABLE screen_batch_hits (schema VARCHAR, key VARCHAR, "
    "position INTEGER, matched_name VARCHAR, name_score DOUBLE, features VARCHAR)"
)
_JOIN = """
CREATE OR REPLACE TEMP TABLE screen_batch_joined AS
SELECT q.party_id, q.name AS query, h.position, h.matched_name, h.name_score, h.features,
       CAST(p.birth_date AS VARCHAR) AS birth_date, p.nationality, p.country, i.ids
FROM screen_batch_queries q
JOIN screen_batch_hits h ON h.schema = q.schema AND h.key = q.key
JOIN parties p ON p.id = q.party_id
LEFT JOIN (SELECT owner_id, list(value) AS ids FROM identifiers GROUP BY owner_id) i
    ON i.owner_id = q.party_id
WHERE h.name_score >= ? OR i.ids IS NOT NULL
"""
_PAGE_ENDS = (
    "SELECT party_id FROM (SELECT party_id, row_number() OVER (ORDER BY party_id) AS rank "
    "FROM (SELECT DISTINCT party_id FROM screen_batch_joined)) WHERE rank % ? = 0 "
    "ORDER BY party_id"
)
_PAGE = (
    "SELECT * FROM screen_batch_joined WHERE party_id > ? AND (? IS NULL OR party_id <= ?) "
    "ORDER BY party_id, query, position"
)
_STAGE = "CREATE OR REPLACE TEMP TABLE screen_batch_new AS SELECT * FROM screening_matches LIMIT 0"
_MERGE = (
    "INSERT INTO screening_matches SELECT * FROM screen_batch_new s "
    "WHERE NOT EXISTS (SELECT 1 FROM screening_matches m WHERE m.id = s.id)"
)

_worker: dict[str, Any] = {}  # per worker process: the index, settings and floor (set by fork)


def _init(index: CandidateIndex, settings: ScreenSettings, floor: float) -> None:
    _worker.update(index=index, settings=settings, floor=floor)


def _screen_chunk(chunk: Chunk) -> tuple[list[tuple[Any, ...]], int]:
    """Name hits of a chunk of distinct names: rows of ``screen_batch_hits`` and the parties
    covered (for the progress bar)."""
    index: CandidateIndex = _worker["index"]
    rows: list[tuple[Any, ...]] = []
    for schema, key, name, _ in chunk:
        for hit in index.name_hits(
            Query(name, schema or None), _worker["settings"], _worker["floor"]
        ):
            position = index.position_of(hit)
            features = json.dumps(hit.features, ensure_ascii=False)
            rows.append((schema, key, position, hit.matched_name, hit.name_score, features))
    return rows, sum(c[3] for c in chunk)


def _chunks(names: pa.Table) -> Iterator[Chunk]:
    for start in range(0, names.num_rows, CHUNK):
        part = names.slice(start, CHUNK).to_pydict()
        yield list(zip(part["schema"], part["key"], part["name"], part["parties"], strict=True))


def _name_stage(
    engine: Engine,
    index: CandidateIndex,
    settings: ScreenSettings,
    workers: int,
    progress: Progress | None,
    total: int,
) -> int:
    """Screen the distinct names into ``screen_batch_hits``; returns how many there were.
    ``progress`` counts party names (names and aliases) screened out of ``total``."""
    names = engine.fetch_arrow(_DISTINCT)
    engine.execute(_HITS_TABLE)
    floor = max(1e-9, settings.review_threshold - _all_bonuses(settings))
    columns = ("schema", "key", "position", "matched_name", "name_score", "features")
    pending: list[tuple[Any, ...]] = []
    done = 0

    def flush() -> None:
        if pending:
            data = pa.table(dict(zip(columns, map(list, zip(*pending, strict=True)), strict=True)))
            engine.append_arrow("screen_batch_hits", data)
            pending.clear()

    def absorb(result: tuple[list[tuple[Any, ...]], int]) -> None:
        nonlocal done
        pending.extend(result[0])
        done += result[1]
        if len(pending) >= JOIN_SLICE:
            flush()
        if progress is not None:
            progress(done, total)

    for result in distinct_hits(index, settings, floor, _chunks(names), workers):
        absorb(result)
    flush()
    return int(names.num_rows)


def distinct_hits(
    index: CandidateIndex,
    settings: ScreenSettings,
    floor: float,
    chunks: Iterable[Chunk],
    workers: int,
) -> Iterator[tuple[list[tuple[Any, ...]], int]]:
    """Name hits of each chunk of distinct names (rows ``(schema, key, position, matched_name,
    name_score, features JSON)``) and the rows each chunk covers, over ``workers`` processes
    (fork: the index is shared copy-on-write; a stored index opens its own file per worker)."""
    if workers <= 1:
        _init(index, settings, floor)
        for chunk in chunks:
            yield _screen_chunk(chunk)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init, initargs=(index, settings, floor)) as pool:
        yield from pool.imap_unordered(_screen_chunk, chunks)


def _all_bonuses(settings: ScreenSettings) -> float:
    return settings.dob_match_bonus + settings.country_match_bonus + settings.identifier_match_bonus


Found = tuple[str, str, str, Hit, str]  # party id, query, list tag, hit, name features (JSON)


def _party_hits(
    index: CandidateIndex, rows: list[dict[str, Any]], settings: ScreenSettings
) -> Iterator[Found]:
    """Findings for joined rows sorted by party and query name: the facts corroborate, the best
    ``max_results`` per name are kept, the best per entry wins. The hit's ``features`` hold the
    facts only; the name features stay the JSON text the worker wrote (hot path: no parsing)."""
    best: dict[tuple[str, str, str], tuple[str, Hit, str]] = {}
    group: list[tuple[Hit, str]] = []
    current: tuple[str, str] | None = None

    def close_group() -> None:
        if current is None:
            return
        group.sort(key=lambda g: (-g[0].score, g[0].entry.entry_id))
        for hit, names_json in group[: settings.max_results]:
            key = (current[0], hit.tag, hit.entry.entry_id)
            if key not in best or hit.score > best[key][1].score:
                best[key] = (current[1], hit, names_json)
        group.clear()

    for row in rows:
        if (row["party_id"], row["query"]) != current:
            close_group()
            current = (row["party_id"], row["query"])
        entry = index.entry(row["position"])
        countries = country_codes((row["nationality"], row["country"]))
        query = Query(row["query"], None, row["birth_date"], countries, tuple(row["ids"] or ()))
        delta, facts = corroborate(query, entry, settings)
        score = max(0.0, min(1.0, row["name_score"] + delta))
        if score >= settings.review_threshold:
            hit = Hit(entry, score, row["name_score"], row["matched_name"], facts)
            hit.tag = index.tag(row["position"])
            group.append((hit, row["features"]))
    close_group()
    for (party_id, tag, _), (query_name, hit, names_json) in best.items():
        yield party_id, query_name, tag, hit, names_json


def _explanation(hit: Hit, names_json: str) -> str:
    """``Hit.explanation()`` as JSON text, the name features pasted in as the worker wrote them."""
    facts = json.dumps(hit.features, ensure_ascii=False)[1:-1]
    features = ", ".join(part for part in (names_json[1:-1], facts) if part)
    matched = json.dumps(hit.matched_name, ensure_ascii=False)
    return (
        f'{{"scorer": "{SCORER_NAME}", "version": {SCORER_VERSION}, "matched_name": {matched}, '
        f'"name_score": {round(hit.name_score, 4)}, "score": {round(hit.score, 4)}, '
        f'"features": [{features}]}}'
    )


def _finding_rows(found: list[Found]) -> pa.Table:
    scorer = f"{SCORER_NAME}-v{SCORER_VERSION}"
    now = datetime.now(UTC).replace(tzinfo=None)
    ids = [natural_key("screening_match", f[0], f[2], f[3].entry.entry_id, scorer) for f in found]
    return pa.table(
        {
            "id": ids,
            "party_id": [f[0] for f in found],
            "query": [f[1] for f in found],
            "version_id": [f[2] for f in found],
            "entry_id": [f[3].entry.entry_id for f in found],
            "matched_name": [f[3].matched_name for f in found],
            "score": [round(f[3].score, 4) for f in found],
            "scorer": [SCORER_NAME] * len(found),
            "scorer_version": [str(SCORER_VERSION)] * len(found),
            "explanation": [_explanation(f[3], f[4]) for f in found],
            "status": ["to_review"] * len(found),
            "created_at": pa.array([now] * len(found), pa.timestamp("us")),
        }
    )


def screen_all(
    engine: Engine,
    index: CandidateIndex,
    settings: ScreenSettings,
    workers: int = 1,
    progress: Progress | None = None,
    run: JobRun | None = None,
) -> dict[str, Any]:
    """Screen every party with ``index``; store new findings; return the counts.

    The findings are written in one transaction (every page or none), with ``run`` (the job's
    record in ``job_runs``) marked done inside it: a screening killed half-way keeps nothing.
    """
    clock = [time.perf_counter()]
    engine.execute(_QUERIES)
    parties, names = engine.fetchall(
        "SELECT count(DISTINCT party_id), count(*) FROM screen_batch_queries"
    )[0]
    distinct = _name_stage(engine, index, settings, workers, progress, int(names))
    clock.append(time.perf_counter())
    floor = settings.review_threshold - settings.dob_match_bonus - settings.country_match_bonus
    engine.execute(_JOIN, [floor])  # DuckDB holds (and may spill) the party x hit rows
    ends = [str(r[0]) for r in engine.fetchall(_PAGE_ENDS, [PAGE_PARTIES])]
    engine.execute(_STAGE)
    hits = new = 0
    low = ""
    counts: dict[str, Any] = {
        "parties": int(parties),
        "names": int(names),
        "distinct_names": distinct,
    }
    with engine.transaction():
        for high in [*ends, None]:
            page = engine.fetch_arrow(_PAGE, [low, high, high]).to_pylist()
            low = high or low
            found = list(_party_hits(index, page, settings))
            if not found:
                continue
            hits += len(found)
            engine.append_arrow("screen_batch_new", _finding_rows(found))
            before = int(engine.fetchall("SELECT count(*) FROM screening_matches")[0][0])
            engine.execute(_MERGE)
            engine.execute("DELETE FROM screen_batch_new")
            new += int(engine.fetchall("SELECT count(*) FROM screening_matches")[0][0]) - before
        counts |= {"hits": hits, "matches_new": new}
        if run is not None:
            run.done(engine, counts)
    clock.append(time.perf_counter())
    for table in ("queries", "hits", "joined", "new"):
        engine.execute(f"DROP TABLE IF EXISTS screen_batch_{table}")
    return {
        **counts,
        "seconds": {
            "names": round(clock[1] - clock[0], 2),
            "parties": round(clock[2] - clock[1], 2),
        },
    }
