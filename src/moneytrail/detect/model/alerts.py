"""Apply a saved model to a workspace and store explained alerts (``detector_kind = 'model'``).

Each alert says why it was raised, in the analyst's words: the model's probability and
threshold, the features that pushed the score up most (name, value, contribution from
LightGBM's ``pred_contrib``, i.e. SHAP values in log-odds), the transaction it concerns, and a
typology. The model is binary (suspicious or not), so the typology of every model alert is
``ml_suspicious``; ``typology_hint`` names the pattern family whose features weighed most
(fan-in features -> ``fan_in``...) when one family clearly dominates. The hint is a reading aid,
not a finding: the model was never trained to tell typologies apart.

Re-scoring never duplicates an alert and never touches an analyst's decision: the alert id is
``natural_key('alert', model, version, 'transaction', tx id, window start, window end)`` and
only new ids are inserted. A scoring run is one transaction with its record in ``job_runs``
(:mod:`moneytrail.engine.runs`): killed half-way, it keeps no alert and says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from moneytrail.detect.features import EdgeArrays
from moneytrail.detect.model.evaluate import feature_matrix, with_memory
from moneytrail.detect.model.memory import (
    Knowledge,
    KnownSubject,
    memory_columns,
    memory_sources,
    workspace_knowledge,
)
from moneytrail.detect.model.propagation import neighbourhood_sources
from moneytrail.detect.model.stacking import OWN_SCORE, SECOND_STAGE_NAMES, Scored, score_all
from moneytrail.detect.model.store import ModelCard, load_model
from moneytrail.engine.base import Engine
from moneytrail.engine.runs import JobRun, RunRecord, recorded
from moneytrail.errors import UsageError
from moneytrail.i18n import translate
from moneytrail.model.ids import natural_key_sql

TYPOLOGY = "ml_suspicious"
TOP_FEATURES = 5
MAX_ALERTS = 10_000
# Pattern families by a word of the feature name (features of moneytrail.detect.features and
# the raw attributes). First match wins. Amount statistics (src_out_amount_mean...) say how much
# money moves, not which pattern, so they count as "amount", which never becomes a hint.
FAMILIES = (
    ("known_", "memory"),
    ("prop_", "neighbourhood"),
    ("amount", "amount"),
    ("scatter_gather", "scatter_gather"),
    ("cycle", "cycle"),
    ("fan_in", "fan_in"),
    ("deg_in", "fan_in"),
    ("fan_out", "fan_out"),
    ("deg_out", "fan_out"),
)
HINT_SHARE = 0.4
_STAGE = "mt_model_alerts"


@dataclass
class ScoreOutcome:
    """What one scoring run did, its run record id (``job_runs``) and the earlier scoring runs
    it found interrupted (to warn about)."""

    model: str
    version: str
    transactions: int
    flagged: int
    stored: int
    inserted: int
    threshold: float
    job_run_id: str = ""
    interrupted_runs: list[RunRecord] = field(default_factory=list)


def family(feature: str) -> str | None:
    """The pattern family a feature belongs to, or ``None`` (hour, channel...)."""
    for word, name in FAMILIES:
        if word in feature:
            return name
    return None


def typology_hint(names: list[str], contributions: npt.NDArray[np.float64]) -> str | None:
    """The family holding at least 40 % of the positive contributions, if any.

    Why 40 %: below it, no family explains most of the score and naming one would mislead.
    The second stage's ``stage1_score`` is left out of the count: it sums up every family at
    once, so it would only hide the pattern the other columns point to.
    """
    weights: dict[str, float] = {}
    positive = 0.0
    for name, value in zip(names, contributions, strict=True):
        if value <= 0 or name == OWN_SCORE:
            continue
        positive += float(value)
        fam = family(name)
        if fam is not None and fam != "amount":
            weights[fam] = weights.get(fam, 0.0) + float(value)
    if not weights or positive <= 0:
        return None
    best = max(weights, key=lambda k: weights[k])
    return best if weights[best] >= HINT_SHARE * positive else None


def explanation(
    card: ModelCard,
    score: float,
    values: npt.NDArray[np.float32],
    contributions: npt.NDArray[np.float64],
    tx_id: str,
    neighbours: list[dict[str, Any]] | None = None,
    memory: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The JSON explanation of one alert (``contributions`` without the bias column).

    ``neighbours`` (two-stage models): the earlier transactions of the sender and of the
    receiver that the first stage found most suspicious, so the analyst knows where to follow
    the money (see :func:`.propagation.neighbourhood_sources`). ``memory`` (models with
    known-subject memory): the sender's and receiver's latest known positive before the
    transaction ("account X was in a labelled positive on date D"), see :mod:`.memory`."""
    order = np.argsort(-contributions)[:TOP_FEATURES]
    features = [
        {
            "name": card.feature_names[i],
            "value": round(float(values[i]), 6),
            "contribution": round(float(contributions[i]), 6),
        }
        for i in order
        if contributions[i] > 0
    ]
    hint = typology_hint(card.feature_names, contributions)
    extra: dict[str, Any] = {"neighbourhood": neighbours} if neighbours is not None else {}
    if memory is not None:
        extra["memory"] = memory
    return {
        "model": card.name,
        "model_version": card.version,
        "probability": round(score, 6),
        "threshold": round(card.threshold, 6),
        "typology": TYPOLOGY,
        "typology_title": {
            lang: translate("detect_model.typology_ml_suspicious", lang) for lang in ("fr", "en")
        },
        "typology_hint": hint,
        "features": features,
        "transactions": [tx_id],
        "model_test_metrics": {k: card.metrics.get(k) for k in ("precision", "recall", "f1")},
    } | extra


def _neighbours(
    ids: pa.Array,
    kept: npt.NDArray[np.int64],
    first: tuple[EdgeArrays, npt.NDArray[np.float64]] | None,
) -> list[list[dict[str, Any]] | None]:
    """Per kept row, the sender's and receiver's most suspicious earlier transaction (or None
    for every row of a one-stage model)."""
    if first is None:
        return [None] * len(kept)
    edges, scores = first
    best = neighbourhood_sources(edges, scores, kept.astype(np.int64))
    found = np.unique(best[best >= 0])
    names = dict(zip(found.tolist(), ids.take(pa.array(found)).to_pylist(), strict=True))
    out: list[list[dict[str, Any]] | None] = []
    for k in range(len(kept)):
        entries = []
        for side, role in ((0, "sender"), (1, "receiver")):
            f = int(best[k, side])
            if f >= 0:
                entries.append(
                    {"account": role, "transaction": str(names[f]),
                     "first_stage_score": round(float(scores[f]), 6)}
                )  # fmt: skip
        out.append(entries)
    return out


def kept_alerts(
    card: ModelCard,
    booster: lgb.Booster,
    ids: pa.Array,
    x: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float64],
    first: tuple[EdgeArrays, npt.NDArray[np.float64]] | None = None,
    known: tuple[EdgeArrays, Knowledge] | None = None,
) -> tuple[int, pa.Table]:
    """The rows to alert on, explained: how many scores reach the card's threshold, and the
    highest ``MAX_ALERTS`` of them (ties in event order) as ``(tx_id, score, explanation)``.

    Pure (reads nothing, writes nothing), so that the Spark engine runs it on each bucket of
    whole components (:mod:`moneytrail.api.spark_features`) with the same result. The
    arguments are those of :func:`store_alerts`."""
    flagged_rows = np.flatnonzero(scores >= card.threshold)
    kept = flagged_rows[np.argsort(-scores[flagged_rows], kind="stable")][:MAX_ALERTS]
    if len(kept) == 0:
        return len(flagged_rows), _stage_table([], np.zeros(0), [])
    contrib = np.asarray(booster.predict(x[kept], pred_contrib=True), dtype=np.float64)
    kept_ids = ids.take(pa.array(kept)).to_pylist()  # at most MAX_ALERTS alerts, for humans
    neighbours = _neighbours(ids, kept, first)
    remembered: list[list[dict[str, Any]] | None] = (
        [None] * len(kept) if known is None else list(memory_sources(*known, kept))
    )
    explanations = [
        json.dumps(
            explanation(
                card,
                float(scores[row]),
                x[row],
                contrib[k, :-1],
                str(kept_ids[k]),
                neighbours[k],
                remembered[k],
            ),
            ensure_ascii=False,
        )
        for k, row in enumerate(kept)
    ]
    return len(flagged_rows), _stage_table(kept_ids, scores[kept], explanations)


def _stage_table(ids: list[Any], scores: npt.NDArray[np.float64], texts: list[str]) -> pa.Table:
    return pa.table(
        {
            "tx_id": pa.array(ids, pa.string()),
            "score": pa.array(scores, pa.float64()),
            "explanation": pa.array(texts, pa.string()),
        }
    )


def store_alerts(
    engine: Engine,
    card: ModelCard,
    booster: lgb.Booster,
    ids: pa.Array,
    x: npt.NDArray[np.float32],
    scores: npt.NDArray[np.float64],
    first: tuple[EdgeArrays, npt.NDArray[np.float64]] | None = None,
    run: JobRun | None = None,
    known: tuple[EdgeArrays, Knowledge] | None = None,
) -> tuple[int, int, int]:
    """Store alerts for scores at or above the card's threshold (the highest ``MAX_ALERTS``).

    Returns (flagged, stored, inserted): how many crossed the threshold, how many were kept,
    how many were new. Contributions are computed only for the kept rows. ``first``: the edges
    and first-stage scores of a two-stage model, for the explanation's neighbourhood. ``run``:
    the job's record, marked done in the same transaction as the alerts. ``known``: the edges
    and the knowledge of a model with memory, for the explanation's ``memory``.
    """
    flagged, stage = kept_alerts(card, booster, ids, x, scores, first, known)
    if stage.num_rows == 0:
        return flagged, 0, 0
    alert_id = natural_key_sql("alert", ["?", "?", "'transaction'", "s.tx_id", "t.ts", "t.ts"])
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {_STAGE} (tx_id VARCHAR, score DOUBLE, explanation VARCHAR)"
    )
    try:
        engine.append_arrow(_STAGE, stage)
        before = int(engine.fetchall("SELECT count(*) FROM alerts")[0][0])
        with engine.transaction():
            engine.execute(
                "INSERT INTO alerts (id, detector, detector_kind, detector_version, typology,"  # noqa: S608 - fixed names, values bound
                " subject_kind, subject_id, window_start, window_end, score, amount_reporting,"
                " transaction_ids, explanation, status, created_at)"
                f" SELECT {alert_id}, ?, 'model', ?, ?, 'transaction', s.tx_id, t.ts, t.ts,"
                " s.score, t.amount_reporting, [s.tx_id], CAST(s.explanation AS JSON),"
                " 'to_review', now() AT TIME ZONE 'UTC'"
                f" FROM {_STAGE} s JOIN transactions t ON t.id = s.tx_id"
                f" WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.id = {alert_id})",
                [
                    card.name,
                    card.version,
                    card.name,
                    card.version,
                    TYPOLOGY,
                    card.name,
                    card.version,
                ],
            )
            after = int(engine.fetchall("SELECT count(*) FROM alerts")[0][0])
            if run is not None:
                counts = {"flagged": flagged, "stored": stage.num_rows}
                run.done(engine, {**counts, "inserted": after - before})
    finally:
        engine.execute(f"DROP TABLE IF EXISTS {_STAGE}")
    return flagged, stage.num_rows, after - before


@dataclass(frozen=True)
class ScoredRows:
    """Every transaction of a workspace scored by a model, in event order, with what the
    explanations need (first-stage scores, knowledge)."""

    ids: pa.Array
    scored: Scored
    first: tuple[EdgeArrays, npt.NDArray[np.float64]] | None
    known: tuple[EdgeArrays, Knowledge] | None


def score_rows(
    engine: Engine,
    card: ModelCard,
    boosters: list[lgb.Booster],
    subjects: Sequence[KnownSubject] = (),
) -> ScoredRows:
    """Features (and memory) of every transaction of ``engine``'s workspace, scored by the
    model. Reads only; the Spark engine runs it on each bucket of whole components.
    ``subjects``: the case subjects the memory also knows (:func:`workspace_knowledge`)."""
    matrix = feature_matrix(engine, card.config())
    names, values, known = matrix.names, matrix.values, None
    if card.memory:
        knowledge = workspace_knowledge(engine, subjects)
        names, values = with_memory(names, values, memory_columns(matrix.edges, knowledge))
        known = (matrix.edges, knowledge)
    expected = [*names, *(SECOND_STAGE_NAMES if card.stages == 2 else ())]
    if expected != card.feature_names:
        raise UsageError("problem.model_features_changed", name=card.name)
    scored = score_all(boosters, values, matrix.edges)
    first = None if scored.first is None else (matrix.edges, scored.first)
    return ScoredRows(matrix.ids, scored, first, known)


def score_workspace(
    engine: Engine, workspace: Path, name: str, subjects: Sequence[KnownSubject] = ()
) -> ScoreOutcome:
    """Score every transaction of the workspace with model ``name`` and store its alerts
    (``subjects``: the unit's case subjects, for a model with memory).

    The alerts are written in one transaction with the run's record (``job_runs``): a scoring
    run killed in the middle keeps no alert and is reported as interrupted by the next one.
    """
    boosters, card = load_model(workspace, name)
    settings = {"model": name, "version": card.version, "threshold": card.threshold}
    with recorded(engine, "score", settings) as run:
        rows = score_rows(engine, card, boosters, subjects)
        scores = rows.scored.scores
        flagged, stored, inserted = store_alerts(
            engine, card, boosters[-1], rows.ids, rows.scored.x, scores, rows.first, run, rows.known
        )
        if not run.finished:  # nothing crossed the threshold: no transaction was needed
            run.done(engine, {"flagged": flagged, "stored": stored, "inserted": inserted})
    return ScoreOutcome(
        model=name,
        version=card.version,
        transactions=len(scores),
        flagged=flagged,
        stored=stored,
        inserted=inserted,
        threshold=card.threshold,
        job_run_id=run.id,
        interrupted_runs=run.interrupted,
    )
