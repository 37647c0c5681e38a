"""``ws.network``: every method called on the library directly, typed and in JSON.

The hub-and-chain story of ``tests/network/network_story.py``: A1..A4 pay the hub H (Awa
Traoré's wallet), H pays B twice, B pays C (عبد الله's); Awa and Moussa share a phone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.network import (
    BrokerReport,
    MoneyNetwork,
    NetworkExport,
    NetworkMetrics,
    NetworkPath,
    NetworkPicture,
    WidestRoute,
)
from moneytrail.api.serialize import to_jsonable
from tests.ingest.story_reader import account_id
from tests.network import conftest as network_fixtures
from tests.network.network_story import A2, AWA, MOUSSA, B, C, H

story_ws = network_fixtures.story_ws


@pytest.fixture
def ws(story_ws: Path) -> Workspace:
    return Workspace.open(story_ws, read_only=True)


def test_graph_is_the_whole_money_network(ws: Workspace) -> None:
    with ws:
        net = ws.network.graph()
    assert isinstance(net, MoneyNetwork)
    assert (net.graph.num_nodes(), net.currency) == (10, "XOF")


def test_metrics_top_lists_and_their_json(ws: Workspace) -> None:
    with ws:
        m = ws.network.metrics(top=2)
        with pytest.raises(UsageError):
            ws.network.metrics(top=0)
    assert isinstance(m, NetworkMetrics)
    doc = to_jsonable(m, "fr")
    assert (doc["nodes"], doc["transfer_edges"], doc["components"]) == (10, 6, 1)
    assert [r["label"] for r in doc["top_betweenness"]] == [H, B]
    assert len(doc["top_pagerank"]) == 2


def test_export_of_an_ego_network_named_in_any_case(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "ego.json"
    with ws:
        done = ws.network.export(out, "cytoscape", ego="awa traore", hops=1)
        with pytest.raises(UsageError) as err:
            ws.network.export(tmp_path / "x.dot", "dot")
    assert isinstance(done, NetworkExport)
    assert to_jsonable(done, "fr") == {
        "path": str(out),
        "format": "cytoscape",
        "nodes": 3,
        "edges": 2,
    }
    labels = {n["data"]["label"] for n in json.loads(out.read_text("utf-8"))["elements"]["nodes"]}
    assert labels == {AWA, MOUSSA, H}
    assert err.value.key == "error.network_bad_format"


def test_picture_of_a_subject(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "ego.svg"
    with ws:
        drawn = ws.network.picture(AWA, out, 1, lang="en")
        with pytest.raises(UsageError) as err:
            ws.network.picture("Nobody", tmp_path / "n.png", lang="en")
    assert isinstance(drawn, NetworkPicture)
    assert to_jsonable(drawn, "en") == {"path": str(out), "nodes": 3, "edges": 2}
    assert "<svg" in out.read_text("utf-8")
    assert err.value.key == "error.subject_unknown"


def test_shortest_path_between_numbers_as_written(ws: Workspace) -> None:
    with ws:
        found = ws.network.shortest_path("+223 76 00 00 02", "0022376000030")
        back = ws.network.shortest_path(C, A2)
    assert isinstance(found, NetworkPath)
    doc = to_jsonable(found, "fr")
    assert (doc["source"], doc["target"]) == ("+223 76 00 00 02", "0022376000030")
    assert [n["id"] for n in doc["path"]] == [account_id(x) for x in (A2, H, B, C)]
    assert back.path == []


def test_widest_path_static_and_temporal(ws: Workspace) -> None:
    with ws:
        static = ws.network.widest_path(A2, C)
        timed = ws.network.widest_path(H, C, temporal=True)
        none = ws.network.widest_path(C, A2)
    assert isinstance(static, WidestRoute) and static.path is not None
    doc = to_jsonable(static, "fr")
    assert (doc["temporal"], doc["path"]["bottleneck"]) == (False, "1000")
    assert doc["path"]["labels"] == [A2, H, B, C]
    assert to_jsonable(timed, "fr")["path"]["labels"] == [AWA, B, "عبد الله"]
    assert timed.path is not None and timed.path.amounts == [2500, 4000]
    assert to_jsonable(none, "fr")["path"] is None


def test_brokers_and_bridges(ws: Workspace) -> None:
    with ws:
        report = ws.network.brokers(top=5)
    assert isinstance(report, BrokerReport)
    doc = to_jsonable(report, "fr")
    assert (doc["leaf_bridges"], doc["bridges_total"]) == (5, 1)
    assert doc["bridges"][0]["amount"] == "5000"
    assert [c["label"] for c in doc["cut_accounts"]] == [H, B]
