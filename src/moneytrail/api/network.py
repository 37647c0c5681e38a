"""``ws.network``: the money network of a workspace, its figures, files and pictures.

A thin part over :mod:`moneytrail.network` and the routes of :mod:`moneytrail.flows`. What the
analyst names (``"+223 76 12 34 56"``, ``"awa traore"``, an account id) is resolved once by
:mod:`moneytrail.subjects`; every method returns a typed result whose JSON form is what
``moneytrail network ... --json`` prints. Example::

    with Workspace.open("enquete", read_only=True) as ws:
        figures = ws.network.metrics(top=10)
        route = ws.network.widest_path("+223 76 00 00 02", "عبد الله", temporal=True)
        ws.network.picture("Awa Traoré", Path("ego.png"), hops=2, lang="fr")
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import UsageError
from moneytrail.i18n import translate

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.flows.brokers import BrokerReport
    from moneytrail.flows.widest import WidestPath
    from moneytrail.network.graph import MoneyNetwork, Node
    from moneytrail.network.metrics import NetworkMetrics, Ranked
    from moneytrail.subjects import Subject

__all__ = [
    "BrokerReport",
    "MoneyNetwork",
    "NetworkExport",
    "NetworkMetrics",
    "NetworkPart",
    "NetworkPath",
    "NetworkPicture",
    "Node",
    "Ranked",
    "WidestPath",
    "WidestRoute",
]

# Result types of the analytics, loaded on first use (they pull in rustworkx and networkx).
_LAZY = {
    "BrokerReport": "moneytrail.flows.brokers",
    "WidestPath": "moneytrail.flows.widest",
    "MoneyNetwork": "moneytrail.network.graph",
    "Node": "moneytrail.network.graph",
    "NetworkMetrics": "moneytrail.network.metrics",
    "Ranked": "moneytrail.network.metrics",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api.network' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


@dataclass
class NetworkExport:
    """What ``network export`` wrote: the file, its format and the size of the graph in it."""

    path: str
    format: str
    nodes: int
    edges: int


@dataclass
class NetworkPicture:
    """What ``network picture`` drew: the file and the size of the ego network."""

    path: str
    nodes: int
    edges: int


@dataclass
class NetworkPath:
    """The fewest-transfers route between two subjects (``path`` empty: no route)."""

    source: str
    target: str
    path: list[Node]


@dataclass
class WidestRoute:
    """The route carrying the most money between two subjects (``path`` None: no route)."""

    source: str
    target: str
    temporal: bool
    path: WidestPath | None


def _at_least_one(option: str, value: int) -> None:
    if value < 1:
        raise UsageError("error.flows_bad_number", option=option, value=value)


class NetworkPart:
    """The money network of one workspace (accounts, parties, transfers, shared identifiers,
    resolved entities). Files are written atomically and never over the workspace or one of
    its sources (:mod:`moneytrail.files.outputs`)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def graph(self) -> MoneyNetwork:
        """The whole network; see :func:`moneytrail.network.build_graph`."""
        from moneytrail.network.graph import build_graph

        return build_graph(self._ws.engine, self._ws.reporting_currency)

    def _subject(self, text: str, *, need_accounts: bool) -> Subject:
        from moneytrail.subjects import subject

        return subject(self._ws.engine, text, need_accounts=need_accounts)

    def metrics(self, top: int = 10) -> NetworkMetrics:
        """Central accounts (PageRank, betweenness, degree), components, cores, communities."""
        from moneytrail.network.metrics import compute_metrics

        _at_least_one("top", top)
        return compute_metrics(self.graph(), top=top)

    def export(
        self, out: Path | str, fmt: str = "graphml", ego: str | None = None, hops: int = 2
    ) -> NetworkExport:
        """Write the network (or the ego network of ``ego`` within ``hops`` links) for Gephi
        (``gexf``), yEd (``graphml``) or Cytoscape.js (``cytoscape``)."""
        from moneytrail.network.ego import ego_network
        from moneytrail.network.exports import FORMATS, write_network

        if fmt not in FORMATS:
            raise UsageError("error.network_bad_format", format=fmt)
        path = Path(out)
        centre = None if ego is None else self._subject(ego, need_accounts=False)
        net = self.graph()
        if centre is not None:
            net = ego_network(net, centre.node_ids, hops)
        write_network(net, path, fmt, self._ws.protected_paths())
        return NetworkExport(str(path), fmt, net.graph.num_nodes(), net.graph.num_edges())

    def picture(self, subject: str, out: Path | str, hops: int = 2, *, lang: str) -> NetworkPicture:
        """Draw the network within ``hops`` links of ``subject`` to ``out`` (.png or .svg),
        the subject drawn larger, the title in ``lang``."""
        from moneytrail.network.ego import ego_network
        from moneytrail.network.picture import draw_ego

        path = Path(out)
        centre = self._subject(subject, need_accounts=False)
        net = self.graph()
        ego = ego_network(net, centre.node_ids, hops)
        title = translate(
            "network.picture_title", lang, subject=subject, hops=hops, currency=net.currency
        )
        draw_ego(ego, path, title, focus=centre.node_ids, protected=self._ws.protected_paths())
        return NetworkPicture(str(path), ego.graph.num_nodes(), ego.graph.num_edges())

    def shortest_path(self, source: str, target: str) -> NetworkPath:
        """The fewest-transfers chain from ``source`` to ``target`` (accounts, or a party's
        accounts), following the money's direction."""
        from moneytrail.network.ego import shortest_path

        a = self._subject(source, need_accounts=True)
        b = self._subject(target, need_accounts=True)
        net = self.graph()
        ids = shortest_path(net, a.account_ids, b.account_ids)
        return NetworkPath(source, target, [net.node(net.index[i]) for i in ids])

    def widest_path(self, source: str, target: str, temporal: bool = False) -> WidestRoute:
        """The route whose smallest link is the largest (totals per pair of accounts, or
        with ``temporal`` single transactions in time order); see :mod:`moneytrail.flows.widest`."""
        from moneytrail.flows.subjects import account_facts
        from moneytrail.flows.widest import temporal_widest_path, widest_path

        a = self._subject(source, need_accounts=True)
        b = self._subject(target, need_accounts=True)
        if set(a.account_ids) & set(b.account_ids):
            raise UsageError("error.flows_no_route_subjects", source=source, target=target)
        engine = self._ws.engine
        if not temporal:
            found = widest_path(self.graph(), a.account_ids, b.account_ids)
            return WidestRoute(source, target, temporal, found)
        found = temporal_widest_path(engine, a.account_ids, b.account_ids, {})
        if found is not None:
            facts = account_facts(engine, found.nodes)
            found.labels = [facts[n].label if n in facts else n for n in found.nodes]
        return WidestRoute(source, target, temporal, found)

    def brokers(self, top: int = 10) -> BrokerReport:
        """Cut accounts, bridges and brokers between communities (see
        :mod:`moneytrail.flows.brokers`)."""
        from moneytrail.flows.brokers import brokers_and_bridges

        _at_least_one("top", top)
        return brokers_and_bridges(self.graph(), top=top)
