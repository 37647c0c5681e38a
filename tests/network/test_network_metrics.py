"""Graph building and metrics on the hand-checked hub-and-chain story (see network_story.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.errors import UsageError
from moneytrail.network import build_graph, compute_metrics, ego_network, shortest_path
from moneytrail.network.graph import MoneyNetwork
from moneytrail.subjects import subject
from moneytrail.workspace import Workspace
from tests.ingest.story_reader import account_id
from tests.network.network_story import A1, A2, AWA, MOUSSA, SHARED_PHONE, B, C, H, party_id


@pytest.fixture
def net(story_ws: Path) -> MoneyNetwork:
    with Workspace.open(story_ws, read_only=True) as ws:
        return ws.network.graph()


def test_graph_has_accounts_parties_and_three_kinds_of_edge(net: MoneyNetwork) -> None:
    assert net.graph.num_nodes() == 10  # 7 wallets + 3 parties
    kinds = sorted(e.type for e in net.graph.edges())
    assert kinds.count("transfer") == 6  # H -> B twice becomes one edge
    assert kinds.count("holder") == 3
    assert kinds.count("shared_identifier") == 1
    hub_to_b = net.graph.get_all_edge_data(net.index[account_id(H)], net.index[account_id(B)])
    [edge] = hub_to_b
    assert (edge.count, edge.amount) == (2, Decimal("5000"))
    assert (edge.first.day, edge.last.day) == (6, 7)  # type: ignore[union-attr]
    [shared] = [e for e in net.graph.edges() if e.type == "shared_identifier"]
    assert shared.values == (SHARED_PHONE,)


def test_graph_is_the_same_when_rebuilt(story_ws: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        first, second = build_graph(ws.engine), build_graph(ws.engine)
    assert first.index == second.index


def test_metrics_match_the_hand_count(net: MoneyNetwork) -> None:
    m = compute_metrics(net, top=3)
    hub, b, c = account_id(H), account_id(B), account_id(C)
    assert (m.in_degree[hub], m.out_degree[hub]) == (4, 1)
    assert m.top_degree[0].id == hub
    # Directed betweenness over 10 nodes, normalised by 9 * 8: the hub is on the 8 paths
    # A* -> B and A* -> C, B on the 5 paths A* -> C and H -> C.
    assert m.betweenness[hub] == pytest.approx(8 / 72)
    assert m.betweenness[b] == pytest.approx(5 / 72)
    assert [r.id for r in m.top_betweenness[:2]] == [hub, b]
    # Money pools at the end of the chain: C ranks first, every payer ranks below the hub.
    assert m.top_pagerank[0].id == c
    assert m.pagerank[hub] > m.pagerank[account_id(A1)]
    assert sum(m.pagerank.values()) == pytest.approx(1.0)
    assert (m.components, m.largest_component) == (1, 10)
    # The only cycle: Awa - H - A1 - Moussa - Awa (holder, transfer, holder, shared phone).
    assert m.max_core == 2
    core2 = {k for k, v in m.core.items() if v == 2}
    assert core2 == {party_id(AWA), party_id(MOUSSA), hub, account_id(A1)}
    assert sum(m.communities) == 10 and len(m.communities) >= 2


def test_ego_network_of_a_party_starts_from_the_party(net: MoneyNetwork) -> None:
    one = ego_network(net, [party_id(AWA)], hops=1)
    assert set(one.index) == {party_id(AWA), party_id(MOUSSA), account_id(H)}
    two = ego_network(net, party_id(AWA), hops=2)
    assert two.graph.num_nodes() == 8  # + A1..A4 and B
    assert ego_network(net, account_id(H), hops=0).graph.num_nodes() == 1


def test_ego_network_by_name_is_case_and_accent_insensitive(story_ws: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        centre = subject(ws.engine, "AWA  traore", need_accounts=False)
        one = ego_network(ws.network.graph(), centre.node_ids, hops=1)
    assert set(one.index) == {party_id(AWA), party_id(MOUSSA), account_id(H)}


def test_shortest_path_follows_the_money_forward_only(net: MoneyNetwork) -> None:
    a2, c = account_id(A2), account_id(C)
    path = shortest_path(net, [a2], [c])
    assert path == [account_id(A2), account_id(H), account_id(B), account_id(C)]
    assert shortest_path(net, [c], [a2]) == []
    assert shortest_path(net, [a2, c], [c]) == [c]  # a side in both: no transfer needed


def test_unknown_node_is_a_usage_error(net: MoneyNetwork) -> None:
    with pytest.raises(UsageError) as err:
        ego_network(net, "Personne Inconnue")
    assert "Personne Inconnue" in err.value.render("fr")


def test_empty_workspace_gives_empty_metrics(ws: Workspace) -> None:
    m = compute_metrics(ws.network.graph())
    assert (m.nodes, m.edges, m.top_pagerank) == (0, 0, [])
