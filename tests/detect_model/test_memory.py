"""Known-subject memory (issue 19): causal "known" columns, the memory rule, the account-disjoint
rows, and memory in evaluate, score and the alert's explanation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moneytrail.detect.features import edges_from_arrays
from moneytrail.detect.model.baselines import DEGREE_ONLY, MEMORY_RULE, disjoint_rows
from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace
from moneytrail.detect.model.memory import (
    NAMES,
    knowledge_from_positives,
    memory_columns,
    memory_rule,
    split_memory,
)
from moneytrail.detect.model.training import TemporalSplit
from moneytrail.workspace import Workspace
from tests.detect_model.story import story_workspace

DAY = 86_400


def _column(values: np.ndarray, name: str) -> list[float]:
    return [float(v) for v in values[:, NAMES.index(name)]]


def test_a_mule_reused_is_remembered_only_after_its_labelled_payment() -> None:
    # mule_reused_a_week_later: M pays C (labelled) on day 1; the same second M pays D
    # (unlabelled); a week later M pays C again, and E pays F (strangers).
    edges = edges_from_arrays(
        ["M", "M", "M", "E"], ["C", "D", "C", "F"], [DAY, DAY, 8 * DAY, 8 * DAY], [1.0] * 4
    )
    target = np.array([True, False, False, False])
    known = knowledge_from_positives(edges, target, upto=4)
    cols = memory_columns(edges, known)
    # the labelled payment does not know itself, nor does a payment of the same second
    assert _column(cols, "known_src_events")[:2] == [0.0, 0.0]
    assert _column(cols, "known_src_days")[:2] == [-1.0, -1.0]
    # a week later both M and C are known, 7 days ago, and so is the pair
    assert _column(cols, "known_src_events")[2] == 1.0
    assert _column(cols, "known_src_days")[2] == 7.0
    assert _column(cols, "known_dst_days")[2] == 7.0
    assert _column(cols, "known_pair_events")[2] == 1.0
    assert _column(cols, "known_both") == [0.0, 0.0, 1.0, 0.0]
    assert list(memory_rule(cols)) == [0.0, 0.0, 1.0, 0.0]
    # strangers: nothing known
    assert [float(v) for v in cols[3]] == [0.0, 0.0, -1.0, -1.0, 0.0, 0.0]


def test_the_pair_is_unordered_and_only_the_training_period_is_known() -> None:
    edges = edges_from_arrays(
        ["A", "B", "X", "A"], ["B", "A", "Y", "B"], [10, 20, 30, 40], [1.0] * 4
    )
    target = np.array([True, False, True, False])
    cols = memory_columns(edges, knowledge_from_positives(edges, target, upto=2))
    assert _column(cols, "known_pair_events") == [0.0, 1.0, 0.0, 1.0]  # B -> A counts A-B
    # X -> Y is positive but after the cut (upto=2): never known, even later
    assert _column(cols, "known_src_events")[3] == 1.0
    later = memory_columns(edges, knowledge_from_positives(edges, target, upto=4))
    assert later[:3].tolist() == cols[:3].tolist()  # knowledge dated later changes no earlier row


def test_account_disjoint_rows_are_those_with_no_known_account() -> None:
    edges = edges_from_arrays(
        ["A", "C", "A", None, "E"], ["B", "D", "Z", "B", "F"], [1, 2, 3, 4, 5], [1.0] * 5
    )
    target = np.array([True, False, False, False, False])
    split = TemporalSplit(slice(0, 1), slice(1, 2), slice(2, 5))
    cols = memory_columns(edges, knowledge_from_positives(edges, target, split.train.stop))
    # A -> Z (A known) and cash -> B (B known) are not disjoint; E -> F is
    assert disjoint_rows(cols, split).tolist() == [False, False, True]


def test_evaluate_reports_baselines_disjoint_rows_and_its_seed(story_ws: Workspace) -> None:
    settings = EvaluateSettings(dataset="story", threads=1, stages=1, seed=3)
    report = evaluate_workspace(story_ws.engine, Path(story_ws.path), settings)
    assert report.seed == 3 and report.memory
    assert [b.name for b in report.baselines] == [MEMORY_RULE, DEGREE_ONLY]
    rule = report.baselines[0]
    assert rule.test.threshold == 0.5 and rule.test.positives > 0
    # the story reuses mules from 250 accounts: the rule finds some, the model more
    assert 0.0 < rule.test.f1 < report.sides[0].test.f1
    counts = report.disjoint
    assert 0 < counts["transactions"] < report.split["test"]["transactions"]
    if counts["positives"]:
        assert rule.disjoint_test is not None and rule.disjoint_test.true_positives == 0
    assert report.baselines[1].features == 6 + 8  # raw attributes + one-day fan/degree
    again = evaluate_workspace(story_ws.engine, Path(story_ws.path), settings)
    assert again.sides[0].test == report.sides[0].test  # same seed, same figures
    assert "known_both" in _names_of(story_ws, settings)


def _names_of(ws: Workspace, settings: EvaluateSettings) -> list[str]:
    from dataclasses import replace

    evaluate_workspace(ws.engine, Path(ws.path), replace(settings, save_model="mem"))
    card = json.loads((Path(ws.path) / "models" / "mem.json").read_text(encoding="utf-8"))
    assert card["memory"] is True
    return list(card["feature_names"])


def test_an_alert_raised_by_memory_names_the_known_positive(tmp_path: Path, cli: Any) -> None:
    folder = story_workspace(tmp_path / "ws", "transaction")
    trained = cli("model", "train", "-w", folder, "--model", "mem", "--threads", "1", "--json")
    assert trained.code == 0, trained.err
    assert cli("score", "-w", folder, "--model", "mem", "--json").code == 0
    with Workspace.open(folder, read_only=True) as ws:
        rows = ws.engine.fetchall(
            "SELECT CAST(explanation AS VARCHAR), t.ts, a.id FROM alerts a"
            " JOIN transactions t ON t.id = a.subject_id WHERE a.detector = 'mem'"
        )
    remembered = [(json.loads(e), ts, i) for e, ts, i in rows if json.loads(e).get("memory")]
    assert remembered, "mules recur in the story: some alert must come from memory"
    explanation, ts, alert_id = remembered[0]
    entry = explanation["memory"][0]
    assert entry["source"] == "label" and entry["account"] in ("sender", "receiver")
    assert entry["account_id"] and entry["reference"]
    assert entry["date"] <= ts.date().isoformat()  # dated no later than the alert's transaction
    shown = cli("--lang", "fr", "alerts", "show", alert_id, "-w", folder)
    assert shown.code == 0, shown.err
    assert f"figurait dans la transaction étiquetée positive {entry['reference']}" in shown.out
    assert f"du {entry['date']}" in shown.out


def test_the_evaluate_command_prints_no_internal_goal_and_the_unseen_table(
    tmp_path: Path, cli: Any
) -> None:
    folder = story_workspace(tmp_path / "ws", "transaction")
    for lang, words in (("en", "Unseen accounts"), ("fr", "Comptes jamais vus")):
        shown = cli("--lang", lang, "evaluate", "-w", folder, "--threads", "1", "--stages", "1",
                    "--seed", "11")  # fmt: skip
        assert shown.code == 0, shown.err
        assert words in shown.out
        assert "11" in shown.out.splitlines()[4]  # the seed line follows the split
        for internal in ("goal", "objectif", "≥ +"):
            assert internal not in shown.out and internal not in shown.err
    plain = cli("--lang", "en", "evaluate", "-w", folder, "--threads", "1", "--stages", "1",
                "--no-baselines", "--no-memory", "--json")  # fmt: skip
    assert plain.code == 0 and plain.json()["baselines"] == []
    assert plain.json()["memory"] is False


def test_train_rows_read_knowledge_frozen_at_their_period_start() -> None:
    # scheme_reusing_one_mule: M pays C at every hour 0..7 (train: rows 0..7, four periods of
    # two rows), then M pays C twice more (validation and test rows 8, 9); all labelled.
    hours = [h * 3600 for h in range(10)]
    edges = edges_from_arrays(["M"] * 10, ["C"] * 10, hours, [1.0] * 10)
    target = np.ones(10, dtype=bool)
    cols = split_memory(edges, target, train_stop=8, blocks=4)
    # period k reads the 2k positives of the earlier periods, never its own period's
    assert _column(cols, "known_src_events")[:8] == [0, 0, 2, 2, 4, 4, 6, 6]
    # after the cut, every training positive and none of the later ones
    assert _column(cols, "known_src_events")[8:] == [8, 8]
    assert _column(cols, "known_pair_events")[9] == 8
    # days are counted from the row's own time: row 3 (hour 3) last knew hour 1
    assert _column(cols, "known_src_days")[3] == pytest.approx(2 * 3600 / DAY)
