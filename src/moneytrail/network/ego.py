"""Ego networks and shortest paths: the neighbourhood of one subject, the route between two.

Why: a case starts from one suspect; the analyst wants everyone within two links of them (who
paid, who was paid, who shares a phone) and, for two accounts, the shortest chain of transfers.

A subject is matched, in order, as a node id, an account number, or a party/account name
(case-insensitive, exact). Hops follow every edge in both directions. The shortest path follows
transfers in their direction only (money cannot flow backwards).

Example::

    ego = ego_network(net, "+22376000001", hops=2)
    path = shortest_path(net, "+22376000001", "+22370000002")
"""

from __future__ import annotations

import rustworkx as rx

from moneytrail.errors import UsageError
from moneytrail.network.graph import MoneyNetwork
from moneytrail.network.metrics import transfer_graph


def resolve(net: MoneyNetwork, subject: str) -> int:
    """The node index of ``subject`` (id, account number, then name); UsageError if unknown."""
    if subject in net.index:
        return net.index[subject]
    wanted = subject.strip().casefold()
    by_number = [i for i in net.graph.node_indices() if (net.node(i).number or "") == subject]
    if by_number:
        return min(by_number, key=lambda i: net.node(i).id)
    by_name = [i for i in net.graph.node_indices() if (net.node(i).name or "").casefold() == wanted]
    if not by_name:
        raise UsageError("error.network_unknown_subject", subject=subject)
    # A party before its accounts: the person is what the analyst named.
    return min(by_name, key=lambda i: (net.node(i).type != "party", net.node(i).id))


def ego_network(net: MoneyNetwork, subject: str, hops: int = 2) -> MoneyNetwork:
    """The sub-network of nodes within ``hops`` links of ``subject`` (any edge, any direction)."""
    if hops < 0:
        raise UsageError("error.network_bad_hops", hops=hops)
    start = resolve(net, subject)
    seen = {start}
    frontier = {start}
    for _ in range(hops):
        frontier = {n for i in frontier for n in net.graph.neighbors_undirected(i) if n not in seen}
        if not frontier:
            break
        seen |= frontier
    sub, mapping = net.graph.subgraph_with_nodemap(sorted(seen))
    ego = MoneyNetwork(graph=sub, currency=net.currency)
    ego.index = {net.node(old).id: new for new, old in mapping.items()}
    return ego


def shortest_path(net: MoneyNetwork, source: str, target: str) -> list[str]:
    """Node ids of the fewest-transfers route from ``source`` to ``target``; [] if none."""
    a, b = resolve(net, source), resolve(net, target)
    if a == b:
        return [net.node(a).id]
    paths = rx.digraph_dijkstra_shortest_paths(transfer_graph(net), a, target=b, default_weight=1.0)
    return [net.node(i).id for i in paths[b]] if b in paths else []
