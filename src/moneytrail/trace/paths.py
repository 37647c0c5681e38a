"""Temporal paths between two subjects, and counterparties several subjects share.

Why temporal: a path A -> X -> B only means money could have gone from A to B if X paid B *after*
A paid X. A path here is a chain of transactions where each one leaves the account the previous
one reached, later in event order (the tie rule of :mod:`moneytrail.trace.index`), and at most
``window_days`` after it. Amounts are not allocated here (that is :func:`moneytrail.trace.trace`);
a path says "possible", a trace says "how much".

The search is a bounded depth-first walk over the temporal index with at most ``max_hops``
transactions and ``max_paths`` results (assumption: investigation-sized neighbourhoods; the
walk also stops after ``MAX_EXPANSIONS`` steps and says so with ``complete = False``).

Example::

    found = temporal_paths(engine, ["acc-A"], ["acc-B"], max_hops=3)
    [p.transaction_ids for p in found.paths]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from moneytrail.engine.base import Engine
from moneytrail.model.display import exact
from moneytrail.trace.index import TemporalIndex, load_index
from moneytrail.trace.model import TraceSettings

MAX_EXPANSIONS = 200_000
MICROS_PER_DAY = 86_400_000_000


@dataclass
class TemporalPath:
    """One time-respecting chain of transactions from a source to a target account."""

    transaction_ids: list[str]
    accounts: list[str]
    amounts: list[Decimal]
    first_ts: str
    last_ts: str


@dataclass
class PathSearch:
    """Paths found, and whether the bounded search saw everything."""

    paths: list[TemporalPath]
    complete: bool


@dataclass
class CommonCounterparty:
    """An account that dealt with several subjects, with how much and how often (``total``
    without the storage's trailing zeros: ``3000``, not ``3000.00000000``)."""

    account_id: str
    account_number: str | None
    subjects: list[str]
    transactions: int
    total: Decimal


def temporal_paths(
    engine: Engine,
    sources: Sequence[str],
    targets: Sequence[str],
    max_hops: int = 4,
    window_days: float | None = None,
    max_paths: int = 50,
) -> PathSearch:
    """Time-respecting paths of at most ``max_hops`` transactions from ``sources`` to
    ``targets`` (account ids), shortest and earliest first."""
    index = load_index(engine, TraceSettings(stop_at=frozenset()), None)
    src_set = set(index.account_positions(list(sources)))
    dst_set = set(index.account_positions(list(targets)))
    by_src = np.argsort(index.src, kind="stable")  # per account, in event order
    bounds = np.searchsorted(index.src[by_src], np.arange(index.n_accounts + 1))
    window = None if window_days is None else int(window_days * MICROS_PER_DAY)
    found: list[list[int]] = []
    expansions = 0
    stack: list[list[int]] = [
        [int(p)] for s in sorted(src_set) for p in by_src[bounds[s] : bounds[s + 1]]
    ]
    while stack and len(found) < max_paths and expansions < MAX_EXPANSIONS:
        chain = stack.pop()
        expansions += 1
        last = chain[-1]
        here = int(index.dst[last])
        if here in dst_set:
            found.append(chain)
            continue
        if here < 0 or len(chain) >= max_hops:
            continue
        seen = {int(index.src[c]) for c in chain}
        segment = by_src[bounds[here] : bounds[here + 1]]
        for nxt in segment[np.searchsorted(segment, last, side="right") :][::-1]:
            if window is not None and index.ts[nxt] - index.ts[last] > window:
                continue
            if int(index.dst[nxt]) not in seen:
                stack.append([*chain, int(nxt)])
    complete = not stack and expansions < MAX_EXPANSIONS
    found.sort(key=lambda c: (len(c), [int(index.ts[p]) for p in c]))
    return PathSearch([_path(index, chain) for chain in found], complete)


def _path(index: TemporalIndex, chain: list[int]) -> TemporalPath:
    facts = index.rows_at(chain)
    rows = [facts[p] for p in chain]
    return TemporalPath(
        transaction_ids=[r["id"] for r in rows],
        accounts=[rows[0]["src_account_id"], *(r["dst_account_id"] for r in rows)],
        amounts=[index.to_decimal(int(index.amount[p])) for p in chain],
        first_ts=rows[0]["ts"].isoformat(),
        last_ts=rows[-1]["ts"].isoformat(),
    )


_COMMON_SQL = """
WITH subject AS (SELECT unnest(?::VARCHAR[]) AS subject_name, unnest(?::VARCHAR[]) AS account_id),
touch AS (
  SELECT s.subject_name, t.dst_account_id AS other, t.amount FROM transactions t
  JOIN subject s ON s.account_id = t.src_account_id
  UNION ALL
  SELECT s.subject_name, t.src_account_id AS other, t.amount FROM transactions t
  JOIN subject s ON s.account_id = t.dst_account_id
)
SELECT other, a.number, list(DISTINCT subject_name ORDER BY subject_name), count(*), sum(amount)
FROM touch LEFT JOIN accounts a ON a.id = touch.other
WHERE other IS NOT NULL AND other NOT IN (SELECT account_id FROM subject)
GROUP BY other, a.number
HAVING count(DISTINCT subject_name) >= ?
ORDER BY count(DISTINCT subject_name) DESC, sum(amount) DESC, other
"""


def common_counterparties(
    engine: Engine, subjects: Mapping[str, Sequence[str]], min_subjects: int = 2
) -> list[CommonCounterparty]:
    """Accounts that sent money to or received money from at least ``min_subjects`` of the
    ``subjects`` (name -> account ids); the subjects' own accounts are left out."""
    names = [name for name, accounts in subjects.items() for _ in accounts]
    accounts = [a for acc in subjects.values() for a in acc]
    rows = engine.fetchall(_COMMON_SQL, [names, accounts, min_subjects])
    return [
        CommonCounterparty(str(r[0]), r[1], list(r[2]), int(r[3]), exact(Decimal(r[4])))
        for r in rows
    ]
