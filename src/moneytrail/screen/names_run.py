"""Screen the rows of a names file (:mod:`moneytrail.screen.names_file`) and write the hits.

Each distinct name (``schema`` + the batch path's dedupe key: case, accents and spaces
ignored) is screened once, over ``workers`` processes, keeping every entry whose *name* score
could still reach ``review_threshold`` once a row's facts are added; each row then corroborates
its name's hits with its own birth date, countries and identifiers, exactly as
``screen NAME --dob --country`` would (a test checks both agree). The same person on several
lists is one hit (:func:`~moneytrail.screen.merge.merge_same_person`).

Output: CSV (UTF-8 with a byte-order mark, cells that would start a formula quoted: see
:mod:`moneytrail.files.cells`) or JSON lines, chosen by the file's suffix, written whole or not
at all. One line per (row, hit); with ``every_row`` a row without hit gets one line too
(``status`` ``no_hit``), so the file proves each customer was screened.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moneytrail.files.cells import escape_cell
from moneytrail.files.outputs import atomic_output
from moneytrail.screen.batch import Chunk, distinct_hits
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.merge import merge_same_person
from moneytrail.screen.names_file import NameRow
from moneytrail.screen.scorer import Hit, corroborate
from moneytrail.screen.settings import ScreenSettings

CHUNK = 256
OUT_COLUMNS = (
    "line", "ref", "name", "dob", "countries", "status", "score", "list", "list_version",
    "entry_id", "listed_name", "matched_name", "also_listed", "reasons", "explanation",
)  # fmt: skip
Progress = Callable[[int, int], None]


@dataclass
class RowResult:
    """The hits of one row, best first (empty: no hit)."""

    row: NameRow
    hits: list[Hit]


def dedupe_key(name: str) -> str:
    """What the tokeniser ignores removed: case, accents, repeated spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def distinct_chunks(rows: list[NameRow]) -> list[Chunk]:
    """The rows' distinct names in chunks for the workers, each with how many rows have it."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    names: dict[tuple[str, str], str] = {}
    for row in rows:
        key = (row.query.schema or "", dedupe_key(row.query.name))
        counts[key] += 1
        names.setdefault(key, row.query.name)
    items = [(schema, key, names[(schema, key)], n) for (schema, key), n in counts.items()]
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def screen_rows(
    index: CandidateIndex,
    rows: list[NameRow],
    settings: ScreenSettings,
    workers: int = 1,
    progress: Progress | None = None,
) -> Iterator[RowResult]:
    """Each row with its hits at or above ``review_threshold``, in file order."""
    chunks = distinct_chunks(rows)
    bonuses = settings.dob_match_bonus + settings.country_match_bonus
    floor = max(1e-9, settings.review_threshold - bonuses - settings.identifier_match_bonus)
    found: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    done = 0
    for hits, covered in distinct_hits(index, settings, floor, chunks, workers):
        for hit in hits:
            found[(hit[0], hit[1])].append(hit)
        done += covered
        if progress is not None:
            progress(done, len(rows))
    for row in rows:
        key = (row.query.schema or "", dedupe_key(row.query.name))
        yield RowResult(row, _row_hits(index, row, found.get(key, []), settings))


def _row_hits(
    index: CandidateIndex, row: NameRow, name_hits: list[tuple[Any, ...]], settings: ScreenSettings
) -> list[Hit]:
    kept: list[tuple[int, Hit]] = []
    for _, _, position, matched, name_score, features in name_hits:
        entry = index.entry(position)
        delta, facts = corroborate(row.query, entry, settings)
        score = max(0.0, min(1.0, name_score + delta))
        if score >= settings.review_threshold:
            hit = Hit(entry, score, name_score, matched, [*json.loads(features), *facts])
            hit.tag = index.tag(position)
            kept.append((position, hit))
    kept.sort(key=lambda k: (-k[1].score, k[0]))
    return merge_same_person([h for _, h in kept])[: settings.max_results]


def _lines(
    results: Iterator[RowResult], settings: ScreenSettings, sources: dict[str, str], every: bool
) -> Iterator[dict[str, Any]]:
    for result in results:
        query = result.row.query
        base = {
            "line": result.row.line,
            "ref": result.row.ref,
            "name": query.name,
            "dob": query.birth_date or "",
            "countries": " ".join(query.countries),
        }
        if not result.hits and every:
            yield base | {"status": "no_hit"}
        for hit in result.hits:
            explanation = hit.explanation()
            yield base | {
                "status": "match" if hit.score >= settings.threshold else "to_review",
                "score": round(hit.score, 4),
                "list": sources.get(hit.tag, hit.tag),
                "list_version": hit.tag,
                "entry_id": hit.entry.entry_id,
                "listed_name": hit.entry.primary_name,
                "matched_name": hit.matched_name,
                "also_listed": " ".join(f"{sources.get(t, t)}:{e}" for t, e in hit.also),
                "reasons": " ".join(str(f["feature"]) for f in explanation["features"]),
                "explanation": explanation,
            }


def write_results(
    target: Path,
    results: Iterator[RowResult],
    settings: ScreenSettings,
    sources: dict[str, str],
    every_row: bool = False,
) -> dict[str, int]:
    """Write ``results`` to ``target`` (``.csv`` or ``.jsonl``); counts of what was written."""
    counts = {"lines": 0, "rows_with_hits": 0, "matches": 0, "to_review": 0}
    last_line = -1
    with atomic_output(target) as part, part.open("w", encoding="utf-8", newline="") as handle:
        as_csv = target.suffix.lower() == ".csv"
        writer = csv.writer(handle, lineterminator="\r\n") if as_csv else None
        if writer is not None:
            handle.write("\ufeff")
            writer.writerow(OUT_COLUMNS)
        for line in _lines(results, settings, sources, every_row):
            counts["lines"] += 1
            status = line["status"]
            if status != "no_hit":
                counts["matches" if status == "match" else "to_review"] += 1
                if line["line"] != last_line:
                    counts["rows_with_hits"] += 1
                    last_line = line["line"]
            if writer is not None:
                cells = [line.get(c, "") for c in OUT_COLUMNS]
                cells[-1] = json.dumps(cells[-1], ensure_ascii=False) if cells[-1] else ""
                writer.writerow([escape_cell(c) for c in cells])
            else:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    return counts
