"""Scoring a workspace: alerts stored once, analyst decisions kept, explanations readable."""

from __future__ import annotations

import json

import numpy as np
import pytest

from moneytrail.detect.model.alerts import typology_hint
from moneytrail.detect.model.evaluate import EvaluationReport
from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace


def test_alerts_are_stored_once_and_decisions_survive(
    story_ws: Workspace, story_report: EvaluationReport
) -> None:
    first = story_ws.model.score("story")
    assert first.inserted == first.stored > 0
    e = story_ws.engine
    alert_id = e.fetchall("SELECT id FROM alerts ORDER BY score DESC LIMIT 1")[0][0]
    e.execute(
        "UPDATE alerts SET status = 'confirmed', analyst_note = 'vu' WHERE id = ?", [alert_id]
    )
    again = story_ws.model.score("story")
    assert again.inserted == 0 and again.stored == first.stored
    assert e.fetchall("SELECT count(*) FROM alerts")[0][0] == first.stored
    assert e.fetchall("SELECT status, analyst_note FROM alerts WHERE id = ?", [alert_id]) == [
        ("confirmed", "vu")
    ]


def test_explanation_names_features_transaction_and_typology(
    story_ws: Workspace, story_report: EvaluationReport
) -> None:
    story_ws.model.score("story")
    rows = story_ws.engine.fetchall(
        "SELECT detector_kind, typology, subject_id, transaction_ids, explanation FROM alerts"
        " WHERE detector = 'story' ORDER BY score DESC LIMIT 1"
    )
    kind, typology, subject, tx_ids, explanation = rows[0]
    data = json.loads(explanation)
    assert (kind, typology) == ("model", "ml_suspicious")
    assert tx_ids == [subject] == data["transactions"]
    assert data["features"] and {"name", "value", "contribution"} <= set(data["features"][0])
    assert all(f["contribution"] > 0 for f in data["features"])
    assert "apprentissage" in data["typology_title"]["fr"]
    assert data["typology_hint"] in {None, "fan_in", "fan_out", "scatter_gather", "cycle"}


def test_typology_hint_needs_a_dominant_family() -> None:
    names = ["fan_in_dst", "deg_in_dst", "cycle_simple", "raw_hour"]
    assert typology_hint(names, np.array([1.0, 0.5, 0.2, 0.1])) == "fan_in"
    assert typology_hint(names, np.array([0.1, 0.1, 0.1, 2.0])) is None


def test_unknown_and_invalid_model_names(story_ws: Workspace) -> None:
    with pytest.raises(UsageError) as err:
        story_ws.model.score("nope")
    assert err.value.key == "problem.model_unknown"
    with pytest.raises(UsageError) as err:
        story_ws.model.score("../etc/passwd")
    assert err.value.key == "problem.model_name_invalid"
