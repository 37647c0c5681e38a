"""Brokers and bridges: the accounts and links that hold a money network together.

Why: cutting a cash-out agent, a front company or the one transfer between two cells
disconnects them; an investigator wants those first. Definitions (docs/network.md, "Brokers
and bridges"):

- the **money projection**: transfer edges only, direction and parallel edges dropped (holder
  and shared-identifier links carry no money);
- **cut accounts** (articulation points, ``rustworkx.articulation_points``): removing the
  account splits its component of the money projection;
- **bridges** (``rustworkx.bridges``): links whose removal splits it. A bridge to an account
  with a single counterparty (a leaf) is trivial (it only says "this wallet dealt with one
  account") and only counted, not listed;
- **brokers**: accounts with a betweenness above zero (``compute_metrics``, transfer edges)
  whose counterparties lie in at least two Louvain communities (all edges): money between
  cells passes through them. Ranked by betweenness; whether each is also a cut account is
  said.

Example::

    report = brokers_and_bridges(ws.network.graph(), top=10)
    [b.label for b in report.brokers]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

import rustworkx as rx

from moneytrail.model.display import exact
from moneytrail.network.graph import Edge, MoneyNetwork, Node
from moneytrail.network.metrics import compute_metrics, transfer_graph


@dataclass(frozen=True)
class Broker:
    """An account between groups: betweenness, communities its counterparties belong to
    (its own included), and whether removing it splits the money network."""

    id: str
    label: str
    betweenness: float
    communities: int
    cut: bool


@dataclass(frozen=True)
class CutAccount:
    """An articulation point of the money projection, with its number of counterparties."""

    id: str
    label: str
    counterparties: int


@dataclass(frozen=True)
class Bridge:
    """A link whose removal splits the money network; amounts and counts both ways."""

    a: str
    b: str
    a_label: str
    b_label: str
    amount: Decimal
    count: int


@dataclass
class BrokerReport:
    """Cut accounts and brokers (largest first), non-trivial bridges (largest amount first;
    ``bridges_total`` of them before the ``top`` cut) and the count of leaf bridges."""

    cut_accounts: list[CutAccount] = field(default_factory=list)
    bridges: list[Bridge] = field(default_factory=list)
    bridges_total: int = 0
    leaf_bridges: int = 0
    brokers: list[Broker] = field(default_factory=list)


def money_projection(net: MoneyNetwork) -> rx.PyGraph[Node, Edge]:
    """Transfer edges, undirected, parallel edges merged (node indices unchanged)."""
    return transfer_graph(net).to_undirected(multigraph=False)


def brokers_and_bridges(net: MoneyNetwork, top: int = 10) -> BrokerReport:
    """Every list of the module docstring; ``top`` bounds each list."""
    g = money_projection(net)
    report = BrokerReport()
    if g.num_nodes() == 0:
        return report
    cuts = rx.articulation_points(g)
    ranked = sorted(cuts, key=lambda i: (-g.degree(i), net.node(i).id))
    report.cut_accounts = [
        CutAccount(net.node(i).id, net.node(i).label, g.degree(i)) for i in ranked[:top]
    ]
    # The stub types a bridge as tuple[int]; it is a pair of node indices.
    for a, b in cast(set[tuple[int, int]], rx.bridges(g)):
        if g.degree(a) == 1 or g.degree(b) == 1:
            report.leaf_bridges += 1
            continue
        edges = [*_edges(net, a, b), *_edges(net, b, a)]
        money = [e for e in edges if e.type == "transfer"]
        x, y = sorted((a, b), key=lambda i: net.node(i).id)
        report.bridges.append(
            Bridge(
                net.node(x).id,
                net.node(y).id,
                net.node(x).label,
                net.node(y).label,
                exact(sum((e.amount for e in money), Decimal(0))),
                sum(e.count for e in money),
            )
        )
    report.bridges_total = len(report.bridges)
    report.bridges = sorted(report.bridges, key=lambda br: (-br.amount, br.a, br.b))[:top]
    metrics = compute_metrics(net, top=top)
    community = metrics.community_of
    found = []
    for i in g.node_indices():
        node = net.node(i)
        score = metrics.betweenness.get(node.id, 0.0)
        if score <= 0:
            continue
        linked = {community.get(net.node(n).id, -1) for n in g.neighbors(i)}
        linked.add(community.get(node.id, -1))
        if len(linked) >= 2:
            found.append(Broker(node.id, node.label, round(score, 10), len(linked), i in cuts))
    report.brokers = sorted(found, key=lambda br: (-br.betweenness, br.id))[:top]
    return report


def _edges(net: MoneyNetwork, a: int, b: int) -> list[Edge]:
    """Edge payloads from ``a`` to ``b`` (none when there is no such edge)."""
    return list(net.graph.get_all_edge_data(a, b)) if net.graph.has_edge(a, b) else []
