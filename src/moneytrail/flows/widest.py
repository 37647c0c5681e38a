"""Widest path: the route between two subjects along which the most money could have moved.

Why: the shortest chain of transfers (``network path``) counts hops; an investigator following
a ransom wants the chain whose *weakest* link is the largest (the maximum-bottleneck path): "at
least this much could have gone from A to B through these accounts".

Two readings:

- **static** (:func:`widest_path`): on the network's transfer edges, each edge's capacity is its
  total (every transaction from one account to the other, in the reporting currency). The
  bottleneck is found by a binary search over the sorted capacities, each step asking
  rustworkx whether the target is reachable using only edges at least that large; among the
  widest routes the one with the fewest transfers is returned (rustworkx Dijkstra, unit
  weights). Totals ignore time: money may appear to flow "backwards in time".
- **temporal** (:func:`temporal_widest_path`): single transactions, each leaving the account
  the previous one reached, at the same instant or later (order: timestamp, then id). The
  same binary search, each step an earliest-arrival scan over the transactions at least that
  large (one pass in time order). The route returned is the earliest-arriving one.

Both take account ids (:mod:`moneytrail.subjects` turns what the analyst typed into them; a
party stands for all the accounts it holds). Assumption: investigation-sized workspaces (the
temporal scan is a Python loop, about 20 passes over the transactions).

Example::

    found = widest_path(ws.network.graph(), [account_a], [account_b])
    found.bottleneck, found.nodes   # or ws.network.widest_path("+223 76 00 00 01", "Awa")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import TypeVar

import numpy as np
import rustworkx as rx

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.model.display import exact
from moneytrail.network.graph import Edge, MoneyNetwork, Node
from moneytrail.network.metrics import transfer_graph

T = TypeVar("T")


@dataclass
class WidestPath:
    """A route, its bottleneck (smallest link) and each link's amount.

    ``nodes`` are account ids, ``labels`` what a person reads; ``amounts[i]`` is the link from
    ``nodes[i]`` to ``nodes[i + 1]``. Temporal routes also list their transactions and times.
    """

    bottleneck: Decimal
    nodes: list[str]
    labels: list[str]
    amounts: list[Decimal]
    temporal: bool = False
    transaction_ids: list[str] = field(default_factory=list)
    timestamps: list[str] = field(default_factory=list)


def widest_path(
    net: MoneyNetwork, sources: Sequence[str], targets: Sequence[str]
) -> WidestPath | None:
    """The static maximum-bottleneck route from any of the accounts ``sources`` to any of
    ``targets`` (account ids, as :func:`moneytrail.subjects.subject` gives them: a party
    stands for the accounts it holds); None when no money route exists (module docstring)."""
    start = sorted({net.index[a] for a in sources if a in net.index})
    goal = sorted({net.index[a] for a in targets if a in net.index})
    _distinct(start, goal, sources, targets)
    flow = transfer_graph(net)
    capacities = sorted({e.amount for e in flow.edges()})

    def reachable(threshold: Decimal) -> bool:
        g = _at_least(flow, threshold)
        return any(set(goal) & rx.descendants(g, s) for s in start)

    best = _largest(capacities, reachable)
    if best is None:
        return None
    g = _at_least(flow, best)
    route = _fewest_hops(g, start, set(goal), lambda i: net.node(i).id)
    amounts = [exact(max(e.amount for e in g.get_all_edge_data(a, b))) for a, b in pairwise(route)]
    return WidestPath(
        bottleneck=min(amounts),
        nodes=[net.node(i).id for i in route],
        labels=[net.node(i).label for i in route],
        amounts=amounts,
    )


def route_network(net: MoneyNetwork, ids: Sequence[str]) -> MoneyNetwork:
    """The sub-network of the accounts ``ids`` (unknown ids skipped), every link between them
    kept: what a picture of found routes shows (``paths between --picture``)."""
    keep = sorted({net.index[i] for i in ids if i in net.index})
    sub, mapping = net.graph.subgraph_with_nodemap(keep)
    out = MoneyNetwork(graph=sub, currency=net.currency)
    out.index = {net.node(old).id: new for new, old in mapping.items()}
    return out


def _distinct(
    start: list[int], goal: list[int], sources: Sequence[str], targets: Sequence[str]
) -> None:
    if not start or not goal or set(start) & set(goal):
        raise UsageError(
            "error.flows_no_route_subjects", source=",".join(sources), target=",".join(targets)
        )


def _at_least(flow: rx.PyDiGraph[Node, Edge], threshold: Decimal) -> rx.PyDiGraph[Node, Edge]:
    """A copy of ``flow`` keeping the edges of at least ``threshold`` (indices unchanged)."""
    g = flow.copy()
    for index in g.filter_edges(lambda e: e.amount < threshold):
        g.remove_edge_from_index(index)
    return g


def _largest(values: Sequence[T], ok: Callable[[T], bool]) -> T | None:
    """The largest of sorted ``values`` for which the monotone test ``ok`` holds (binary
    search: ``ok`` holds for every value below one that passes)."""
    lo, hi, found = 0, len(values) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        if ok(values[mid]):
            found, lo = values[mid], mid + 1
        else:
            hi = mid - 1
    return found


def _fewest_hops(
    g: rx.PyDiGraph[Node, Edge], sources: list[int], targets: set[int], key: Callable[[int], str]
) -> list[int]:
    """Fewest-transfers route from any source to any target (ties: by node ids)."""
    routes = []
    for s in sources:
        paths = rx.digraph_dijkstra_shortest_paths(g, s, target=None, default_weight=1.0)
        routes += [list(paths[t]) for t in targets if t in paths]
    return min(routes, key=lambda r: (len(r), [key(i) for i in r]))


_TEMPORAL_SQL = """
SELECT t.id, t.ts, t.src_account_id, t.dst_account_id,
       coalesce(t.amount_reporting, t.amount) AS amount
FROM transactions t
WHERE t.src_account_id IS NOT NULL AND t.dst_account_id IS NOT NULL
  AND t.src_account_id <> t.dst_account_id
ORDER BY t.ts, t.id
"""


def temporal_widest_path(
    engine: Engine, sources: Sequence[str], targets: Sequence[str], labels: dict[str, str]
) -> WidestPath | None:
    """The time-respecting maximum-bottleneck route between account ids (module docstring);
    ``labels`` names accounts for people (missing ones show their id)."""
    if not sources or not targets or set(sources) & set(targets):
        raise UsageError(
            "error.flows_no_route_subjects", source=",".join(sources), target=",".join(targets)
        )
    table = engine.fetch_arrow(_TEMPORAL_SQL)
    ids = table.column("id").to_pylist()
    src = table.column("src_account_id").to_pylist()
    dst = table.column("dst_account_id").to_pylist()
    amount_of = table.column("amount").to_pylist()
    amounts = np.asarray([float(a) for a in amount_of], dtype=np.float64)
    start, goal = set(sources), set(targets)

    def scan(threshold: float) -> dict[str, int] | None:
        """Earliest arrival using transactions >= threshold: account -> tx that reached it."""
        reached = dict.fromkeys(start, -1)
        for i in np.flatnonzero(amounts >= threshold).tolist():
            if src[i] in reached and dst[i] not in reached:
                reached[dst[i]] = i
                if dst[i] in goal:
                    return reached | {"": i}
        return None

    levels = np.unique(amounts).tolist()
    best = _largest(levels, lambda t: scan(t) is not None)
    if best is None:
        return None
    reached = scan(best)
    assert reached is not None  # the search just saw it pass
    chain, i = [], reached[""]
    while i >= 0:
        chain.append(i)
        i = reached[src[i]]
    chain.reverse()
    nodes = [src[chain[0]], *(dst[i] for i in chain)]
    steps = [exact(Decimal(amount_of[i])) for i in chain]
    return WidestPath(
        bottleneck=min(steps),
        nodes=nodes,
        labels=[labels.get(n, n) for n in nodes],
        amounts=steps,
        temporal=True,
        transaction_ids=[ids[i] for i in chain],
        timestamps=[table.column("ts")[i].as_py().isoformat() for i in chain],
    )
