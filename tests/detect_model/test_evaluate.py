"""The model on the story workspace: it finds the fan-ins; the threshold comes from validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moneytrail.detect.model.evaluate import (
    EvaluateSettings,
    EvaluationReport,
    evaluate_workspace,
)
from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace
from tests.detect_model.spies import spy_on
from tests.detect_model.story import build_story


def test_model_finds_the_easy_fan_in(story_report: EvaluationReport) -> None:
    ours = story_report.sides[0]
    assert story_report.target_kind == "transaction"
    assert ours.test.positives > 0
    assert ours.test.f1 > 0.7, ours.test
    assert ours.test.recall_by_typology["fan_in"]["recall"] > 0.6


def test_split_summary_is_in_time_order(story_report: EvaluationReport) -> None:
    parts = story_report.split
    assert parts["train"]["last"] < parts["validation"]["first"]
    assert parts["validation"]["last"] < parts["test"]["first"]
    total = sum(p["transactions"] for p in parts.values())
    assert total == story_report.transactions


def test_threshold_is_chosen_on_validation_only(
    story_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_on(
        monkeypatch, "moneytrail.detect.model.evaluate", "choose_threshold", lambda y, _s: len(y)
    )
    report = evaluate_workspace(story_ws.engine, Path(story_ws.path), EvaluateSettings(threads=1))
    # the model's threshold, then the degree-only baseline's (the memory rule has none)
    assert seen == [report.split["validation"]["transactions"]] * 2
    assert report.sides[0].test.threshold == report.sides[0].validation.threshold


def test_account_labels_only_give_account_level_figures(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        build_story(ws.engine, "account")
        report = evaluate_workspace(ws.engine, ws.path, EvaluateSettings(threads=1))
    ours = report.sides[0]
    assert report.target_kind == "account_pair"
    assert ours.account_test is not None
    assert ours.account_test.positives > 0
    assert 0.0 <= ours.account_test.f1 <= 1.0


def test_no_labels_is_a_clear_error(ws: Workspace) -> None:
    build_story(ws.engine, "transaction")
    ws.engine.execute("DELETE FROM labels")
    with pytest.raises(UsageError) as err:
        evaluate_workspace(ws.engine, ws.path, EvaluateSettings(threads=1))
    assert err.value.key == "problem.model_no_labels"
    assert "labels" in err.value.render("en")


def test_raw_attributes_come_first(story_report: EvaluationReport, story_ws: Workspace) -> None:
    from moneytrail.detect.model.store import load_model

    _, card = load_model(story_ws.path, "story")
    assert card.feature_names[0] == "raw_log_amount"
    assert any(n.startswith("fan_in") for n in card.feature_names)
    assert np.isfinite(card.threshold) and 0 < card.threshold < 1
