"""Exports re-read by networkx, the ego picture, and the ``network`` CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from moneytrail.errors import UsageError
from moneytrail.network import ego_network, write_network
from moneytrail.network.picture import draw_ego
from moneytrail.workspace import Workspace
from tests.ingest.story_reader import account_id
from tests.network.network_story import A1, A2, ABDALLAH, AWA, C, H

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_files_round_trip(story_ws: Path, tmp_path: Path, fmt: str, reader: Any) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        net = ws.network.graph()
    out = tmp_path / f"case.{fmt}"
    write_network(net, out, fmt)
    back = reader(out)
    assert back.number_of_nodes() == 10
    assert back.number_of_edges() == 10
    labels = {data.get("label") for _, data in back.nodes(data=True)}
    assert {AWA, ABDALLAH} <= labels


def test_cli_export_cytoscape_of_an_ego(story_ws: Path, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "ego.json"
    result = cli(
        "network", "export", str(out), "--format", "cytoscape", "--ego", AWA, "--hops", "1",
        "-w", str(story_ws), "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json()["nodes"] == 3
    elements = json.loads(out.read_text(encoding="utf-8"))["elements"]
    assert {n["data"]["label"] for n in elements["nodes"]} == {AWA, "Moussa Diarra", H}
    assert {e["data"]["type"] for e in elements["edges"]} == {"holder", "shared_identifier"}


def test_cli_metrics_json(story_ws: Path, cli: Any) -> None:
    result = cli("network", "metrics", "-w", str(story_ws), "--top", "2", "--json")
    assert result.code == 0, result.err
    doc = result.json()
    assert (doc["nodes"], doc["transfer_edges"], doc["components"]) == (10, 6, 1)
    assert doc["top_betweenness"][0]["label"] == H
    assert len(doc["top_pagerank"]) == 2
    assert "pagerank" not in json.dumps(doc["top_degree"])


def test_cli_metrics_table_in_french(story_ws: Path, cli: Any) -> None:
    result = cli("--lang", "fr", "network", "metrics", "-w", str(story_ws))
    assert result.code == 0, result.err
    assert "Réseau : 10 nœuds" in result.out


def test_cli_path_and_unknown_subject(story_ws: Path, cli: Any) -> None:
    result = cli("network", "path", A2, C, "-w", str(story_ws), "--json")
    assert [n["number"] for n in result.json()["path"]] == [A2, H, "+22376000020", C]
    # Numbers as the analyst writes them: spaced, national (home country: Mali).
    result = cli(
        "network", "path", "+223 76 00 00 02", "76 00 00 30", "-w", str(story_ws), "--json"
    )
    assert result.code == 0, result.err
    assert [n["number"] for n in result.json()["path"]] == [A2, H, "+22376000020", C]
    # A party stands for the accounts it holds: Moussa holds A1.
    result = cli("network", "path", "moussa diarra", C, "-w", str(story_ws), "--json")
    assert [n["number"] for n in result.json()["path"]] == [A1, H, "+22376000020", C]
    bad = cli("--lang", "en", "network", "picture", "Nobody", "-w", str(story_ws))
    assert bad.code == 2
    assert "Unknown subject in the workspace: Nobody" in bad.err


def test_picture_is_a_png_with_accents_and_arabic(story_ws: Path, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "ego.png"
    result = cli("network", "picture", AWA, "--out", str(out), "--hops", "3", "-w", str(story_ws))
    assert result.code == 0, result.err
    assert out.read_bytes()[:8] == PNG_MAGIC
    assert out.stat().st_size > 10_000


def test_svg_picture_and_bad_extension(story_ws: Path, tmp_path: Path) -> None:
    with Workspace.open(story_ws, read_only=True) as ws:
        ego = ego_network(ws.network.graph(), account_id(H), hops=1)
    draw_ego(ego, tmp_path / "ego.svg", "H")
    assert "<svg" in (tmp_path / "ego.svg").read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="Unsupported picture extension"):
        draw_ego(ego, tmp_path / "ego.gif", "H")
