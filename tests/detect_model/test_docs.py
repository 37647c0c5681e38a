"""docs/detection-model.md documents every option and every limit of the code."""

from __future__ import annotations

from pathlib import Path

import typer.main

from moneytrail.cli import evaluate_cmd
from moneytrail.detect.model import alerts, evaluate, peer, training

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection-model.md"


def test_every_option_and_limit_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    app = typer.Typer()
    evaluate_cmd.register(app)
    for command in typer.main.get_command(app).commands.values():  # type: ignore[attr-defined]
        assert f"moneytrail {command.name}" in text
        for param in command.params:
            for option in param.opts:
                if option.startswith("--"):
                    assert option in text, option
    assert f"{alerts.MAX_ALERTS:,}".replace(",", " ") in text
    assert f"top {alerts.TOP_FEATURES} features" in text
    assert f"at least {int(alerts.HINT_SHARE * 100)} %" in text
    assert f"batches of {peer.BATCH:,}".replace(",", " ") in text
    assert f"first {evaluate.WARM_UP_EDGES:,}".replace(",", " ") in text
    assert f"seed {training.SEED}" in text and f"at most {training.MAX_ROUNDS} rounds" in text
