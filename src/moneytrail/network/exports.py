"""Write a network for Gephi (GEXF), yEd/Cytoscape desktop (GraphML) or Cytoscape.js (JSON).

Why: analysts already know these tools; moneytrail hands them the graph, it does not replace
them. Attributes are flat scalars (the formats allow nothing else): amounts are written twice,
``amount`` as the exact decimal string and ``weight`` as a float for the tools' layouts; times
are ISO 8601 UTC strings; empty values are left out (GEXF and GraphML refuse None). Accounts
carry their ``number`` beside the internal id; a transfer edge its transactions' bank
references (``references``: the first 20 ``ext_id`` in time order, ``"; "``-separated,
``count`` the number of transactions).

Example::

    write_network(build_graph(ws.engine), Path("case.gexf"), "gexf")
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from moneytrail.errors import UsageError
from moneytrail.files.outputs import ProtectedPaths, atomic_output
from moneytrail.network.graph import Edge, MoneyNetwork, Node

FORMATS = ("graphml", "gexf", "cytoscape")


def node_attributes(node: Node) -> dict[str, Any]:
    """Flat, non-empty attributes of a node."""
    raw = {
        "label": node.label,
        "type": node.type,
        "kind": node.kind,
        "number": node.number,
        "name": node.name,
        "country": node.country,
    }
    return {k: v for k, v in raw.items() if v is not None}


def edge_attributes(edge: Edge) -> dict[str, Any]:
    """Flat, non-empty attributes of an edge."""
    raw: dict[str, Any] = {"type": edge.type}
    if edge.type == "transfer":
        raw |= {"count": edge.count, "amount": str(edge.amount), "weight": float(edge.amount)}
        raw |= {"first": edge.first.isoformat() if edge.first else None}
        raw |= {"last": edge.last.isoformat() if edge.last else None}
        raw |= {"references": "; ".join(edge.references) or None}
    if edge.type == "same_entity" and edge.values:
        return raw | {"cluster": edge.values[0]}
    if edge.schemes:
        raw |= {"schemes": ",".join(edge.schemes), "values": ",".join(edge.values)}
    return {k: v for k, v in raw.items() if v is not None}


def to_networkx(net: MoneyNetwork) -> nx.MultiDiGraph[str]:
    """The network as a networkx multigraph keyed by node id."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in net.graph.node_indices():
        node = net.node(i)
        g.add_node(node.id, **node_attributes(node))
    for a, b, edge in net.graph.weighted_edge_list():
        g.add_edge(net.node(a).id, net.node(b).id, **edge_attributes(edge))
    return g


def to_cytoscape(net: MoneyNetwork) -> dict[str, Any]:
    """Cytoscape.js ``elements`` JSON (``data.id``, ``data.source``, ``data.target``)."""
    nodes = [
        {"data": {"id": net.node(i).id, **node_attributes(net.node(i))}}
        for i in net.graph.node_indices()
    ]
    edges = [
        {
            "data": {
                "id": f"e{k}",
                "source": net.node(a).id,
                "target": net.node(b).id,
                **edge_attributes(e),
            }
        }
        for k, (a, b, e) in enumerate(net.graph.weighted_edge_list())
    ]
    return {"elements": {"nodes": nodes, "edges": edges}}


def write_network(
    net: MoneyNetwork, path: Path, fmt: str, protected: ProtectedPaths | None = None
) -> None:
    """Write ``net`` to ``path`` in ``fmt`` (graphml | gexf | cytoscape), UTF-8.

    Atomic (a temporary file renamed at the end) and never over a ``protected`` path.
    """
    if fmt not in FORMATS:
        raise UsageError("error.network_bad_format", format=fmt)
    with atomic_output(path, protected) as part:
        if fmt == "cytoscape":
            text = json.dumps(to_cytoscape(net), ensure_ascii=False, indent=1)
            part.write_text(text + "\n", encoding="utf-8")
        elif fmt == "graphml":
            nx.write_graphml(to_networkx(net), part, encoding="utf-8")
        else:
            nx.write_gexf(to_networkx(net), part, encoding="utf-8")
