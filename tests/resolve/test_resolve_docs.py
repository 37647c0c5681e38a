"""docs/resolution.md documents every ``resolve`` subcommand, setting and limit."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from moneytrail.cli.resolve_cmd import resolve_app
from moneytrail.resolve import ResolveSettings
from moneytrail.resolve.evaluate import FUZZY_CUTOFF, FUZZY_MAX

DOC = Path(__file__).resolve().parents[2] / "docs" / "resolution.md"


def test_every_subcommand_setting_and_limit_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    names = sorted(c.name or "" for c in resolve_app.registered_commands)
    assert names == ["clusters", "decide", "evaluate", "history", "pairs", "run", "split", "undo"]
    for name in names:
        assert f"moneytrail resolve {name}" in text, name
    defaults = ResolveSettings()
    for field in fields(ResolveSettings):
        value = getattr(defaults, field.name)
        shown = f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)
        assert f"| `{field.name}` | {shown} |" in text, field.name
    assert f"{FUZZY_MAX:,}".replace(",", " ") in text
    assert f">= {FUZZY_CUTOFF}" in text
