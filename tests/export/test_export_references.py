"""Exports carry what a requisition quotes beside the internal ids: account numbers, and the
bank's references (``ext_id``) of transactions (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from moneytrail.export.ftm import export_ftm
from moneytrail.model.ftm import export_id
from moneytrail.network import write_network
from moneytrail.network.graph import MAX_EDGE_REFERENCES
from moneytrail.workspace import Workspace
from tests.ingest.story_reader import account_id
from tests.network.network_story import B, H


def test_graphml_and_gexf_carry_numbers_and_references(story_ws: Path, tmp_path: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        net = ws.network.graph()
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"case.{fmt}"
        write_network(net, out, fmt)
        back = reader(out)
        assert back.nodes[account_id(H)]["number"] == H  # internal id is the node id
        [edge] = [
            d for s, t, d in back.edges(data=True) if (s, t) == (account_id(H), account_id(B))
        ]
        assert (edge["references"], int(edge["count"])) == ("T5; T6", 2)


def test_cytoscape_edges_name_their_references(story_ws: Path, tmp_path: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        net = ws.network.graph()
    out = tmp_path / "case.json"
    write_network(net, out, "cytoscape")
    edges = json.loads(out.read_text(encoding="utf-8"))["elements"]["edges"]
    refs = {e["data"].get("references") for e in edges if e["data"]["type"] == "transfer"}
    assert refs == {"T1", "T2", "T3", "T4", "T5; T6", "T7"}
    assert all(len(e.references) <= MAX_EDGE_REFERENCES for e in net.graph.edges())


def test_ftm_payments_and_accounts_carry_reference_and_number(
    story_ws: Path, tmp_path: Path
) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        export_ftm(ws.engine, tmp_path / "x.ftm.jsonl")
    entities = [json.loads(line) for line in (tmp_path / "x.ftm.jsonl").open(encoding="utf-8")]
    by_id = {e["id"]: e for e in entities}
    assert by_id[export_id(account_id(H))]["properties"]["accountNumber"] == [H]
    numbers = {
        e["properties"]["transactionNumber"][0] for e in entities if e["schema"] == "Payment"
    }
    assert numbers == {f"T{i}" for i in range(1, 8)}
