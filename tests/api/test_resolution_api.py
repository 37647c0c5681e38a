"""``ws.resolution``: entity resolution through the library, typed results and their JSON form.

The tiny story of tests/resolve/story.py: one man under three spellings (bank, wallet, Arabic
script), a homonym who shares nothing, and fillers.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.resolution import (
    CONFIRM,
    REJECT,
    CandidatePair,
    Cluster,
    ClusterList,
    Decision,
    DecisionList,
    Evaluation,
    PairList,
    ResolveSettings,
    RunSummary,
    Score,
)
from moneytrail.api.serialize import to_jsonable
from tests.resolve.story import (
    ARABIC_MAN,
    ARABIC_NAME,
    BANK_MAN,
    HOMONYM,
    WALLET_MAN,
    load_story,
    write_truth,
)

DEAD = "other-host:4242:1700000000000"  # the owner of a run whose process is gone


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("resolution")
    with Workspace.init(folder / "ws") as ws:
        load_story(ws, folder / "files")
        ws.resolution.run()
    return folder / "ws"


@pytest.fixture
def story(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    shutil.copytree(template, tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        yield ws


def test_run_returns_its_summary_and_the_interrupted_runs(story: Workspace) -> None:
    story.engine.execute(
        "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
        " VALUES ('deadbeef00112233', 'resolve', ?, 'running', '{}', '0.1.0', ?)",
        [datetime(2024, 5, 2, 10, 41), DEAD],
    )
    progress: list[tuple[str, int, int]] = []
    summary = story.resolution.run(
        ResolveSettings(threshold=0.9), lambda *step: progress.append(step)
    )
    assert isinstance(summary, RunSummary)
    assert (summary.parties, summary.clusters, summary.clustered_parties) == (9, 1, 3)
    assert [step[0] for step in progress] == ["features", "linker", "store", "store"]
    (record,) = summary.interrupted_runs
    assert record.id == "deadbeef00112233"
    assert "deadbeef00" in record.warning("en") and "2024-05-02 10:41" in record.warning("en")
    data = to_jsonable(summary, "en")
    assert data["run_id"] == summary.run_id and data["threshold"] == 0.9
    assert data["interrupted_runs"][0]["id"] == "deadbeef00112233"
    again = story.resolution.run()  # the interrupted run is reported once
    assert again.interrupted_runs == ()


def test_pairs_are_typed_with_names_and_reasons(story: Workspace) -> None:
    listed = story.resolution.pairs(min_probability=0.5, limit=10)
    assert isinstance(listed, PairList)
    assert all(isinstance(p, CandidatePair) for p in listed.pairs)
    probabilities = [p.match_probability for p in listed.pairs]
    assert probabilities == sorted(probabilities, reverse=True) and min(probabilities) >= 0.5
    arabic = next(p for p in listed.pairs if ARABIC_MAN in (p.left_id, p.right_id))
    assert ARABIC_NAME in (arabic.left_name, arabic.right_name)
    assert arabic.explanation["phone"]["level"] == "shared"
    data = to_jsonable(listed, "fr")
    assert set(data) == {"pairs"}
    assert set(data["pairs"][0]) == {
        "left_id",
        "left_name",
        "right_id",
        "right_name",
        "match_probability",
        "match_weight",
        "explanation",
    }
    assert len(story.resolution.pairs(limit=1).pairs) == 1


def test_decide_undo_and_history(story: Workspace) -> None:
    rejected = story.resolution.decide(WALLET_MAN, BANK_MAN, REJECT, "A. Maïga", "deux NINA")
    assert isinstance(rejected, Decision)
    assert (rejected.left_id, rejected.right_id) == tuple(sorted((WALLET_MAN, BANK_MAN)))
    data = to_jsonable(rejected, "fr")
    assert data["decision"] == "reject" and data["decided_by"] == "A. Maïga"
    assert isinstance(data["decided_at"], str) and data["note"] == "deux NINA"
    undone = story.resolution.undo(BANK_MAN, WALLET_MAN, "A. Maïga")
    assert undone.decision == "undo" and undone.reverses == rejected.id
    confirmed = story.resolution.decide(HOMONYM, BANK_MAN, CONFIRM, "K. Diarra")
    history = story.resolution.history()
    assert isinstance(history, DecisionList)
    assert [d.id for d in history.decisions] == [rejected.id, undone.id, confirmed.id]
    assert [d["decision"] for d in to_jsonable(history, "en")["decisions"]] == [
        "reject",
        "undo",
        "confirm",
    ]


def test_clusters_and_split(story: Workspace) -> None:
    listed = story.resolution.clusters()
    assert isinstance(listed, ClusterList) and all(isinstance(c, Cluster) for c in listed.clusters)
    assert [set(c.parties) for c in listed.clusters] == [{BANK_MAN, WALLET_MAN, ARABIC_MAN}]
    data = to_jsonable(listed, "fr")
    assert set(data["clusters"][0]) == {"cluster_id", "parties", "names"}
    assert ARABIC_NAME in data["clusters"][0]["names"]
    made = story.resolution.split(ARABIC_MAN, "A. Maïga", "autre personne")
    assert isinstance(made, DecisionList)
    assert [d.decision for d in made.decisions] == ["reject", "reject"]
    assert [set(c.parties) for c in story.resolution.clusters().clusters] == [
        {BANK_MAN, WALLET_MAN}
    ]


def test_evaluate_against_a_truth_file(story: Workspace, tmp_path: Path) -> None:
    evaluation = story.resolution.evaluate(write_truth(tmp_path / "truth"), baselines=False)
    assert isinstance(evaluation, Evaluation)
    assert all(isinstance(s, Score) for s in evaluation.scores)
    scores = {s.method: s for s in evaluation.scores}
    assert set(scores) == {"clusters", "pairs"}
    assert (scores["clusters"].precision, scores["clusters"].recall) == (1.0, 1.0)
    data = to_jsonable(evaluation, "fr")
    assert {s["method"] for s in data["scores"]} == {"clusters", "pairs"}
    with pytest.raises(UsageError):
        story.resolution.evaluate()  # no truth given and none loaded


def test_calls_before_a_run_and_bad_settings_are_usage_errors(ws: Workspace) -> None:
    with pytest.raises(UsageError) as none_yet:
        ws.resolution.clusters()
    assert none_yet.value.key == "error.resolve_no_run"
    with pytest.raises(UsageError):
        ws.resolution.pairs()
    for threshold in (0.0, 1.5, math.nan, math.inf):
        with pytest.raises(UsageError) as bad:
            ResolveSettings(threshold=threshold)
        assert bad.value.key == "error.resolve_bad_threshold"
    for wrong in ({"keep_from": -0.1}, {"u_max_pairs": 0}, {"seed": -1}):
        with pytest.raises(UsageError) as bad:
            ResolveSettings(**wrong)
        assert bad.value.key == "error.resolve_bad_setting"
    assert ws.resolution.run().parties == 0
    assert ws.resolution.clusters().clusters == []
