"""Who is central: degree, weighted PageRank, betweenness, k-core, components, communities.

Why these: PageRank weighted by amount finds the accounts where money pools; betweenness finds
the brokers between groups (a cash-out agent, a front company); k-core and components show how
dense the network is; communities (Louvain) propose the "cells" an analyst then checks by hand.

Assumptions (also in docs/network.md):

- Degree, PageRank and betweenness are computed on transfer edges only (money flow); holder and
  shared-identifier edges join parties to their accounts but carry no money.
- PageRank weights are float amounts (ranking only, never shown as money); ``tol`` is tight
  (1e-10) because the default tolerance can stop at the uniform 1/N vector on large graphs.
- Betweenness is exact up to :data:`BETWEENNESS_EXACT_LIMIT` nodes; above, it is computed on the
  sub-network of the busiest accounts (highest degree) and flagged ``betweenness_sampled``.
- k-core, components and communities use every edge, undirected. Louvain (networkx, seed 42) runs
  up to :data:`LOUVAIN_LIMIT` nodes; above, ``communities`` is empty and ``communities_skipped``.

Example::

    m = compute_metrics(build_graph(ws.engine), top=10)
    m.top_pagerank[0].label
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import networkx as nx
import rustworkx as rx

from moneytrail.network.graph import Edge, MoneyNetwork, Node

BETWEENNESS_EXACT_LIMIT = 5_000
LOUVAIN_LIMIT = 100_000
LOUVAIN_SEED = 42


@dataclass(frozen=True)
class Ranked:
    """One node with its score, for the top lists."""

    id: str
    label: str
    type: str
    score: float


@dataclass
class NetworkMetrics:
    """Figures of a network, top lists first."""

    nodes: int
    edges: int
    transfer_edges: int
    top_pagerank: list[Ranked] = field(default_factory=list)
    top_betweenness: list[Ranked] = field(default_factory=list)
    top_degree: list[Ranked] = field(default_factory=list)
    components: int = 0
    largest_component: int = 0
    max_core: int = 0
    communities: list[int] = field(default_factory=list)  # sizes, largest first
    betweenness_sampled: bool = False
    communities_skipped: bool = False
    pagerank: dict[str, float] = field(default_factory=dict, repr=False)
    betweenness: dict[str, float] = field(default_factory=dict, repr=False)
    in_degree: dict[str, int] = field(default_factory=dict, repr=False)
    out_degree: dict[str, int] = field(default_factory=dict, repr=False)
    core: dict[str, int] = field(default_factory=dict, repr=False)
    community_of: dict[str, int] = field(default_factory=dict, repr=False)


def transfer_graph(net: MoneyNetwork) -> rx.PyDiGraph[Node, Edge]:
    """A copy of the graph keeping only transfer edges (node indices unchanged)."""
    g = net.graph.copy()
    g.remove_edges_from([(a, b) for a, b, e in g.weighted_edge_list() if not _is_transfer(e)])
    return g


def _is_transfer(edge: Edge) -> bool:
    return edge.type == "transfer"


def compute_metrics(net: MoneyNetwork, top: int = 10) -> NetworkMetrics:
    """Every metric of the module docstring; ``top`` sizes the top lists."""
    g = net.graph
    flow = transfer_graph(net)
    ids = {i: net.node(i).id for i in g.node_indices()}
    m = NetworkMetrics(nodes=g.num_nodes(), edges=g.num_edges(), transfer_edges=flow.num_edges())
    if g.num_nodes() == 0:
        return m
    m.in_degree = {ids[i]: len(set(flow.predecessor_indices(i))) for i in ids}
    m.out_degree = {ids[i]: len(set(flow.successor_indices(i))) for i in ids}
    pr = rx.pagerank(flow, alpha=0.85, weight_fn=lambda e: float(e.amount), tol=1e-10)
    m.pagerank = {ids[i]: float(v) for i, v in pr.items()}
    m.betweenness, m.betweenness_sampled = _betweenness(flow, ids, m)
    undirected = g.to_undirected(multigraph=False)
    components = rx.connected_components(undirected)
    m.components = len(components)
    m.largest_component = max(len(c) for c in components)
    core = cast(dict[int, int], rx.core_number(undirected))  # the stub says int: a dict
    m.core = {ids[i]: int(k) for i, k in core.items()}
    m.max_core = max(m.core.values(), default=0)
    _communities(net, m)
    m.top_pagerank = _top(net, m.pagerank, top)
    m.top_betweenness = _top(net, m.betweenness, top)
    degree = {k: float(m.in_degree[k] + m.out_degree[k]) for k in m.in_degree}
    m.top_degree = _top(net, degree, top)
    return m


def _betweenness(
    flow: rx.PyDiGraph[Node, Edge],
    ids: dict[int, str],
    m: NetworkMetrics,
) -> tuple[dict[str, float], bool]:
    if flow.num_nodes() <= BETWEENNESS_EXACT_LIMIT:
        scores = rx.digraph_betweenness_centrality(flow, normalized=True)
        return {ids[i]: float(v) for i, v in scores.items()}, False
    busiest = sorted(ids, key=lambda i: (-(flow.in_degree(i) + flow.out_degree(i)), ids[i]))
    keep = busiest[:BETWEENNESS_EXACT_LIMIT]
    sub, mapping = flow.subgraph_with_nodemap(keep)
    scores = rx.digraph_betweenness_centrality(sub, normalized=True)
    return {ids[mapping[i]]: float(v) for i, v in scores.items()}, True


def _communities(net: MoneyNetwork, m: NetworkMetrics) -> None:
    if net.graph.num_nodes() > LOUVAIN_LIMIT:
        m.communities_skipped = True
        return
    h: nx.Graph[str] = nx.Graph()
    h.add_nodes_from(net.node(i).id for i in net.graph.node_indices())
    for a, b, e in net.graph.weighted_edge_list():
        u, v = net.node(a).id, net.node(b).id
        if u != v:
            h.add_edge(u, v)
            h.edges[u, v]["weight"] = h.edges[u, v].get("weight", 0) + max(e.count, 1)
    groups = nx.community.louvain_communities(h, weight="weight", seed=LOUVAIN_SEED)
    groups = sorted(groups, key=lambda c: (-len(c), min(c)))
    m.communities = [len(c) for c in groups]
    m.community_of = {n: k for k, c in enumerate(groups) for n in c}


def _top(net: MoneyNetwork, scores: dict[str, float], n: int) -> list[Ranked]:
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    out = []
    for node_id, score in best:
        node = net.node(net.index[node_id])
        out.append(Ranked(node_id, node.label, node.type, round(score, 10)))
    return out
