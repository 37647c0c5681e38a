"""docs/detection-model.md documents every option and every limit of the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from benchmarks import detect_peer
from moneytrail.cli import evaluate_cmd
from moneytrail.detect.model import alerts, training

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection-model.md"


def _commands(group: Any, prefix: str) -> list[tuple[str, Any]]:
    found = []
    for command in group.commands.values():
        name = f"{prefix} {command.name}"
        found.append((name, command))
        if hasattr(command, "commands"):
            found += _commands(command, name)
    return found


def test_every_option_and_limit_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    app = typer.Typer()
    evaluate_cmd.register(app)
    for name, command in _commands(typer.main.get_command(app), "moneytrail"):
        assert name in text, name
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            for option in param.opts:
                if option.startswith("--"):
                    assert option in text, (name, option)
    assert f"{alerts.MAX_ALERTS:,}".replace(",", " ") in text
    assert f"top {alerts.TOP_FEATURES} features" in text
    assert f"at least {int(alerts.HINT_SHARE * 100)} %" in text
    assert f"batches of {detect_peer.BATCH:,}".replace(",", " ") in text
    assert f"first {detect_peer.WARM_UP_EDGES:,}".replace(",", " ") in text
    assert f"seed {training.SEED}" in text and f"at most {training.MAX_ROUNDS} rounds" in text
