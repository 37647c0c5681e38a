"""Pairwise precision, recall and F1 of entity resolution against a known truth.

Truth: parties labelled ``same_person`` in ``labels`` (``moneytrail synth`` writes them in
``truth_identities.parquet``; ``moneytrail ingest`` loads it), or such a file given directly.
Two parties are a true pair when they share the truth's ``instance_id`` (the true person).
Assumption: parties the truth does not list are distinct people, so any link that touches them
is a false positive (true of generated data; on real data the truth is what analysts confirmed).

What is scored:

* ``clusters``: every pair inside an effective cluster (what an analyst sees merged);
* ``pairs``: the linker's pairs at or above the threshold, before clustering and decisions;
* ``exact_name`` baseline: same kind and the same name once lower-cased, accents stripped and
  spaces collapsed (what a naive tool does);
* ``fuzzy_name`` baseline: same kind and rapidfuzz ``token_sort_ratio`` >= 90 on that name
  (kinds with more than ``FUZZY_MAX`` parties are skipped: the comparison is quadratic).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from moneytrail.engine.base import Engine
from moneytrail.errors import BadInputError, Problem, UsageError
from moneytrail.files.literal import literal_path
from moneytrail.resolve.store import require_run

TRUTH_COLUMNS = {"instance_id", "subject_kind", "subject_id", "role"}
FUZZY_MAX = 50_000
FUZZY_CUTOFF = 90
NAIVE_KEY = "lower(strip_accents(trim(regexp_replace(name, '\\s+', ' ', 'g'))))"


@dataclass(frozen=True)
class Score:
    """Pairwise quality of one method."""

    method: str
    predicted: int
    true_positives: int
    truth: int
    precision: float
    recall: float
    f1: float


def _score(method: str, predicted: int, hits: int, truth: int) -> Score:
    precision = hits / predicted if predicted else 0.0
    recall = hits / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        method, predicted, hits, truth, round(precision, 4), round(recall, 4), round(f1, 4)
    )


def _truth_sql(truth_file: Path | None) -> tuple[str, list[str]]:
    if truth_file is None:
        members = (
            "SELECT instance_id, subject_id FROM labels"
            " WHERE label = 'same_person' AND subject_kind = 'party'"
        )
        return members, []
    if not truth_file.is_file():
        raise UsageError("error.resolve_truth_missing", path=str(truth_file))
    try:
        names = set(pq.read_schema(truth_file).names)
    except (OSError, pa.ArrowException):
        names = set()
    if not names >= TRUTH_COLUMNS:
        problem = Problem(str(truth_file), "resolve_truth_columns", field="columns")
        raise BadInputError("error.file_refused", problems=[problem], file=str(truth_file))
    members = (
        "SELECT instance_id, subject_id FROM read_parquet(?)"
        " WHERE role = 'same_person' AND subject_kind = 'party'"
    )
    return members, [str(truth_file)]


def evaluate(
    engine: Engine, truth_file: Path | None = None, *, baselines: bool = True
) -> list[Score]:
    """Scores of the latest run (and of the baselines) against the truth."""
    run_id, threshold = require_run(engine)
    members, params = _truth_sql(truth_file)
    with literal_path(truth_file or Path()) as literal:
        params = [str(literal)] if params else []
        engine.execute(
            "CREATE OR REPLACE TEMP TABLE mt_truth_pairs AS SELECT DISTINCT"  # noqa: S608 - fixed SQL
            " least(a.subject_id, b.subject_id) AS l, greatest(a.subject_id, b.subject_id) AS r"
            f" FROM ({members}) a JOIN ({members}) b"
            " ON a.instance_id = b.instance_id AND a.subject_id < b.subject_id",
            params + params,
        )
    truth = int(engine.fetchall("SELECT count(*) FROM mt_truth_pairs")[0][0])
    if truth == 0:
        raise UsageError("error.resolve_no_truth")
    methods: dict[str, tuple[str, list[object]]] = {
        "clusters": (
            "SELECT a.party_id AS l, b.party_id AS r FROM resolution_clusters a"
            " JOIN resolution_clusters b ON a.run_id = b.run_id AND a.cluster_id = b.cluster_id"
            " AND a.party_id < b.party_id WHERE a.run_id = ?",
            [run_id],
        ),
        "pairs": (
            "SELECT left_id AS l, right_id AS r FROM resolution_pairs"
            " WHERE run_id = ? AND match_probability >= ?",
            [run_id, threshold],
        ),
    }
    if baselines:
        methods["exact_name"] = (
            f"WITH k AS (SELECT id, kind, {NAIVE_KEY} AS key FROM parties)"  # noqa: S608 - constant
            " SELECT a.id AS l, b.id AS r FROM k a JOIN k b"
            " ON a.key = b.key AND a.kind = b.kind AND a.id < b.id",
            [],
        )
    scores = [_measure(engine, name, sql, args, truth) for name, (sql, args) in methods.items()]
    if baselines:
        engine.execute("CREATE OR REPLACE TEMP TABLE mt_fuzzy_pairs (l VARCHAR, r VARCHAR)")
        _fuzzy_pairs(engine)
        scores.append(_measure(engine, "fuzzy_name", "SELECT l, r FROM mt_fuzzy_pairs", [], truth))
    return scores


def _measure(engine: Engine, method: str, sql: str, params: list[object], truth: int) -> Score:
    predicted, hits = engine.fetchall(
        f"WITH p AS (SELECT DISTINCT l, r FROM ({sql}))"  # noqa: S608 - SQL from this module
        " SELECT count(*), count(t.l) FROM p LEFT JOIN mt_truth_pairs t USING (l, r)",
        params,
    )[0]
    return _score(method, int(predicted), int(hits), truth)


def _fuzzy_pairs(engine: Engine, chunk: int = 500) -> None:
    """Fill ``mt_fuzzy_pairs`` with same-kind pairs whose naive names score >= the cutoff."""
    from rapidfuzz import fuzz, process

    for (kind,) in engine.fetchall("SELECT DISTINCT kind FROM parties ORDER BY 1"):
        table = engine.fetch_arrow(
            f"SELECT id, {NAIVE_KEY} AS key FROM parties WHERE kind = ? ORDER BY id",  # noqa: S608 - constant
            [kind],
        )
        if table.num_rows > FUZZY_MAX or table.num_rows < 2:
            continue
        ids = np.asarray(table.column("id").to_pylist(), dtype=object)
        keys = table.column("key").to_pylist()
        for start in range(0, len(keys), chunk):
            scores = process.cdist(
                keys[start : start + chunk],
                keys,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=FUZZY_CUTOFF,
                dtype=np.uint8,
                workers=1,
            )
            rows, cols = np.nonzero(scores)
            rows = rows + start
            keep = rows < cols
            if keep.any():
                engine.append_arrow(
                    "mt_fuzzy_pairs",
                    pa.table({"l": ids[rows[keep]], "r": ids[cols[keep]]}),
                )
