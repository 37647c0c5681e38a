"""Workspaces with the "collectors_gather_from_many_mules" story, built once per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.detect.model.evaluate import (
    EvaluateSettings,
    EvaluationReport,
    evaluate_workspace,
)
from moneytrail.workspace import Workspace
from tests.detect_model.story import build_story


@pytest.fixture(scope="module")
def story_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Transaction-labelled story workspace."""
    ws = Workspace.init(tmp_path_factory.mktemp("story") / "ws")
    build_story(ws.engine, "transaction")
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(scope="module")
def story_report(story_ws: Workspace) -> EvaluationReport:
    """Evaluation of the story, model saved as ``story``."""
    settings = EvaluateSettings(dataset="story", save_model="story", threads=1)
    return evaluate_workspace(story_ws.engine, Path(story_ws.path), settings)
