"""docs/network.md documents every ``network`` subcommand and every size limit of the code."""

from __future__ import annotations

from pathlib import Path

from moneytrail.cli.main import app  # noqa: F401  (registers every command, flows_cmd's too)
from moneytrail.cli.network_cmd import network_app
from moneytrail.network import graph, metrics, picture

DOC = Path(__file__).resolve().parents[2] / "docs" / "network.md"


def test_every_subcommand_and_limit_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = [c.name for c in network_app.registered_commands]
    expected = ["brokers", "export", "metrics", "path", "picture", "widest"]
    assert sorted(n for n in names if n) == expected
    for name in names:
        assert f"moneytrail network {name}" in text
    assert f"{metrics.BETWEENNESS_EXACT_LIMIT:,}".replace(",", " ") in text
    assert f"{metrics.LOUVAIN_LIMIT:,}".replace(",", " ") in text
    assert f"more than {graph.MAX_OWNERS_PER_VALUE} owners" in text
    assert f"up to {picture.MAX_LABELS} nodes" in text
    for scheme in graph.LINKING_SCHEMES:
        assert scheme in text
