"""docs/tracing.md and docs/network.md document every flows command and limit of the code."""

from __future__ import annotations

from pathlib import Path

from moneytrail.cli.flows_cmd import paths_app
from moneytrail.flows import sankey, sankey_layout

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_commands_and_limits_are_documented() -> None:
    tracing = (DOCS / "tracing.md").read_text(encoding="utf-8")
    network = (DOCS / "network.md").read_text(encoding="utf-8")
    names = sorted(c.name or "" for c in paths_app.registered_commands)
    assert names == ["between", "common"]
    for name in names:
        assert f"moneytrail paths {name}" in tracing
    assert "--sankey" in tracing and "sankey_rancon.png" in tracing
    assert f"Above {sankey_layout.MAX_NODES} boxes" in tracing
    assert f"under {sankey_layout.MIN_SHARE * 100:.0f} %" in tracing
    assert "moneytrail network widest" in network and "moneytrail network brokers" in network
    assert sankey.CHANNEL_COLOURS.keys() >= {"bank", "mobile_money", "cash", "hawala"}
    decision = DOCS / "decisions" / "0114-flow-pictures-and-paths.md"
    assert "LGPL-3.0" in decision.read_text(encoding="utf-8")
