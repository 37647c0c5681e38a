"""From kernel records to endpoints and paths a person can read.

Why a separate step: kernels write millions of integer records; only the endpoints an analyst
looks at become Python objects. Records are grouped with numpy (exact int64 sums), then each
listed endpoint's paths are rebuilt by walking record parents back to the seed.

Example::

    endpoints, total, omitted = build_endpoints(flow, settings)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from moneytrail.engine.base import Engine
from moneytrail.trace.index import I8, I64, TemporalIndex
from moneytrail.trace.model import (
    STOP_KIND,
    Direction,
    Endpoint,
    PathStep,
    StopCode,
    TracePath,
    TraceSettings,
)
from moneytrail.trace.policies import HELD, R_ACC, R_AMT, R_KIND, R_PARENT, R_TX, REACHED

# Records of one endpoint considered when listing its paths (the largest first); amounts always
# sum every record.
PATH_RECORDS_CAP = 2000
SHARE = Decimal("0.0001")


@dataclass
class Flow:
    """Kernel output with the arrays it refers to (processed order, possibly reversed)."""

    records: I64
    src: I64
    dst: I64
    stop: I8
    origin: I64  # position in the index, -1 for the virtual arrival
    index: TemporalIndex
    direction: Direction


def build_endpoints(
    engine: Engine, flow: Flow, settings: TraceSettings, seed_units: int
) -> tuple[list[Endpoint], int, Decimal]:
    """Endpoints (largest first, at most ``settings.max_endpoints``), their count, and the
    amount of the endpoints left out of the list."""
    rec = flow.records
    final = (rec[:, R_KIND] == REACHED) | (rec[:, R_KIND] == HELD)
    rows = np.nonzero(final)[0]
    if not len(rows):
        return [], 0, Decimal(0)
    reached = rec[rows, R_KIND] == REACHED
    codes = np.where(reached, flow.stop[np.maximum(rec[rows, R_TX], 0)], StopCode.HELD)
    accounts = np.where(reached, flow.dst[np.maximum(rec[rows, R_TX], 0)], rec[rows, R_ACC])
    keys = codes.astype(np.int64) * (flow.index.n_accounts + 1) + accounts + 1
    order = np.argsort(keys, kind="stable")
    keys, rows, codes, accounts = keys[order], rows[order], codes[order], accounts[order]
    starts = np.concatenate(([0], np.nonzero(np.diff(keys))[0] + 1))
    sums = np.add.reduceat(rec[rows, R_AMT], starts)
    ranking = np.argsort(-sums, kind="stable")
    shown = ranking[: settings.max_endpoints]
    omitted = int(sums[ranking[settings.max_endpoints :]].sum())
    ends = np.append(starts[1:], len(rows))
    names = flow.index.account_ids([int(accounts[starts[g]]) for g in shown])
    account_ids = [names.get(int(accounts[starts[g]])) for g in shown]
    facts = flow.index.account_facts([int(accounts[starts[g]]) for g in shown])
    found = [_chains(flow, rows[starts[g] : ends[g]], settings.max_paths) for g in shown]
    facts_of_rows = flow.index.rows_at(
        sorted({p for ranked, _, _ in found for chain, _ in ranked for p in chain})
    )
    who = holders_and_places(engine, [a for a in account_ids if a])
    endpoints = []
    for g, account_id, (ranked, carried, total) in zip(shown, account_ids, found, strict=True):
        paths = _paths(flow, ranked, carried, facts_of_rows)
        number, kind, country = facts.get(account_id or "", (None, None, None))
        units = int(sums[g])
        endpoints.append(
            Endpoint(
                kind=STOP_KIND[StopCode(int(codes[starts[g]]))],
                account_id=account_id,
                account_number=number,
                account_kind=kind,
                country=country,
                amount=flow.index.to_decimal(units),
                share=(Decimal(units) / Decimal(seed_units)).quantize(SHARE)
                if seed_units
                else Decimal(0),
                paths=paths,
                paths_total=total,
                holder=who.get(account_id or "", (None, None))[0],
                place=who.get(account_id or "", (None, None))[1],
            )
        )
    return endpoints, len(starts), flow.index.to_decimal(omitted)


def holders_and_places(engine: Engine, account_ids: list[str]) -> dict[str, tuple[Any, Any]]:
    """Holder's name and place (``address`` identifiers, `` / ``-joined) of each account.

    Why here and not in the index: only the few listed endpoints need them, so one small
    query after the kernel costs nothing next to loading names for every account traced.
    """
    if not account_ids:
        return {}
    rows = engine.fetchall(
        "SELECT a.id, coalesce(p.name, a.name),"
        " (SELECT string_agg(DISTINCT i.value, ' / ' ORDER BY i.value) FROM identifiers i"
        "  WHERE i.owner_id = a.id AND i.scheme = 'address')"
        " FROM accounts a LEFT JOIN parties p ON p.id = a.holder_party_id"
        " WHERE list_contains(?, a.id)",
        [sorted(set(account_ids))],
    )
    return {str(r[0]): (r[1], r[2]) for r in rows}


Chains = list[tuple[tuple[int, ...], int]]


def _chains(flow: Flow, members: I64, limit: int) -> tuple[Chains, dict[int, int], int]:
    """Distinct transaction chains reaching an endpoint (largest first, at most ``limit``), the
    traced units each transaction carried, and the number of distinct chains."""
    rec = flow.records
    biggest = members[np.argsort(-rec[members, R_AMT], kind="stable")][:PATH_RECORDS_CAP]
    chains: dict[tuple[int, ...], int] = defaultdict(int)
    carried: dict[int, int] = {}
    for r in biggest:
        nodes: list[int] = []
        node = int(r)
        while node >= 0:
            tx = int(rec[node, R_TX])
            if tx >= 0 and flow.origin[tx] >= 0:
                nodes.append(node)
            node = int(rec[node, R_PARENT])
        if flow.direction is Direction.FORWARD:
            nodes.reverse()
        key = tuple(int(flow.origin[rec[n, R_TX]]) for n in nodes)
        chains[key] += int(rec[r, R_AMT])
        for n, pos in zip(nodes, key, strict=True):
            carried[pos] = max(carried.get(pos, 0), int(rec[n, R_AMT]))
    ranked = sorted(chains.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return ranked, carried, len(chains)


def _paths(
    flow: Flow, ranked: Chains, carried: dict[int, int], rows: dict[int, dict[str, Any]]
) -> list[TracePath]:
    """Readable paths (ids, channels, countries) of ranked chains."""
    paths = []
    for chain, units in ranked:
        steps = [
            PathStep(
                transaction_id=rows[p]["id"],
                ts=rows[p]["ts"],
                src_account_id=rows[p]["src_account_id"],
                dst_account_id=rows[p]["dst_account_id"],
                channel=rows[p]["channel"],
                amount=flow.index.to_decimal(carried[p]),
                ext_id=rows[p].get("ext_id"),
                src_account_number=rows[p].get("src_number"),
                dst_account_number=rows[p].get("dst_number"),
            )
            for p in chain
        ]
        paths.append(
            TracePath(
                amount=flow.index.to_decimal(units),
                transaction_ids=[s.transaction_id for s in steps],
                channels=_dedupe([s.channel for s in steps]),
                countries=_dedupe(
                    [c for p in chain for c in (rows[p]["src_country"], rows[p]["dst_country"])]
                ),
                steps=steps,
                ext_ids=[s.ext_id for s in steps],
            )
        )
    return paths


def _dedupe(values: list[object]) -> list[str]:
    """Transitions: values in order, without consecutive repeats or unknowns."""
    out: list[str] = []
    for v in values:
        if v is not None and (not out or out[-1] != v):
            out.append(str(v))
    return out
