"""Build the money network of a workspace: accounts, parties and what links them.

Why: an investigator asks "who is central, who is linked to whom" before tracing one payment.
The heavy lifting (grouping millions of transactions per account pair, pairing parties that share
an identifier) is done in DuckDB SQL; only the aggregated edges become Python objects, then a
rustworkx graph (fast metrics, Apache-2.0).

Nodes (payload :class:`Node`): every account, and every party (as holder or identifier owner).
Edges (payload :class:`Edge`):

- ``transfer`` account -> account: transactions grouped per (src, dst) with count, total in the
  reporting currency (``amount_reporting``, falling back to ``amount`` when no rate was known)
  and first/last timestamp. Transactions with an outside side (NULL account) have no edge.
- ``holder`` party -> account, from ``accounts.holder_party_id``.
- ``shared_identifier`` between two owners (parties or accounts) with the same identifier
  value in a linking scheme (phone, id numbers, address, e-mail, device). A value shared by
  more than :data:`MAX_OWNERS_PER_VALUE` owners (a call-centre number, "BAMAKO") is skipped:
  it links nothing and would square the edge count.
- ``same_entity`` between two parties that entity resolution put in one cluster (the latest
  linker run, with the analysts' confirm / reject decisions applied: ``resolution_clusters``).
  A cluster of k parties gives k - 1 edges, from its first party id to each other one: enough to
  join them in one component, without the k(k-1)/2 edges of a clique. Why: "Mohamed Ould Ahmed"
  at the bank and "محمد ولد أحمد" at the operator are one man; his two accounts must appear
  linked in the picture, the components and the ego network. Flow metrics (PageRank,
  betweenness, degrees) read transfer edges only, so these edges never move money.

Example::

    net = build_graph(ws.engine)
    net.graph.num_nodes(), net.index["<account id>"]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import rustworkx as rx

from moneytrail.engine.base import Engine
from moneytrail.resolve.store import latest_run

LINKING_SCHEMES = (
    "phone",
    "national_id",
    "passport",
    "nina",
    "rccm",
    "tax_id",
    "address",
    "email",
    "device",
)
MAX_OWNERS_PER_VALUE = 50
MAX_EDGE_REFERENCES = 20  # a pair of accounts may exchange thousands of transactions


@dataclass(frozen=True)
class Node:
    """An account or a party; ``label`` is what a picture shows (name, else number, else id)."""

    id: str
    type: str  # account | party
    label: str
    kind: str | None = None  # account kind (bank, mobile_money...) or party kind (person...)
    number: str | None = None
    name: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Edge:
    """A link; transfers carry the money figures, shared identifiers the schemes and values,
    ``same_entity`` the resolution cluster id in ``values``."""

    type: str  # transfer | holder | shared_identifier | same_entity
    count: int = 0
    amount: Decimal = Decimal(0)
    first: datetime | None = None
    last: datetime | None = None
    schemes: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    """Transfers: the bank's references (``ext_id``) of the first
    :data:`MAX_EDGE_REFERENCES` transactions in time order (``count`` says how many there are)."""


@dataclass
class MoneyNetwork:
    """A rustworkx directed graph plus the map from node ids to graph indices."""

    graph: rx.PyDiGraph[Node, Edge]
    index: dict[str, int] = field(default_factory=dict)
    currency: str = "XOF"

    def node(self, i: int) -> Node:
        """The payload of node index ``i``."""
        return self.graph[i]


def build_graph(engine: Engine, currency: str = "XOF") -> MoneyNetwork:
    """The whole workspace as one :class:`MoneyNetwork` (see the module docstring)."""
    graph: rx.PyDiGraph[Node, Edge] = rx.PyDiGraph(multigraph=True)
    net = MoneyNetwork(graph=graph, currency=currency)
    for aid, kind, number, name, country in engine.fetchall(
        "SELECT id, kind, number, name, country FROM accounts ORDER BY id"
    ):
        label = name or number or aid
        _add_node(net, Node(aid, "account", label, kind, number, name, country))
    for pid, kind, name, country in engine.fetchall(
        "SELECT id, kind, name, country FROM parties ORDER BY id"
    ):
        _add_node(net, Node(pid, "party", name or pid, kind, None, name, country))
    _add_transfers(net, engine)
    for party, account in engine.fetchall(
        "SELECT DISTINCT holder_party_id, id FROM accounts WHERE holder_party_id IS NOT NULL"
        " ORDER BY 1, 2"
    ):
        _add_edge(net, party, account, Edge("holder"))
    _add_shared_identifiers(net, engine)
    _add_same_entities(net, engine)
    return net


def _add_node(net: MoneyNetwork, node: Node) -> None:
    if node.id not in net.index:  # a party and an account never share an id (natural keys)
        net.index[node.id] = net.graph.add_node(node)


def _add_edge(net: MoneyNetwork, src: str, dst: str, edge: Edge) -> None:
    if src in net.index and dst in net.index:
        net.graph.add_edge(net.index[src], net.index[dst], edge)


def _add_transfers(net: MoneyNetwork, engine: Engine) -> None:
    # The first references of each pair by a window, not a sliced ordered list: one SQL text
    # that means the same on DuckDB and Spark (decision 0141).
    rows = engine.fetchall(
        "WITH agg AS (SELECT src_account_id AS s, dst_account_id AS d, count(*) AS n,"
        " sum(coalesce(amount_reporting, amount)) AS total, min(ts) AS first, max(ts) AS last"
        " FROM transactions WHERE src_account_id IS NOT NULL AND dst_account_id IS NOT NULL"
        " GROUP BY 1, 2),"
        " refs AS (SELECT src_account_id AS s, dst_account_id AS d, ext_id,"
        " row_number() OVER (PARTITION BY src_account_id, dst_account_id ORDER BY ts, id) AS k"
        " FROM transactions WHERE ext_id IS NOT NULL AND src_account_id IS NOT NULL"
        " AND dst_account_id IS NOT NULL),"
        " firsts AS (SELECT s, d, list(ext_id ORDER BY k) AS refs FROM refs WHERE k <= ?"
        " GROUP BY 1, 2)"
        " SELECT a.s, a.d, a.n, a.total, a.first, a.last, f.refs FROM agg a"
        " LEFT JOIN firsts f ON f.s = a.s AND f.d = a.d ORDER BY 1, 2",
        [MAX_EDGE_REFERENCES],
    )
    for src, dst, count, total, first, last, refs in rows:
        edge = Edge(
            "transfer", int(count), Decimal(total), first, last, references=tuple(refs or ())
        )
        _add_edge(net, src, dst, edge)


def _add_shared_identifiers(net: MoneyNetwork, engine: Engine) -> None:
    rows = engine.fetchall(
        "WITH ids AS (SELECT DISTINCT owner_id, scheme, value FROM identifiers"
        " WHERE list_contains(?, scheme)),"
        " common AS (SELECT scheme, value FROM ids GROUP BY 1, 2"
        " HAVING count(*) BETWEEN 2 AND ?)"
        " SELECT a.owner_id, b.owner_id, list(a.scheme ORDER BY a.scheme, a.value),"
        " list(a.value ORDER BY a.scheme, a.value)"
        " FROM ids a JOIN ids b ON a.scheme = b.scheme AND a.value = b.value"
        " AND a.owner_id < b.owner_id"
        " JOIN common c ON c.scheme = a.scheme AND c.value = a.value"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        [list(LINKING_SCHEMES), MAX_OWNERS_PER_VALUE],
    )
    for a, b, schemes, values in rows:
        _add_edge(
            net, a, b, Edge("shared_identifier", schemes=tuple(schemes), values=tuple(values))
        )


def _add_same_entities(net: MoneyNetwork, engine: Engine) -> None:
    run = latest_run(engine)
    if run is None:
        return
    rows = engine.fetchall(
        "SELECT cluster_id, list(party_id ORDER BY party_id) FROM resolution_clusters"
        " WHERE run_id = ? GROUP BY 1 HAVING count(*) > 1 ORDER BY 1",
        [run[0]],
    )
    for cluster, members in rows:
        head, *others = members
        for other in others:
            _add_edge(net, head, other, Edge("same_entity", values=(str(cluster),)))
