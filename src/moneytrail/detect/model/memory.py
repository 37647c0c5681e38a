"""Known-subject memory: what the unit already knew about a transaction's accounts, as features.

Why: mules and front companies are reused, so an account that was in a labelled or confirmed
laundering transaction last month is the first thing an analyst checks. The trivial rule "flag
a transaction whose two accounts both took part in a known laundering transaction" beat the
model on data where accounts recur (issue 19); a model must remember at least as well, and say
so in its explanation. So the memory is an explicit, dated input instead of something the
second stage half-learns from neighbours' scores.

A **knowledge event** says "account A (and, for a transaction, the pair A-B) was in a known
positive, dated D" (:class:`Knowledge`). Its sources:

* in ``evaluate``: the positive transactions of the **training period** (their labels are what
  the evaluation may know), dated by the transaction's time;
* in ``score`` (:func:`workspace_knowledge`), everything the unit knows (decision 0146):

  - transaction labels of the workspace and alerts an analyst marked ``confirmed``, each dated
    by the time of the transaction it concerns;
  - the transactions of goAML suspicion reports read into the workspace (report codes
    :data:`SUSPICION_REPORTS`), dated by the report's submission date (never before the
    transaction itself: nobody reports a payment that has not happened);
  - screening hits an analyst ``confirmed`` on a workspace party: every account the party
    holds, dated by the list entry's listing date (public knowledge from that day), or by the
    decision when the list gives none;
  - subjects of the unit's cases (:class:`KnownSubject`, read from the case store by the API
    layer): the account, or every account of the party, put under analysis, dated by the day
    it was added to the case.

  Screening hits and case subjects concern an account, not a transaction: they feed the
  account columns and ``known_both``, never ``known_pair_events``.

Strictly causal: the features of a transaction at second t read only events dated **before t**
(an event of the same second is not yet known), so a positive never sees its own label.

Columns (:data:`NAMES`), for a transaction u -> v at t: ``known_src_events`` /
``known_dst_events`` (events of u / v before t), ``known_src_days`` / ``known_dst_days`` (days
since the latest one; -1: none), ``known_pair_events`` (events of the pair u-v, either
direction), ``known_both`` (1 when u and v both have an event: the memory rule as a column).

Assumptions (named in docs/decisions/0136): a label or a confirmation is dated by its
transaction's time, not by the day an analyst learnt it (real knowledge arrives later, so live
figures are somewhat lower); account labels without a transaction (AMLSim ``nodes.csv``) carry
no date and are not used as memory in ``score``. A model learns what the memory columns mean
from the training period's labels only (``evaluate`` knows nothing else); in ``score`` the other
sources count as the same "known positive" (decision 0146). The Spark engine's scoring reads
labels and confirmed alerts only (goAML, screening and cases are refused there).

>>> NAMES[-1]
'known_both'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from moneytrail.detect.features import EdgeArrays
from moneytrail.engine.base import Engine

NAMES = (
    "known_src_events",
    "known_dst_events",
    "known_src_days",
    "known_dst_days",
    "known_pair_events",
    "known_both",
)
KINDS = ("label", "confirmed_alert", "goaml_report", "screening_hit", "case_subject")
SUSPICION_REPORTS = ("STR", "SAR")
"""goAML report codes whose transactions are known positives (written out in ``_GOAML_SQL``).
Threshold reports (CTR, EFT, IFT) report amounts, not suspicion; additional-information files
(AIF) follow a report already counted. An FIU whose profile has another suspicion code adds it
to both."""
_DAY = 86_400.0
BLOCKS = 4  # periods of the training period for frozen knowledge (as stacking's cross-fitting)
_SHIFT = np.int64(1) << np.int64(33)  # room for 272 years of seconds after the first one

_LABELS_SQL = """
SELECT coalesce(sa.rowid, -1) AS src, coalesce(da.rowid, -1) AS dst,
       epoch_us(t.ts) // 1000000 AS ts, 0 AS kind, t.id AS reference,
       t.src_account_id AS src_key, t.dst_account_id AS dst_key
FROM (SELECT DISTINCT subject_id FROM labels WHERE subject_kind = 'transaction') l
JOIN transactions t ON t.id = l.subject_id
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id
UNION ALL
SELECT coalesce(sa.rowid, -1), coalesce(da.rowid, -1), epoch_us(t.ts) // 1000000, 1, a.id,
       t.src_account_id, t.dst_account_id
FROM (SELECT id, unnest(transaction_ids) AS tx FROM alerts WHERE status = 'confirmed') a
JOIN transactions t ON t.id = a.tx
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id"""
_GOAML_SQL = """
UNION ALL
SELECT coalesce(sa.rowid, -1), coalesce(da.rowid, -1),
       epoch_us(greatest(t.ts, coalesce(r.submission_date, t.ts))) // 1000000, 2,
       coalesce(r.fiu_ref_number, r.entity_reference), t.src_account_id, t.dst_account_id
FROM (SELECT fiu_ref_number, entity_reference, submission_date, unnest(transaction_ids) AS tx
      FROM goaml_reports WHERE report_code IN ('STR', 'SAR')) r
JOIN transactions t ON t.id = r.tx
LEFT JOIN accounts sa ON sa.id = t.src_account_id
LEFT JOIN accounts da ON da.id = t.dst_account_id"""
_SCREENING_SQL = """
UNION ALL
SELECT a.rowid, -1,
       epoch_us(coalesce(CAST(try_cast(e.listed_on AS DATE) AS TIMESTAMP), m.decided_at,
                         m.created_at)) // 1000000, 3,
       concat_ws(' ', upper(v.source), m.entry_id), a.id, NULL
FROM screening_matches m
JOIN accounts a ON a.holder_party_id = m.party_id
LEFT JOIN screen_list_entries e ON e.version_id = m.version_id AND e.entry_id = m.entry_id
LEFT JOIN screen_list_versions v ON v.id = m.version_id
WHERE m.status = 'confirmed'"""
_OPTIONAL = (
    (("goaml_reports",), _GOAML_SQL),
    (("screening_matches", "screen_list_entries", "screen_list_versions"), _SCREENING_SQL),
)


@dataclass(frozen=True)
class KnownSubject:
    """An account a case of the unit put under analysis: its id, the time it was added (seconds
    since the epoch, UTC) and the case's reference (``D-2026-0007``)."""

    account_id: str
    seconds: int
    case: str


@dataclass(frozen=True)
class Knowledge:
    """Known positive transactions: their accounts (node ids as in :class:`EdgeArrays`, -1
    outside the data), their time, the kind of knowledge (index into :data:`KINDS`) and, for
    explanations, a reference (transaction or alert id) and the account ids as text."""

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    ts: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int64]
    references: list[str] | None = None
    src_keys: list[str | None] | None = None
    dst_keys: list[str | None] | None = None

    def __len__(self) -> int:
        return len(self.ts)


def knowledge_from_positives(
    edges: EdgeArrays, target: npt.NDArray[np.bool_], upto: int
) -> Knowledge:
    """The positive transactions among the first ``upto`` edges (the training period)."""
    rows = np.flatnonzero(target[:upto])
    return Knowledge(
        edges.src[rows].copy(),
        edges.dst[rows].copy(),
        edges.ts[rows].copy(),
        np.zeros(len(rows), dtype=np.int64),
    )


def workspace_knowledge(engine: Engine, subjects: Sequence[KnownSubject] = ()) -> Knowledge:
    """Everything the workspace knows (see the module docstring), and the case ``subjects``.

    A source whose tables the engine lacks (a Spark bucket holds only transactions, labels and
    alerts) is left out.
    """
    present = _tables(engine)
    sql = _LABELS_SQL + "".join(part for names, part in _OPTIONAL if present.issuperset(names))
    table = engine.fetch_arrow(sql)

    def ints(name: str) -> npt.NDArray[np.int64]:
        return np.asarray(table[name].to_numpy(), dtype=np.int64)

    found = Knowledge(
        ints("src"),
        ints("dst"),
        ints("ts"),
        ints("kind"),
        [str(v) for v in table["reference"].to_pylist()],
        table["src_key"].to_pylist(),
        table["dst_key"].to_pylist(),
    )
    return _joined(found, _subject_knowledge(engine, subjects))


def _tables(engine: Engine) -> set[str]:
    names = sorted({name for needed, _ in _OPTIONAL for name in needed})
    marks = ", ".join("?" for _ in names)
    rows = engine.fetchall(
        f"SELECT table_name FROM information_schema.tables WHERE table_name IN ({marks})",  # noqa: S608 - placeholders only
        names,
    )
    return {str(row[0]) for row in rows}


def _subject_knowledge(engine: Engine, subjects: Sequence[KnownSubject]) -> Knowledge:
    """Case subjects as account events (``dst`` -1); accounts the workspace lacks are left out."""
    ids = sorted({s.account_id for s in subjects})
    nodes: dict[str, int] = {}
    if ids:
        table = engine.fetch_arrow(
            "SELECT id, rowid AS node FROM accounts WHERE id IN (SELECT unnest(?))", [ids]
        )
        nodes = dict(zip(table["id"].to_pylist(), table["node"].to_pylist(), strict=True))
    kept = [s for s in subjects if s.account_id in nodes]
    count = len(kept)
    return Knowledge(
        np.asarray([nodes[s.account_id] for s in kept], dtype=np.int64),
        np.full(count, -1, dtype=np.int64),
        np.asarray([s.seconds for s in kept], dtype=np.int64),
        np.full(count, KINDS.index("case_subject"), dtype=np.int64),
        [s.case for s in kept],
        [s.account_id for s in kept],
        [None] * count,
    )


def _joined(a: Knowledge, b: Knowledge) -> Knowledge:
    if len(b) == 0:
        return a
    return Knowledge(
        np.concatenate([a.src, b.src]),
        np.concatenate([a.dst, b.dst]),
        np.concatenate([a.ts, b.ts]),
        np.concatenate([a.kind, b.kind]),
        [*(a.references or []), *(b.references or [])],
        [*(a.src_keys or []), *(b.src_keys or [])],
        [*(a.dst_keys or []), *(b.dst_keys or [])],
    )


@dataclass(frozen=True)
class _Index:
    """Account entries of the events sorted by (account, time), for binary searches."""

    account_keys: npt.NDArray[np.int64]
    account_event: npt.NDArray[np.int64]  # which event each sorted account entry comes from
    t0: int


def _pair_codes(
    a: npt.NDArray[np.int64], b: npt.NDArray[np.int64], n_nodes: int
) -> npt.NDArray[np.int64]:
    """An unordered pair as one integer (-1 when an end is outside the data)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return np.where(lo >= 0, lo * np.int64(max(n_nodes, 1)) + hi, -1)


def _index(edges: EdgeArrays, known: Knowledge) -> _Index:
    t0 = int(min(edges.ts.min(initial=0), known.ts.min(initial=0)))
    rel = known.ts - t0
    events = np.arange(len(known), dtype=np.int64)
    accounts = np.concatenate([known.src, known.dst])
    owners = np.concatenate([events, events])
    times = np.concatenate([rel, rel])
    inside = accounts >= 0
    keys = accounts[inside] * _SHIFT + times[inside]
    order = np.argsort(keys, kind="stable")
    return _Index(keys[order], owners[inside][order], t0)


def _pair_index(
    edges: EdgeArrays, known: Knowledge
) -> tuple[dict[int, int], npt.NDArray[np.int64]]:
    """Pairs of the events numbered densely, and sorted (pair number, time) keys."""
    codes = _pair_codes(known.src, known.dst, edges.n_nodes)
    inside = codes >= 0
    uniq = np.unique(codes[inside])
    number = {int(c): k for k, c in enumerate(uniq.tolist())}
    rel = known.ts[inside] - int(min(edges.ts.min(initial=0), known.ts.min(initial=0)))
    keys = np.searchsorted(uniq, codes[inside]).astype(np.int64) * _SHIFT + rel
    return number, np.sort(keys)


def _before(
    keys: npt.NDArray[np.int64], owner: npt.NDArray[np.int64], rel_ts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For each (owner, time): how many keys of that owner are strictly earlier, and the
    position of the latest of them (-1: none)."""
    valid = owner >= 0
    start = np.searchsorted(keys, np.where(valid, owner, 0) * _SHIFT, side="left")
    stop = np.searchsorted(keys, np.where(valid, owner, 0) * _SHIFT + rel_ts, side="left")
    count = np.where(valid, stop - start, 0)
    return count, np.where(count > 0, stop - 1, -1)


def memory_columns(
    edges: EdgeArrays, known: Knowledge, horizon: npt.NDArray[np.int64] | None = None
) -> npt.NDArray[np.float32]:
    """The :data:`NAMES` columns of every edge (float32, one row per edge).

    ``horizon`` (seconds, one per edge; default: the edge's own time): an edge reads only
    events dated before ``min(its time, its horizon)`` — knowledge frozen at a date, as in
    :func:`split_memory`. Days are still counted from the edge's own time.
    """
    n = len(edges.ts)
    out = np.zeros((n, len(NAMES)), dtype=np.float32)
    out[:, 2:4] = -1.0
    if len(known) == 0 or n == 0:
        return out
    index = _index(edges, known)
    rel = edges.ts - index.t0
    asked = rel if horizon is None else np.minimum(rel, horizon - index.t0)
    event_rel = known.ts - index.t0
    for col, side in ((0, edges.src), (1, edges.dst)):
        count, last = _before(index.account_keys, side, asked)
        out[:, col] = count
        has = last >= 0
        latest = event_rel[index.account_event[np.where(has, last, 0)]]
        out[:, col + 2] = np.where(has, (rel - latest) / _DAY, -1.0)
    number, pair_keys = _pair_index(edges, known)
    codes = _pair_codes(edges.src, edges.dst, edges.n_nodes)
    if number:
        uniq = np.fromiter(number.keys(), dtype=np.int64, count=len(number))
        pos = np.searchsorted(uniq, codes)
        found = (codes >= 0) & (pos < len(uniq)) & (uniq[np.minimum(pos, len(uniq) - 1)] == codes)
        count, _ = _before(pair_keys, np.where(found, pos, -1), asked)
        out[:, 4] = count
    out[:, 5] = (out[:, 0] > 0) & (out[:, 1] > 0)
    return out


def split_memory(
    edges: EdgeArrays, target: npt.NDArray[np.bool_], train_stop: int, blocks: int = BLOCKS
) -> npt.NDArray[np.float32]:
    """Memory columns for an evaluation whose training period is rows ``[0, train_stop)``.

    Knowledge: the training period's positives. Validation and test rows read it frozen at
    the cut (a model deployed that day knows no later label). Train rows must read it the
    same way, or the booster learns from memory a freshness it never has later: with every
    earlier label known, a scheme's second payment already "remembers" its first one, which
    on test (frozen knowledge, new schemes) only gives false alarms — measured on the
    generator, seed 12: F1 0.771 without memory, 0.658 with such fresh memory. So the training
    period is cut into ``blocks`` consecutive periods and a train row reads the knowledge
    frozen at the start of its own period (the first period reads none).
    """
    known = knowledge_from_positives(edges, target, train_stop)
    n = len(edges.ts)
    horizon = np.empty(n, dtype=np.int64)
    cuts = np.linspace(0, train_stop, blocks + 1).astype(np.int64)
    for lo, hi in itertools.pairwise(cuts.tolist()):
        start = int(edges.ts[lo]) if lo < n else 0
        horizon[lo:hi] = start
    if train_stop < n:
        horizon[train_stop:] = int(edges.ts[train_stop])
    return memory_columns(edges, known, horizon)


def memory_sources(
    edges: EdgeArrays, known: Knowledge, rows: npt.NDArray[np.int64]
) -> list[list[dict[str, Any]]]:
    """For each of ``rows``: the latest knowledge event of its sender and of its receiver
    before the transaction's second, in the analyst's terms (account id, kind, reference,
    date), for the explanation of an alert ("account X was in a labelled positive on D")."""
    out: list[list[dict[str, Any]]] = [[] for _ in rows]
    if len(known) == 0 or len(rows) == 0:
        return out
    index = _index(edges, known)
    rel = edges.ts[rows] - index.t0
    for side, role in ((edges.src, "sender"), (edges.dst, "receiver")):
        _, last = _before(index.account_keys, side[rows], rel)
        for k, position in enumerate(last.tolist()):
            if position < 0:
                continue
            event = int(index.account_event[position])
            node = int(side[rows[k]])
            names = known.src_keys if known.src[event] == node else known.dst_keys
            out[k].append(
                {
                    "account": role,
                    "account_id": None if names is None else names[event],
                    "source": KINDS[int(known.kind[event])],
                    "reference": None if known.references is None else known.references[event],
                    "date": datetime.fromtimestamp(int(known.ts[event]), UTC).date().isoformat(),
                }
            )
    return out


def memory_rule(columns: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """The baseline of issue 19 as a score: 1 where both accounts were in a known positive."""
    return np.asarray(columns[:, NAMES.index("known_both")], dtype=np.float64)
