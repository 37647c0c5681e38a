"""Network analysis of a workspace: the graph, its metrics, ego networks, exports, pictures.

The functions take node ids; ``ws.network`` (:class:`moneytrail.api.network.NetworkPart`)
resolves what the analyst names first (:mod:`moneytrail.subjects`).

Example::

    from moneytrail.network import build_graph, compute_metrics, ego_network
    net = build_graph(ws.engine)
    compute_metrics(net, top=5).top_pagerank
"""

from moneytrail.network.ego import ego_network, node_indices, shortest_path
from moneytrail.network.exports import FORMATS, to_cytoscape, to_networkx, write_network
from moneytrail.network.graph import Edge, MoneyNetwork, Node, build_graph
from moneytrail.network.metrics import NetworkMetrics, Ranked, compute_metrics

__all__ = [
    "FORMATS",
    "Edge",
    "MoneyNetwork",
    "NetworkMetrics",
    "Node",
    "Ranked",
    "build_graph",
    "compute_metrics",
    "ego_network",
    "node_indices",
    "shortest_path",
    "to_cytoscape",
    "to_networkx",
    "write_network",
]
