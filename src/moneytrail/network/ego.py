"""Ego networks and shortest paths: the neighbourhood of one subject, the route between two.

Why: a case starts from one suspect; the analyst wants everyone within two links of them (who
paid, who was paid, who shares a phone) and, for two accounts, the shortest chain of transfers.

Both take node ids: what the analyst typed ("+223 76 12 34 56", "awa traore") is turned into
ids once, by :mod:`moneytrail.subjects` (``ws.network.picture(...)`` and
``ws.network.shortest_path(...)`` do it). A party's ego network starts from the party (its
accounts are one link away); a path runs between accounts. Hops follow every edge in both
directions. The shortest path follows transfers in their direction only (money cannot flow
backwards).

Example::

    ego = ego_network(net, [party_id], hops=2)
    path = shortest_path(net, [account_a], [account_b])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import rustworkx as rx

from moneytrail.errors import UsageError
from moneytrail.network.graph import MoneyNetwork
from moneytrail.network.metrics import transfer_graph


def node_indices(net: MoneyNetwork, ids: str | Collection[str]) -> list[int]:
    """Graph indices of the node ids ``ids`` (one id or several); ids not in ``net`` are
    skipped, and none at all is a :class:`UsageError` naming them."""
    wanted = [ids] if isinstance(ids, str) else sorted(ids)
    found = sorted({net.index[i] for i in wanted if i in net.index})
    if not found:
        raise UsageError("error.subject_unknown", subject=", ".join(wanted))
    return found


def ego_network(net: MoneyNetwork, centre: str | Collection[str], hops: int = 2) -> MoneyNetwork:
    """The sub-network of nodes within ``hops`` links of the node(s) ``centre`` (any edge,
    any direction)."""
    if hops < 0:
        raise UsageError("error.network_bad_hops", hops=hops)
    seen = set(node_indices(net, centre))
    frontier = set(seen)
    for _ in range(hops):
        frontier = {n for i in frontier for n in net.graph.neighbors_undirected(i) if n not in seen}
        if not frontier:
            break
        seen |= frontier
    sub, mapping = net.graph.subgraph_with_nodemap(sorted(seen))
    ego = MoneyNetwork(graph=sub, currency=net.currency)
    ego.index = {net.node(old).id: new for new, old in mapping.items()}
    return ego


def shortest_path(
    net: MoneyNetwork, sources: str | Sequence[str], targets: str | Sequence[str]
) -> list[str]:
    """Node ids of the fewest-transfers route from any of ``sources`` to any of ``targets``
    (node ids; ties: the smallest ids along the route); ``[]`` if none."""
    start, goal = node_indices(net, sources), node_indices(net, targets)
    common = sorted(set(start) & set(goal), key=lambda i: net.node(i).id)
    if common:
        return [net.node(common[0]).id]
    flow = transfer_graph(net)
    one = goal[0] if len(goal) == 1 else None  # one target: Dijkstra may stop there
    routes = []
    for a in start:
        paths = rx.digraph_dijkstra_shortest_paths(flow, a, target=one, default_weight=1.0)
        routes += [list(paths[b]) for b in goal if b in paths]
    if not routes:
        return []
    best = min(routes, key=lambda r: (len(r), [net.node(i).id for i in r]))
    return [net.node(i).id for i in best]
