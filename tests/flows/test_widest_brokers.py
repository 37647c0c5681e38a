"""Widest routes, cut accounts, bridges and brokers, hand-computed on small stories."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.errors import UsageError
from moneytrail.flows.brokers import brokers_and_bridges
from moneytrail.flows.widest import temporal_widest_path, widest_path
from moneytrail.model.ids import natural_key
from moneytrail.network import compute_metrics, shortest_path
from moneytrail.network.graph import MoneyNetwork
from moneytrail.workspace import Workspace
from tests.ingest.story_reader import account_id
from tests.network.network_story import A1, A2, A3, A4, ABDALLAH, AWA, B, C, H
from tests.trace.stories import acc_id, tx_id, write_story


@pytest.fixture
def net(story_ws: Path) -> MoneyNetwork:
    with Workspace.open(story_ws, read_only=True) as ws:
        return ws.network.graph()


def test_widest_route_of_the_hub_story(net: MoneyNetwork, story_ws: Path) -> None:
    # A2 -> H 1 000, H -> B 5 000 (two transfers), B -> C 4 000: the weakest link is 1 000.
    a2, c, h = account_id(A2), account_id(C), account_id(H)
    found = widest_path(net, [a2], [c])
    assert found is not None
    assert found.nodes == [account_id(x) for x in (A2, H, B, C)]
    assert found.amounts == [Decimal(1000), Decimal(5000), Decimal(4000)]
    assert found.bottleneck == Decimal(1000)
    # A party stands for its accounts: Awa holds H, عبد الله holds C.
    with Workspace.open(story_ws, read_only=True) as ws:
        by_party = ws.network.widest_path(AWA, ABDALLAH).path
        with pytest.raises(UsageError):
            ws.network.widest_path(H, "awa traore")  # Awa holds H: not two distinct sides
    assert by_party is not None
    assert by_party.nodes == [account_id(x) for x in (H, B, C)]
    assert by_party.bottleneck == Decimal(4000)
    assert widest_path(net, [c], [a2]) is None  # money does not flow backwards
    with pytest.raises(UsageError):
        widest_path(net, [h], [h])


def test_temporal_widest_uses_single_transactions_in_time_order(story_ws: Path) -> None:
    # H -> B moved 5 000 in total but in two transactions of 2 500 (days 6, 7), then B -> C
    # 4 000 (day 9): in time, at most 2 500 per link; the earliest route uses T5.
    with Workspace.open(story_ws, read_only=True) as ws:
        found = temporal_widest_path(ws.engine, [account_id(H)], [account_id(C)], {})
    assert found is not None
    assert found.bottleneck == Decimal(2500)
    assert found.transaction_ids == [natural_key("tx", "netstory", t) for t in ("T5", "T7")]
    assert found.timestamps == ["2024-03-06T10:00:00", "2024-03-09T10:00:00"]


ROUTES = [(x, "mobile_money", "ML") for x in ("S", "X", "Y", "Z", "T")]
# Direct S -> T 50; S -> X -> T carries 100; S -> Y -> Z -> T carries 300 in total, but
# Z paid T (day 2) before Y paid Z (day 3): not a route in time.
ROUTE_TXS = [
    ("R1", "2024-03-01 08:00", "S", "T", 50, "mobile_money"),
    ("R2", "2024-03-01 09:00", "S", "X", 100, "mobile_money"),
    ("R3", "2024-03-02 09:00", "X", "T", 100, "mobile_money"),
    ("R4", "2024-03-01 10:00", "S", "Y", 500, "mobile_money"),
    ("R5", "2024-03-03 10:00", "Y", "Z", 300, "mobile_money"),
    ("R6", "2024-03-02 10:00", "Z", "T", 400, "mobile_money"),
]


def test_widest_is_not_shortest_and_time_can_narrow_it(ws: Workspace) -> None:
    write_story(ws.engine, ROUTES, ROUTE_TXS)
    net = ws.network.graph()
    assert shortest_path(net, [acc_id("S")], [acc_id("T")]) == [acc_id("S"), acc_id("T")]
    static = widest_path(net, [acc_id("S")], [acc_id("T")])
    assert static is not None
    assert (static.nodes, static.bottleneck) == ([acc_id(x) for x in "SYZT"], Decimal(300))
    timed = temporal_widest_path(ws.engine, [acc_id("S")], [acc_id("T")], {acc_id("X"): "x"})
    assert timed is not None
    assert timed.transaction_ids == [tx_id("R2"), tx_id("R3")]
    assert timed.bottleneck == Decimal(100)
    assert timed.labels == [acc_id("S"), "x", acc_id("T")]


def test_cut_accounts_bridges_and_brokers_of_the_hub_story(net: MoneyNetwork) -> None:
    # Money projection: A1..A4 - H - B - C, a tree. Removing H or B splits it; every link is
    # a bridge, but only H - B joins two accounts that have other counterparties.
    report = brokers_and_bridges(net, top=5)
    assert [(c.id, c.counterparties) for c in report.cut_accounts] == [
        (account_id(H), 5),
        (account_id(B), 2),
    ]
    [bridge] = report.bridges
    assert {bridge.a, bridge.b} == {account_id(H), account_id(B)}
    assert (bridge.amount, bridge.count) == (Decimal(5000), 2)
    assert (report.leaf_bridges, report.bridges_total) == (5, 1)
    # Brokers: betweenness above zero (H 8/72, B 5/72) and counterparties in two communities.
    community = compute_metrics(net).community_of
    expected: list[tuple[str, float]] = []
    for x, score in ((H, 8 / 72), (B, 5 / 72)):
        around = {A1, A2, A3, A4, B} if x == H else {H, C}
        if len({community[account_id(n)] for n in {x} | around}) >= 2:
            expected.append((account_id(x), score))
    assert [b.id for b in report.brokers] == [x for x, _ in expected]
    assert [b.betweenness for b in report.brokers] == pytest.approx([s for _, s in expected])
    assert all(b.cut for b in report.brokers)
    assert report.brokers, "the hub story has at least one broker between communities"


def test_network_cli_widest_and_brokers(cli: Any, story_ws: Path) -> None:
    res = cli("network", "widest", A2, C, "-w", story_ws, "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["path"]["bottleneck"] == "1000"
    assert doc["path"]["labels"] == [A2, H, B, C]
    res = cli("network", "widest", H, C, "--temporal", "-w", story_ws, "--json")
    assert res.json()["path"]["amounts"] == ["2500", "4000"]
    res = cli("network", "widest", C, A2, "-w", story_ws, "--json")
    assert res.json()["path"] is None
    res = cli("--lang", "fr", "network", "widest", A2, C, "-w", story_ws)
    assert res.code == 0 and "goulot" in res.out and "1\u202f000" in res.out
    res = cli("network", "brokers", "-w", story_ws, "--json")
    assert res.code == 0, res.err
    assert res.json()["leaf_bridges"] == 5
    res = cli("--lang", "en", "network", "brokers", "-w", story_ws, "--top", "0")
    assert res.code == 2 and "--top" in res.err
