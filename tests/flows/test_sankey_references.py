"""Pictures name what a requisition quotes: account numbers, bank references, the cash place."""

from __future__ import annotations

from pathlib import Path

from moneytrail.flows.sankey import fit_lines, label_room, node_label, write_trace_sankey
from moneytrail.flows.sankey_layout import layout_trace, trace_accounts
from moneytrail.flows.subjects import account_facts
from moneytrail.flows.trace_graph import trace_graph
from moneytrail.trace import Seed
from moneytrail.workspace import Workspace
from tests.trace.stories import acc_id, tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS

HOLDERS = {"A": "Awa Traoré", "CASH-A": "Agent Kalaban Coura"}


def _story(ws: Workspace, place: str | None = None) -> None:
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders=HOLDERS)
    if place:
        ws.engine.execute(
            "INSERT INTO identifiers VALUES (?, 'address', ?, 'story', 1)",
            [acc_id("CASH-A"), place],
        )


def test_boxes_show_numbers_references_and_the_cash_place(ws: Workspace) -> None:
    _story(ws, place="Kalaban Coura, Bamako")
    result = ws.trace(Seed(transactions=(tx_id("T1"),)))
    layout = layout_trace(result, account_facts(ws.engine, trace_accounts(result)))
    hop = layout.by_key[f"1|{acc_id('A')}"]
    assert (hop.name, hop.number) == ("Awa Traoré", "A")
    cash = layout.by_key[f"end|cash|{acc_id('CASH-A')}"]
    assert (cash.number, cash.references, cash.place) == ("CASH-A", ["T3"], "Kalaban Coura, Bamako")
    assert node_label(cash, layout, "fr").split("\n") == [
        "espèces: Agent Kalaban Coura (ML)",
        "CASH-A · lieu : Kalaban Coura, Bamako",
        "réf. T3",
        "8\u202f000\u202f000 XOF",
    ]
    # the number is not repeated when it is already the name (no holder known)
    held = layout.by_key[f"end|held|{acc_id('B')}"]
    assert node_label(held, layout, "en").split("\n")[:2] == [
        "still on the account: B (ML)",
        "ref. T2",
    ]


def test_many_references_are_cut_with_a_count() -> None:
    from moneytrail.flows.sankey_layout import SankeyLayout, SankeyNode
    from moneytrail.trace import Direction

    node = SankeyNode("end|cash|x", 1, "cash", "x", "Agent", None, number="+22376000001")
    node.references = ["R1", "R2", "R3", "R4"]
    layout = SankeyLayout([node], [], 2, "XOF", node.amount, Direction.FORWARD)
    assert "ref. R1, R2 +2 more" in node_label(node, layout, "en")
    assert "réf. R1 +3 autre(s)" in node_label(node, layout, "fr", max_references=1)


def test_labels_take_only_the_lines_their_neighbours_leave() -> None:
    assert fit_lines("a\nb\nc\nd", 4) == "a\nb\nc\nd"
    assert fit_lines("a\nb\nc\nd", 2) == "a\nb — c — d"
    assert fit_lines("a\nb\nc", 1) == "a — b — c"


def test_crowded_columns_get_one_line_labels(ws: Workspace) -> None:
    _story(ws)
    result = ws.trace(Seed(transactions=(tx_id("T1"),)))
    layout = layout_trace(result, account_facts(ws.engine, trace_accounts(result)))
    room = label_room(layout, height=5.0)
    assert room[f"end|held|{acc_id('A')}"] >= 1
    # two endpoints a hair apart: each gets one line; far apart: several
    ends = sorted((n for n in layout.nodes if n.column == 2), key=lambda n: n.top)
    ends[0].top, ends[0].height = 0.50, 0.001
    ends[1].top, ends[1].height = 0.52, 0.001
    room = label_room(layout, height=5.0)
    assert room[ends[0].key] == room[ends[1].key] == 1
    ends[1].top = 0.9
    assert label_room(layout, height=5.0)[ends[1].key] > 1


def test_svg_carries_the_numbers_and_references(ws: Workspace, tmp_path: Path) -> None:
    _story(ws, place="Kalaban Coura")
    out = tmp_path / "s.svg"
    write_trace_sankey(ws.engine, ws.trace(Seed(transactions=(tx_id("T1"),))), out, "en")
    text = out.read_text(encoding="utf-8")
    # matplotlib writes text as glyph paths, with the string in a comment of its group
    assert "ref. T3" in text and "place: Kalaban Coura" in text


def test_trace_graph_links_carry_the_bank_references(ws: Workspace) -> None:
    _story(ws, place="Kalaban Coura")
    result = ws.trace(Seed(transactions=(tx_id("T1"),)))
    graph = trace_graph(result, account_facts(ws.engine, trace_accounts(result)))
    refs = {(link.source, link.target): link.references for link in graph.links}
    assert refs[(acc_id("KIDNAPPERS"), acc_id("A"))] == ["T1"]
    assert refs[(acc_id("A"), acc_id("CASH-A"))] == ["T3"]
    cash = next(n for n in graph.nodes if n.id == f"end|cash|{acc_id('CASH-A')}")
    assert cash.place == "Kalaban Coura"
