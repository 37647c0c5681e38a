"""Sankey diagrams of traces: hand-computed bands, conservation, files, ``trace --sankey``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from moneytrail.flows.sankey import node_label, write_trace_sankey
from moneytrail.flows.sankey_layout import OTHER_PATHS, SankeyLayout, layout_trace, trace_accounts
from moneytrail.flows.subjects import account_facts
from moneytrail.trace import Direction, Seed, TraceResult, TraceSettings
from moneytrail.workspace import Workspace
from tests.trace.stories import Tx, acc_id, tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS

HOLDERS = {"A": "محمد ولد أحمد", "B": "Awa Traoré"}


def flows(layout: SankeyLayout) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    into: dict[str, Decimal] = defaultdict(Decimal)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for band in layout.bands:
        out[band.source] += band.amount
        into[band.target] += band.amount
    return into, out


def assert_conserved(layout: SankeyLayout, result: TraceResult) -> None:
    """Inner boxes pass on what they get; column 0 sends, endpoints receive, every amount."""
    into, out = flows(layout)
    last = layout.columns - 1
    for node in layout.nodes:
        if 0 < node.column < last:
            assert into[node.key] == out[node.key] == node.amount_in == node.amount_out, node
    sent = sum((out[n.key] for n in layout.nodes if n.column == 0), Decimal(0))
    total = sum((e.amount for e in result.endpoints), result.endpoints_omitted_amount)
    assert sent == total
    assert sum((into[n.key] for n in layout.nodes if n.column == last), Decimal(0)) == total


def lay(ws: Workspace, result: TraceResult, max_nodes: int = 12) -> SankeyLayout:
    return layout_trace(result, account_facts(ws.engine, trace_accounts(result)), max_nodes)


@pytest.fixture
def ransom(ws: Workspace) -> Workspace:
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders=HOLDERS)
    return ws


def test_ransom_fifo_bands_match_the_hand_count(ransom: Workspace) -> None:
    # FIFO (tests/trace): 8 000 000 cash, 1 000 000 to B, 1 000 000 stays on A. A passes on
    # 9 000 000: 8 000 000 in cash, 1 000 000 by mobile money to B (Awa Traoré).
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)))
    layout = lay(ransom, result)
    kidnappers, a = f"0|{acc_id('KIDNAPPERS')}", f"1|{acc_id('A')}"
    got = {(b.source, b.target, b.channel): b.amount for b in layout.bands}
    assert got == {
        (kidnappers, a, "mobile_money"): Decimal(9_000_000),
        (kidnappers, f"end|held|{acc_id('A')}", "mobile_money"): Decimal(1_000_000),
        (a, f"end|cash|{acc_id('CASH-A')}", "cash"): Decimal(8_000_000),
        (a, f"end|held|{acc_id('B')}", "mobile_money"): Decimal(1_000_000),
    }
    assert layout.columns == 3
    names = {n.key: n.name for n in layout.nodes}
    assert names[a] == "محمد ولد أحمد"
    assert names[f"end|held|{acc_id('B')}"] == "Awa Traoré"
    nb = "\u202f"
    # the account number beside the holder's name; an endpoint also names the bank's
    # reference of the transaction that reached it (T3, the withdrawal)
    label = node_label(layout.by_key[a], layout, "fr")
    assert label == f"محمد ولد أحمد (ML)\nA\n9{nb}000{nb}000 XOF"
    cash_box = layout.by_key[f"end|cash|{acc_id('CASH-A')}"]
    assert node_label(cash_box, layout, "en") == "cash: CASH-A (ML)\nref. T3\n8,000,000 XOF"
    assert_conserved(layout, result)
    ends = {n.key: n.amount_in for n in layout.nodes if n.column == 2}
    assert ends == {f"end|{e.kind.value}|{e.account_id}": e.amount for e in result.endpoints}
    # Geometry: heights proportional to amounts, bands stacked inside their boxes.
    node = layout.by_key[a]
    assert node.height == pytest.approx(0.9 * layout.by_key[kidnappers].height)
    inside = [b for b in layout.bands if b.source == a]
    assert sum(b.width for b in inside) == pytest.approx(node.height)
    assert max(b.source_top for b in inside) == pytest.approx(node.top)


SPLIT_ACCOUNTS = [
    ("KIDNAPPERS", "mobile_money", "ML"),
    ("A", "mobile_money", "ML"),
    ("NIAMEY", "mobile_money", "NE"),
    ("CASH-A", "cash", "ML"),
]
# 10 000 000 reach A, leave in two transfers of 4 and 6 million to B, which withdraws it all;
# 1 000 000 more goes from A to a wallet in Niger (a border: an "abroad" endpoint).
SPLIT_TXS = [
    ("T1", "2024-03-02 08:00", "KIDNAPPERS", "A", 11_000_000, "mobile_money"),
    ("T2", "2024-03-03 08:00", "A", "B", 4_000_000, "mobile_money"),
    ("T3", "2024-03-03 09:00", "A", "B", 6_000_000, "mobile_money"),
    ("T4", "2024-03-04 08:00", "B", "CASH-A", 10_000_000, "cash_withdrawal"),
    ("T5", "2024-03-04 09:00", "A", "NIAMEY", 1_000_000, "hawala"),
]


def test_paths_left_out_and_borders(ws: Workspace) -> None:
    write_story(ws.engine, [*SPLIT_ACCOUNTS, ("B", "bank", "ML")], SPLIT_TXS)
    result = ws.trace(Seed(transactions=(tx_id("T1"),)), TraceSettings(max_paths=1))
    layout = lay(ws, result)
    cash = f"end|cash|{acc_id('CASH-A')}"
    # Two chains reach the cash: T1-T3-T4 (6 000 000, listed) and T1-T2-T4 (4 000 000, not).
    assert {(b.source, b.amount) for b in layout.bands if b.target == cash} == {
        (f"2|{acc_id('B')}", Decimal(6_000_000)),
        (OTHER_PATHS, Decimal(4_000_000)),
    }
    [border] = [b for b in layout.bands if b.crossing]
    assert (border.crossing, border.channel, border.amount) == (
        ("ML", "NE"),
        "hawala",
        Decimal(1_000_000),
    )
    assert_conserved(layout, result)


def test_crowded_columns_merge_into_others(ws: Workspace) -> None:
    mules = [f"M{i:02d}" for i in range(15)]
    accounts = [("BOSS", "bank", "ML"), *((m, "mobile_money", "ML") for m in mules)]
    txs: list[Tx] = [
        (
            f"T{i}",
            f"2024-03-02 {8 + i // 60:02d}:{i % 60:02d}",
            "BOSS",
            m,
            100_000 * (i + 1),
            "wire",
        )
        for i, m in enumerate(mules)
    ]
    txs += [
        (f"C{i}", "2024-03-05 08:00", m, None, 100_000 * (i + 1), "cash_withdrawal")
        for i, m in enumerate(mules)
    ]
    accounts.append(("PAYROLL", "bank", "ML"))
    write_story(
        ws.engine,
        accounts,
        [("T-1", "2024-03-01 08:00", "PAYROLL", "BOSS", 12_000_000, "wire"), *txs],
    )
    result = ws.trace(Seed(transactions=(tx_id("T-1"),)), TraceSettings(max_hops=3))
    layout = lay(ws, result, max_nodes=5)
    assert max(sum(n.column == c for n in layout.nodes) for c in range(layout.columns)) <= 5
    assert any(n.kind == "others" for n in layout.nodes)
    assert_conserved(layout, result)
    # Under 10 % of the 12 000 000 traced: the mules of 100 000 .. 1 100 000 (6 600 000 in all)
    # merge; the four of 1 200 000 .. 1 500 000 stay.
    small = layout_trace(
        result, account_facts(ws.engine, trace_accounts(result)), 50, Decimal("0.1")
    )
    mules_column = {n.key: n.amount for n in small.nodes if n.column == 2}
    assert sorted(mules_column.values()) == [
        Decimal(v) for v in (1_200_000, 1_300_000, 1_400_000, 1_500_000, 6_600_000)
    ]
    assert mules_column["2|others"] == Decimal(6_600_000)
    assert_conserved(small, result)


def test_png_and_svg_are_written_and_valid(ransom: Workspace, tmp_path: Path) -> None:
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)))
    png, svg = tmp_path / "s.png", tmp_path / "s.svg"
    write_trace_sankey(ransom.engine, result, png, "fr")
    write_trace_sankey(ransom.engine, result, svg, "en")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ET.parse(svg).getroot().tag.endswith("svg")
    first = svg.read_bytes()
    write_trace_sankey(ransom.engine, result, svg, "en")
    assert svg.read_bytes() == first  # no date, fixed ids: the same exhibit twice


def test_trace_cli_draws_a_sankey(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders=HOLDERS)
    out = tmp_path / "sankey.svg"
    res = cli("trace", "--transaction", tx_id("T1"), "-w", folder, "--json", "--sankey", out)
    assert res.code == 0, res.err
    assert res.json()["seed_amount"] == "10000000"  # --json still prints one document
    assert out.exists()
    res = cli(
        "--lang",
        "en",
        "trace",
        "--transaction",
        tx_id("T1"),
        "-w",
        folder,
        "--sankey",
        tmp_path / "s.jpg",
    )
    assert res.code == 2
    assert ".png or .svg" in res.err


def test_backward_trace_reads_from_the_seed_back_to_the_origins(ws: Workspace) -> None:
    # The 8 000 000 withdrawn (T3) were explained by the most recent inflow before it, the
    # ransom T1 from KIDNAPPERS: CASH-A <- A <- KIDNAPPERS (an origin, "held" backward).
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS)
    result = ws.trace(
        Seed(transactions=(tx_id("T3"),)), TraceSettings(direction=Direction.BACKWARD)
    )
    layout = lay(ws, result)
    got = {(b.source, b.target, b.channel): b.amount for b in layout.bands}
    assert got == {
        (f"0|{acc_id('CASH-A')}", f"1|{acc_id('A')}", "cash"): Decimal(8_000_000),
        (f"1|{acc_id('A')}", f"end|held|{acc_id('KIDNAPPERS')}", "mobile_money"): Decimal(
            8_000_000
        ),
    }
    assert_conserved(layout, result)
