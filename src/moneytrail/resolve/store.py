"""Runs, pairs, decisions and clusters in the workspace (tables of migration 0005).

Why decisions live apart from runs: an analyst's "this is the same man" is evidence-grade work
and must survive re-running the linker with other settings or on more data. Decisions are
appended, never updated: ``undo`` appends a reversal of the latest standing decision on the pair,
so the history says who decided what, when, and who took it back.

Effective decision of a pair: its latest confirm/reject that no undo reverses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.model.ids import natural_key
from moneytrail.resolve.clusters import clusters

CONFIRM, REJECT, UNDO = "confirm", "reject", "undo"

STANDING_SQL = """
SELECT left_id, right_id, arg_max(decision, seq) AS decision, arg_max(id, seq) AS id
FROM resolution_decisions
WHERE decision IN ('confirm', 'reject')
  AND id NOT IN (SELECT reverses FROM resolution_decisions WHERE decision = 'undo')
GROUP BY left_id, right_id
"""


@dataclass(frozen=True)
class Decision:
    """One analyst decision as stored."""

    id: str
    seq: int
    left_id: str
    right_id: str
    decision: str
    reverses: str | None
    decided_by: str
    decided_at: datetime
    note: str | None


def now() -> datetime:
    """Naive UTC timestamp (the workspace convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def latest_run(engine: Engine) -> tuple[str, float] | None:
    """``(run id, threshold)`` of the most recent run, if any."""
    rows = engine.fetchall(
        "SELECT id, threshold FROM resolution_runs ORDER BY created_at DESC, id LIMIT 1"
    )
    return (str(rows[0][0]), float(rows[0][1])) if rows else None


def require_run(engine: Engine) -> tuple[str, float]:
    """The latest run, or a usage error telling the user to run the linker first."""
    run = latest_run(engine)
    if run is None:
        raise UsageError("error.resolve_no_run")
    return run


def _party_exists(engine: Engine, party: str) -> bool:
    return bool(engine.fetchall("SELECT count(*) FROM parties WHERE id = ?", [party])[0][0])


def decide(
    engine: Engine, left: str, right: str, decision: str, by: str, note: str | None = None
) -> Decision:
    """Append ``confirm`` or ``reject`` on the pair (order of the two ids does not matter)."""
    if decision not in (CONFIRM, REJECT):
        raise UsageError("error.resolve_decision_unknown", decision=decision)
    if left == right:
        raise UsageError("error.resolve_same_party", party=left)
    for party in (left, right):
        if not _party_exists(engine, party):
            raise UsageError("error.resolve_party_unknown", party=party)
    if not by.strip():
        raise UsageError("error.resolve_by_missing")
    a, b = sorted((left, right))
    return _append(engine, a, b, decision, None, by.strip(), note)


def undo(engine: Engine, left: str, right: str, by: str, note: str | None = None) -> Decision:
    """Append the reversal of the pair's standing decision (the one before it stands again)."""
    a, b = sorted((left, right))
    rows = engine.fetchall(
        f"SELECT id FROM ({STANDING_SQL}) WHERE left_id = ? AND right_id = ?",  # noqa: S608 - constant
        [a, b],
    )
    if not rows:
        raise UsageError("error.resolve_nothing_to_undo", left=a, right=b)
    if not by.strip():
        raise UsageError("error.resolve_by_missing")
    return _append(engine, a, b, UNDO, str(rows[0][0]), by.strip(), note)


def split(engine: Engine, party: str, by: str, note: str | None = None) -> list[Decision]:
    """Take ``party`` out of its cluster: one rejection against each other member.

    Why rejections rather than a "split" record: the effect must survive re-runs and be undone
    pair by pair, which is exactly what rejections already do.
    """
    run_id, _ = require_run(engine)
    others = [
        str(row[0])
        for row in engine.fetchall(
            "SELECT b.party_id FROM resolution_clusters a JOIN resolution_clusters b"
            " ON a.run_id = b.run_id AND a.cluster_id = b.cluster_id AND b.party_id <> a.party_id"
            " WHERE a.run_id = ? AND a.party_id = ? ORDER BY b.party_id",
            [run_id, party],
        )
    ]
    if not others:
        raise UsageError("error.resolve_not_in_cluster", party=party)
    return [decide(engine, party, other, REJECT, by, note) for other in others]


def _append(
    engine: Engine, a: str, b: str, decision: str, reverses: str | None, by: str, note: str | None
) -> Decision:
    with engine.transaction():
        seq = int(
            engine.fetchall("SELECT coalesce(max(seq), 0) + 1 FROM resolution_decisions")[0][0]
        )
        at = now()
        ident = natural_key("resolution_decision", a, b, decision, at.isoformat(), seq)
        engine.execute(
            "INSERT INTO resolution_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [ident, seq, a, b, decision, reverses, by, at, note],
        )
        run = latest_run(engine)
        if run is not None:
            refresh_clusters(engine, run[0], run[1])
    return Decision(ident, seq, a, b, decision, reverses, by, at, note)


def history(engine: Engine) -> list[Decision]:
    """Every decision, oldest first (decisions are few: one per analyst action)."""
    rows = engine.fetchall(
        "SELECT id, seq, left_id, right_id, decision, reverses, decided_by, decided_at, note"
        " FROM resolution_decisions ORDER BY seq"
    )
    return [Decision(*row) for row in rows]


def standing(engine: Engine) -> dict[tuple[str, str], str]:
    """Effective decision of each decided pair."""
    return {(a, b): str(d) for a, b, d, _ in engine.fetchall(STANDING_SQL)}


def refresh_clusters(engine: Engine, run_id: str, threshold: float) -> int:
    """Recompute and store the effective clusters of ``run_id``; returns the conflicts count.

    Reads the run's pairs at or above ``threshold`` (the links; far fewer than the parties).
    """
    links = [
        (str(a), str(b), float(p))
        for a, b, p in engine.fetchall(
            "SELECT left_id, right_id, match_probability FROM resolution_pairs"
            " WHERE run_id = ? AND match_probability >= ?",
            [run_id, threshold],
        )
    ]
    decided = standing(engine)
    confirmed = [pair for pair, d in decided.items() if d == CONFIRM]
    rejected = [pair for pair, d in decided.items() if d == REJECT]
    mapping, conflicts = clusters(links, confirmed, rejected)
    engine.execute("DELETE FROM resolution_clusters WHERE run_id = ?", [run_id])
    if mapping:
        import pyarrow as pa

        parties = sorted(mapping)
        engine.append_arrow(
            "resolution_clusters",
            pa.table(
                {
                    "run_id": [run_id] * len(parties),
                    "party_id": parties,
                    "cluster_id": [mapping[p] for p in parties],
                }
            ),
        )
    return conflicts


@dataclass(frozen=True)
class CandidatePair:
    """One scored pair of the linker with the names of both parties and its reasons.

    ``explanation`` maps each compared feature (``name``, ``phone``, ``document``...) to its
    ``level`` (what the comparison found) and ``weight`` (its log-odds contribution).
    """

    left_id: str
    left_name: str
    right_id: str
    right_name: str
    match_probability: float
    match_weight: float
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Cluster:
    """Parties an effective cluster merges as one person or company (ids and names alike)."""

    cluster_id: str
    parties: list[str]
    names: list[str]


def pair_rows(
    engine: Engine, run_id: str, min_probability: float = 0.0, limit: int = 50
) -> list[CandidatePair]:
    """Pairs of ``run_id`` at or above ``min_probability``, most probable first."""
    rows = engine.fetchall(
        "SELECT r.left_id, l.name, r.right_id, p.name, r.match_probability, r.match_weight,"
        " r.explanation FROM resolution_pairs r"
        " JOIN parties l ON l.id = r.left_id JOIN parties p ON p.id = r.right_id"
        " WHERE r.run_id = ? AND r.match_probability >= ?"
        " ORDER BY r.match_probability DESC, r.left_id, r.right_id LIMIT ?",
        [run_id, min_probability, limit],
    )
    return [
        CandidatePair(a, an, b, bn, float(prob), float(weight), json.loads(expl))
        for a, an, b, bn, prob, weight, expl in rows
    ]


def cluster_rows(engine: Engine, run_id: str) -> list[Cluster]:
    """Clusters of ``run_id`` with their members' names, biggest first."""
    rows = engine.fetchall(
        "SELECT c.cluster_id, list(c.party_id ORDER BY c.party_id),"
        " list(p.name ORDER BY c.party_id)"
        " FROM resolution_clusters c JOIN parties p ON p.id = c.party_id"
        " WHERE c.run_id = ? GROUP BY c.cluster_id ORDER BY count(*) DESC, c.cluster_id",
        [run_id],
    )
    return [Cluster(cid, list(ids), list(names)) for cid, ids, names in rows]
