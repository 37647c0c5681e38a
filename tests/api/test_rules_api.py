"""``ws.rules``: the catalogue, a run and the quality of the rules through the library, typed
and in JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.rules import RuleEntry, RulesQuality, RulesRun, rule_catalogue
from moneytrail.api.serialize import to_jsonable
from moneytrail.detect.rules import RuleOutcome
from tests.detect_rules.stories import Story
from tests.detect_rules.test_detect_rules_stories import structuring


def test_catalogue_names_the_rules_in_the_readers_language(ws: Workspace) -> None:
    french = {r.id: r for r in ws.rules.catalogue(lang="fr")}
    english = {r.id: r for r in rule_catalogue(lang="en")}
    entry = french["structuring"]
    assert isinstance(entry, RuleEntry)
    assert entry.typology_name == "Fractionnement (structuration) des dépôts"
    assert english["structuring"].typology_name != entry.typology_name
    plain = to_jsonable(entry, "fr")
    assert list(plain) == [
        "id", "version", "typology", "typology_name", "title", "subject", "source",
        "parameters", "references",
    ]  # fmt: skip
    assert plain["parameters"]["threshold"] == 5000000
    assert plain["references"][0]["body"]


def test_run_by_id_with_textual_overrides(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)  # three deposits of 3 000 000
    done = ws.rules.run(["structuring", "large_cash"], ["large_cash.threshold=2500000"])
    assert isinstance(done, RulesRun)
    assert all(isinstance(r, RuleOutcome) for r in done.rules)
    assert {r.rule: r.hits for r in done.rules} == {"structuring": 1, "large_cash": 3}
    assert (done.hits, done.alerts_new, done.interrupted_runs) == (4, 4, [])
    assert done.job_run_id
    plain = to_jsonable(done, "en")
    assert list(plain) == [
        "rules", "hits", "alerts_new", "seconds", "job_run_id", "interrupted_runs",
    ]  # fmt: skip
    assert plain["rules"][1]["parameters"]["threshold"] == "2500000"
    again = ws.rules.run(["structuring"], {"structuring": {"window": "12h"}})
    assert again.hits == 0


def test_run_reports_an_interrupted_run(ws: Workspace) -> None:
    ws.engine.execute(
        "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
        " VALUES ('deadbeef00112233', 'detect', ?, 'running', '{}', '0.1.0', 'x:1:1')",
        [datetime(2024, 5, 2, 10, 41)],
    )
    done = ws.rules.run(["structuring"])
    assert [r.id for r in done.interrupted_runs] == ["deadbeef00112233"]
    assert to_jsonable(done, "en")["interrupted_runs"][0]["kind"] == "detect"


def test_run_refuses_unknown_rules_and_parameters(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        ws.rules.run(["nope"])
    with pytest.raises(UsageError):
        ws.rules.run(["structuring"], ["structuring.nope=1"])
    with pytest.raises(UsageError):
        ws.rules.run(folders=[tmp_path / "missing"])


def test_quality_against_labels(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)
    ws.rules.run(["structuring"])
    quality = ws.rules.quality()
    assert isinstance(quality, RulesQuality)
    row = next(r for r in quality.rules if r.rule == "structuring")
    assert row.flagged_accounts == 1 and row.key_accounts == 0  # no labels in this story
    assert "| `structuring` |" in quality.markdown()
    plain = to_jsonable(quality, "fr")
    assert plain["rules"][-1]["rule"] == quality.rules[-1].rule
