"""docs/detection.md documents every ``detect`` / ``alerts`` command, rule and status."""

from __future__ import annotations

from pathlib import Path

from moneytrail.cli.detect_cmd import alerts_app, detect_app, rules_app
from moneytrail.detect.rules import load_library
from moneytrail.detect.rules.alerts import STATUSES

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection.md"


def test_every_command_rule_and_status_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in (c.name for c in detect_app.registered_commands):
        assert f"moneytrail detect {name}" in text
    for name in (c.name for c in rules_app.registered_commands):
        assert f"moneytrail detect rules {name}" in text
    for name in (c.name for c in alerts_app.registered_commands):
        assert f"moneytrail alerts {name}" in text
    for rule in load_library().values():
        assert f"`{rule.id}`" in text, rule.id
    for status in STATUSES:
        assert status in text
    assert "## Scoring model" in text
