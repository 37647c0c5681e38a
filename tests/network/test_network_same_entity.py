"""Parties that entity resolution put in one cluster are linked in the money network."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from moneytrail.network import ego_network, write_network
from moneytrail.network.metrics import compute_metrics
from moneytrail.workspace import Workspace
from tests.resolve.story import ARABIC_MAN, BANK_MAN, HOMONYM, WALLET_MAN, load_story


def _same(ws: Workspace) -> set[frozenset[str]]:
    net = ws.network.graph()
    return {
        frozenset((net.node(a).id, net.node(b).id))
        for a, b, e in net.graph.weighted_edge_list()
        if e.type == "same_entity"
    }


def test_one_man_under_three_spellings_is_joined_and_the_homonym_is_not(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        load_story(ws, tmp_path / "files")
        assert _same(ws) == set()  # no linker run yet: nothing joined
        ws.resolution.run()
        links = _same(ws)
        man = {BANK_MAN, WALLET_MAN, ARABIC_MAN}
        assert len(links) == 2  # k - 1 edges for a cluster of 3
        assert set().union(*links) == man
        net = ws.network.graph()
        ego = ego_network(net, BANK_MAN, hops=1)
        ids = {ego.node(i).id for i in ego.graph.node_indices()}
        assert ARABIC_MAN in ids or WALLET_MAN in ids
        assert HOMONYM not in ids
        metrics = compute_metrics(net)
        assert metrics.transfer_edges == 0  # the story has no payment: nothing moves money
        # exported with the cluster id, Arabic script intact
        out = tmp_path / "net.graphml"
        write_network(net, out, "graphml")
        back = nx.read_graphml(out)
        same = [d for _, _, d in back.edges(data=True) if d.get("type") == "same_entity"]
        assert len(same) == 2 and all(d.get("cluster") for d in same)
        assert "محمد ولد أحمد" in {d.get("label") for _, d in back.nodes(data=True)}
        # an analyst who takes the Arabic record out of the cluster takes its edge out too
        ws.resolution.split(ARABIC_MAN, "K. Diarra", "autre personne")
        assert _same(ws) == {frozenset((BANK_MAN, WALLET_MAN))}
