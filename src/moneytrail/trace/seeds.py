"""Turning what the analyst names (account numbers, a party, transaction ids, an amount) into
the per-transaction seed vector the kernels read.

Why a vector: ``seed[i] > 0`` says "up to this many units of transaction ``i``'s arrival are the
money we follow"; the kernels then need no knowledge of how the seed was chosen.

Rules (docs/tracing.md, "Seeds"):

- accounts / party, forward: every inflow of a seed account from a non-seed account (or from
  outside the data) at or after ``start``; backward: every outflow to a non-seed account;
- transactions: their full amount, at the transaction;
- an amount on one account at a time ``at``: a virtual arrival of that amount on the account,
  before the transactions of the same instant (forward), after them (backward).

What the analyst names is read by :mod:`moneytrail.subjects` (accounts in any written form,
parties by name), with the store's hashes as a fast path; transactions by their internal id or
the bank's reference (:func:`transaction_refs`, an ambiguous reference refused).

Example::

    ids = resolve_accounts(engine, ["+223 76 12 34 56"], store)  # numbers in any form, or ids
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
import pyarrow as pa

from moneytrail import subjects
from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.model.identifiers import DEFAULT_REGION
from moneytrail.trace.index import I64, TemporalIndex, account_seed_positions
from moneytrail.trace.model import Direction, Seed, TraceSettings
from moneytrail.trace.store import TraceStore


def resolve_accounts(
    engine: Engine, refs: Sequence[str], store: TraceStore | None = None
) -> list[str]:
    """Account ids for ``refs`` given as ids or numbers in any written form (IBAN with spaces,
    national or ``00`` MSISDN...: :func:`moneytrail.subjects.account_forms`); unknown -> error.

    With the workspace's trace store the lookup uses its hashes (no scan of the accounts): the
    ids first, then the forms of the references not found by id."""
    if store is None:
        return subjects.account_ids(engine, refs)
    wanted = [ref.strip() for ref in refs]
    by_id = store.account_rows(engine, wanted)
    rest = [ref for ref in refs if ref.strip() not in by_id]
    forms: dict[str, list[str]] = {}
    if rest:
        region = store_region(store)
        forms = {ref: subjects.account_forms(ref, region) for ref in rest}
    by_number = store.account_rows(
        engine, sorted({f for fs in forms.values() for f in fs}), numbers=True
    )
    for ref in rest:
        if not any(f in by_number for f in forms[ref]):
            raise UsageError("error.trace_unknown_account", account=ref)
    rowids = sorted({r for f in (by_id, by_number) for rows in f.values() for r in rows})
    rows = engine.fetchall(
        "SELECT id FROM accounts WHERE rowid IN (SELECT unnest(?::BIGINT[]))", [rowids]
    )
    return sorted({str(r[0]) for r in rows})


def store_region(store: TraceStore) -> str:
    """The home country of :func:`moneytrail.subjects.home_region`, read from the store's
    arrays (the country most accounts are in, the first in alphabetical order on a tie)."""
    codes = store.account_country[store.account_country > 0]
    if not len(codes):
        return DEFAULT_REGION
    return store.countries[int(np.argmax(np.bincount(codes))) - 1]


def resolve_party(engine: Engine, ref: str) -> list[str]:
    """Ids of every account held by the party ``ref`` (its id, or its name in any case, with
    or without accents); see :func:`moneytrail.subjects.party_account_ids`."""
    return subjects.party_account_ids(engine, ref)


CANDIDATES_SHOWN = 10
"""Transactions listed when a bank reference is ambiguous."""

_REFS_SQL = """
SELECT t.id, t.ext_id, coalesce(s.path, t.source_id), t.source_row
FROM transactions t LEFT JOIN sources s ON s.id = t.source_id
WHERE t.id IN (SELECT unnest(?::VARCHAR[])) OR t.ext_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY t.id
"""


def transaction_refs(engine: Engine, refs: Sequence[str]) -> list[str]:
    """Internal ids of the transactions ``refs`` name: an internal id, else the bank's own
    reference (``ext_id``, as the statement prints it). One query for all the references.

    A reference that two different transactions carry (two banks numbering alike, two
    exports with different natural keys) is refused with each candidate's internal id, source
    file and line, so the analyst picks one by its id: tracing both would mix two stories.

    >>> transaction_refs(engine, ["OM2400300004"])  # doctest: +SKIP
    ['9f1c...']
    """
    wanted = list(dict.fromkeys(ref.strip() for ref in refs))
    if not wanted:
        return []
    rows = engine.fetchall(_REFS_SQL, [wanted, wanted])
    found: list[str] = []
    for ref in wanted:
        by_id = [str(r[0]) for r in rows if r[0] == ref]
        matches = by_id or [str(r[0]) for r in rows if r[1] == ref]
        if not matches:
            raise UsageError("error.trace_unknown_transaction", transaction=ref)
        if len(matches) > 1:
            listed = [f"{r[0]} ({r[2]}:{r[3]})" for r in rows if r[1] == ref][:CANDIDATES_SHOWN]
            raise UsageError(
                "error.trace_ambiguous_transaction",
                transaction=ref,
                count=len(matches),
                candidates="; ".join(listed),
            )
        found.append(matches[0])
    return sorted(set(found))


def resolve_seed(engine: Engine, seed: Seed) -> Seed:
    """``seed`` with its transactions named by their internal ids: the analyst may give the
    source's own reference (``OM2400300004``, :func:`transaction_refs`). Accounts and party
    are resolved by :func:`seed_accounts` during the trace."""
    if not seed.transactions:
        return seed
    return replace(seed, transactions=tuple(transaction_refs(engine, seed.transactions)))


def resolve_transactions(index: TemporalIndex, refs: Sequence[str]) -> I64:
    """Positions in ``index`` of the transaction ids ``refs``; unknown -> error."""
    positions = []
    for ref in refs:
        found = index.position_of(ref)
        if found is None:
            raise UsageError("error.trace_unknown_transaction", transaction=ref)
        positions.append(found)
    return np.asarray(sorted(set(positions)), dtype=np.int64)


def seed_accounts(engine: Engine, seed: Seed, store: TraceStore | None = None) -> list[str]:
    """All account ids the seed names directly or through its party."""
    accounts = resolve_accounts(engine, seed.accounts, store) if seed.accounts else []
    if seed.party:
        accounts = sorted(set(accounts) | set(resolve_party(engine, seed.party)))
    return accounts


def seed_vector(
    index: TemporalIndex, seed: Seed, accounts: list[str], settings: TraceSettings
) -> I64:
    """``seed[i]``: traced units entering with transaction ``i`` (before any virtual row)."""
    vector = np.zeros(len(index), dtype=np.int64)
    if seed.transactions:
        chosen_tx = resolve_transactions(index, seed.transactions)
        vector[chosen_tx] = index.amount[chosen_tx]
    if accounts and seed.amount is None and index.store is not None and index.at is None:
        own = index.account_positions(accounts)  # the whole store: read its adjacency
        chosen_at = account_seed_positions(index.store, own, settings)
        vector[chosen_at] = index.amount[chosen_at]
    elif accounts and seed.amount is None:
        member = np.zeros(index.n_accounts + 1, dtype=bool)  # last slot: outside (-1)
        member[index.account_positions(accounts)] = True
        inside = member[index.dst] if settings.direction is Direction.FORWARD else member[index.src]
        other = member[index.src] if settings.direction is Direction.FORWARD else member[index.dst]
        chosen = inside & ~other
        if settings.start is not None:
            chosen &= index.ts >= _micros(settings.start)
        vector[chosen] = index.amount[chosen]
    return vector


def virtual_arrival(
    index: TemporalIndex, seed: Seed, accounts: list[str], settings: TraceSettings
) -> tuple[int, int, int, int] | None:
    """``(position, account, units, ts)`` of the virtual arrival of ``seed.amount``, if any."""
    if seed.amount is None:
        return None
    if len(accounts) != 1:
        raise UsageError("error.trace_amount_needs_one_account", count=len(accounts))
    found = index.account_positions(accounts)
    if not found or not np.any((index.src == found[0]) | (index.dst == found[0])):
        raise UsageError("error.trace_account_no_transactions", account=accounts[0])
    forward = settings.direction is Direction.FORWARD
    at = seed.at or settings.start
    if at is not None:
        ts = _micros(at)
    elif index.span is not None:  # a pruned index: the whole workspace's first/last instant
        ts = index.span[0] if forward else index.span[1]
    elif len(index):
        ts = int(index.ts[0]) if forward else int(index.ts[-1])
    else:
        ts = 0
    position = int(np.searchsorted(index.ts, ts, side="left" if forward else "right"))
    return position, found[0], index.to_units(seed.amount), ts


def _micros(when: datetime) -> int:
    """Naive UTC datetime to microseconds since the epoch (the index's time unit)."""
    return int(pa.scalar(when, type=pa.timestamp("us")).cast(pa.int64()).as_py())
