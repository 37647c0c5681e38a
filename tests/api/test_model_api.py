"""``ws.model``: train, evaluate, score and list models through the library, typed and in JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.model import SavedModel
from moneytrail.api.serialize import to_jsonable
from moneytrail.detect.model.alerts import ScoreOutcome
from moneytrail.detect.model.evaluate import EvaluationReport
from tests.detect_model.story import build_story


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.init(tmp_path_factory.mktemp("model-api") / "ws")
    build_story(ws.engine, "transaction")
    try:
        yield ws
    finally:
        ws.close()


def test_evaluate_judges_the_model_alone(story: Workspace) -> None:
    keys: list[str] = []
    report = story.model.evaluate(dataset="story", threads=1, stages=1, folds=2, step=keys.append)
    assert isinstance(report, EvaluationReport)
    assert [s.name for s in report.sides] == ["moneytrail"] and report.sides[0].stages == 1
    assert report.saved_model is None and [f.end for f in report.folds] == [1.0, 0.8]
    assert keys[0] == "detect_model.step_load" and "detect_model.step_folds" in keys
    plain = to_jsonable(report, "fr")
    assert list(plain) == [
        "dataset", "transactions", "target_kind", "split", "sides", "saved_model", "folds",
        "baselines", "disjoint", "seed", "memory",
    ]  # fmt: skip
    assert [b["name"] for b in plain["baselines"]] and plain["seed"] == report.seed
    assert plain["sides"][0]["test"]["f1"] == report.sides[0].test.f1
    with pytest.raises(UsageError):
        story.model.evaluate(stages=3)


def test_train_list_and_score(story: Workspace) -> None:
    assert story.model.list() == []
    saved = story.model.train("api-m", dataset="story", threads=1, stages=1)
    assert isinstance(saved, SavedModel)
    assert (saved.name, saved.stages, saved.dataset, saved.target_kind) == (
        "api-m", 1, "story", "transaction",
    )  # fmt: skip
    assert 0 < saved.threshold < 1 and saved.features > 10 and "f1" in saved.metrics
    assert story.model.list() == [saved]
    assert (Path(story.path) / "models" / "api-m.txt").exists()
    plain = to_jsonable(saved, "en")
    assert plain["version"] == saved.version and plain["metrics"]["f1"] == saved.metrics["f1"]

    outcome = story.model.score("api-m")
    assert isinstance(outcome, ScoreOutcome)
    assert (outcome.model, outcome.version) == ("api-m", saved.version)
    assert outcome.inserted > 0 and outcome.job_run_id and outcome.interrupted_runs == []
    assert to_jsonable(outcome, "en")["inserted"] == outcome.inserted
    assert story.model.score("api-m").inserted == 0  # re-scoring adds nothing
    with pytest.raises(UsageError) as err:
        story.model.score("missing")
    assert "api-m" in err.value.render("en")  # the saved models are listed
