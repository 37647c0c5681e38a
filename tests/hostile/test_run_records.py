"""Run records: every long job says what it was asked and whether it finished; a job's results
commit all together or not at all; an interrupted run is reported, never silent.

The kill itself (a real process, SIGKILL) is in ``test_kill_jobs.py``; here a run left
``running`` by a dead process is written as such a kill leaves it, to test the readers fast.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from moneytrail.detect.rules import load_library, load_rule_text, run_rules
from moneytrail.engine.runs import interrupted_runs, recorded, runs
from moneytrail.errors import BadInputError
from moneytrail.screen.jobs import screen_parties
from moneytrail.screen.lists import load_list
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import save_list
from moneytrail.workspace import Workspace
from tests.detect_rules.stories import Story
from tests.detect_rules.test_detect_rules_stories import structuring

BROKEN = """\
id: broken
version: 1
typology: broken
typology_name: {fr: "Cassée", en: "Broken"}
title: {fr: "t", en: "t"}
description: {fr: "d", en: "d"}
explain: {fr: "e", en: "e"}
references:
  - {body: FATF, title: "Some report", year: 2016}
query: |
  SELECT dst_account_id AS subject_id FROM transactions WHERE no_such_column > 0
"""
DEAD = "other-host:4242:1700000000000"  # the owner of a run whose process is gone


def dead_run(ws: Workspace, kind: str, run_id: str = "deadbeef00112233") -> str:
    """A record as a process killed mid-run leaves it: 'running', never finished."""
    ws.engine.execute(
        "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
        " VALUES (?, ?, ?, 'running', '{}', '0.1.0', ?)",
        [run_id, kind, datetime(2024, 5, 2, 10, 41), DEAD],
    )
    return run_id


def test_all_rules_commit_together_or_not_at_all(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)
    rules = [load_library()["structuring"], load_rule_text(BROKEN, "broken.yaml")]
    with pytest.raises(BadInputError):
        run_rules(ws.engine, rules)  # structuring ran first and found its alert
    assert ws.engine.fetchall("SELECT count(*) FROM alerts") == [(0,)]
    (record,) = runs(ws.engine)
    assert (record.kind, record.status) == ("detect", "failed")
    assert record.error is not None and "no_such_column" in record.error
    assert record.finished_at is not None


def test_a_finished_run_says_what_it_was_asked_and_what_it_did(ws: Workspace) -> None:
    structuring(Story(ws.engine), True)
    result = ws.rules.run([load_library()["structuring"]], {"structuring": {"window": "3d"}})
    (record,) = runs(ws.engine, "detect")
    assert record.id == result.job_run_id and record.status == "done"
    assert record.counts == {"rules": 1, "hits": 1, "alerts_new": 1}
    (asked,) = record.settings["rules"]
    assert (asked["id"], asked["version"], asked["parameters"]["window"]) == (
        "structuring",
        1,
        "3d",
    )
    assert record.code_version and record.started_at <= (record.finished_at or record.started_at)


def test_a_failed_job_is_recorded_as_failed_and_raises(ws: Workspace) -> None:
    with pytest.raises(RuntimeError), recorded(ws.engine, "resolve", {"threshold": 0.9}):
        raise RuntimeError("disk on fire")
    (record,) = runs(ws.engine)
    assert (record.status, record.error) == ("failed", "RuntimeError: disk on fire")


def test_a_run_of_this_process_is_running_not_interrupted(ws: Workspace) -> None:
    with recorded(ws.engine, "detect", {}) as run:
        assert interrupted_runs(ws.engine) == []
        assert [r.status for r in runs(ws.engine)] == ["running"]
        run.done(ws.engine, {"hits": 0})
    assert [r.status for r in runs(ws.engine)] == ["done"]


def test_alerts_list_warns_about_an_interrupted_run_and_keeps_stdout_json(
    ws: Workspace, cli: Any
) -> None:
    killed = dead_run(ws, "detect")
    dead_run(ws, "screen", "cafe0000screen")  # not a job that writes alerts
    path = ws.path
    ws.close()
    listed = cli("--lang", "en", "alerts", "list", "-w", path, "--json")
    assert listed.code == 0 and listed.json() == []
    assert listed.err.count("Warning:") == 1
    assert f"the detect run {killed[:10]} started 2024-05-02 10:41 (UTC)" in listed.err
    assert "was interrupted before it finished; none of its results were kept" in listed.err
    french = cli("--lang", "fr", "alerts", "list", "-w", path)
    assert "a été interrompue avant la fin ; aucun de ses résultats n'a été gardé" in french.err


def test_the_next_detect_run_reports_the_interrupted_one_then_retires_it(
    ws: Workspace, cli: Any
) -> None:
    structuring(Story(ws.engine), True)
    killed = dead_run(ws, "detect")
    path = ws.path
    ws.close()
    run = cli("--lang", "en", "detect", "run", "-w", path, "--only", "structuring", "--json")
    assert run.code == 0, run.err
    doc = run.json()
    assert [r["id"] for r in doc["interrupted_runs"]] == [killed]
    assert f"the detect run {killed[:10]}" in run.err
    assert doc["alerts_new"] == 1
    with Workspace.open(path, read_only=True) as again:
        statuses = {r.id: (r.status, r.error) for r in runs(again.engine)}
    assert statuses[killed] == ("interrupted", f"interrupted; noticed by run {doc['job_run_id']}")
    assert statuses[doc["job_run_id"]] == ("done", None)
    quiet = cli("alerts", "list", "-w", path, "--json")
    assert quiet.err == "" and len(quiet.json()) == 1


def test_resolve_and_screen_leave_run_records(ws: Workspace, shared_data: Path) -> None:
    summary = ws.resolution.run()
    path = shared_data / "sanctions/un/unsc_sample_2024.xml"
    save_list(ws.engine, load_list(path), path)
    ws.engine.execute(
        "INSERT INTO parties (id, kind, name, source_id) VALUES ('p1', 'person',"
        " 'Fazl Mohammad Mazloom', 's')"
    )
    dead_run(ws, "screen")
    screened = screen_parties(ws.engine, ScreenSettings())
    assert [r.id for r in screened["interrupted_runs"]] == ["deadbeef00112233"]
    records = {r.kind: r for r in runs(ws.engine) if r.status != "interrupted"}
    assert records["resolve"].id == summary.job_run_id and records["resolve"].status == "done"
    assert records["resolve"].counts == {
        "parties": 0,
        "pairs": 0,
        "conflicts": 0,
        "resolution_run": summary.run_id,
    }
    assert records["screen"].id == screened["job_run_id"]
    assert records["screen"].status == "done"
    assert records["screen"].counts is not None
    assert records["screen"].counts["matches_new"] == screened["matches_new"] >= 1
    stored = json.loads(
        ws.engine.fetchall("SELECT settings FROM job_runs WHERE id = ?", [screened["job_run_id"]])[
            0
        ][0]
    )
    assert stored["scorer"] == screened["scorer"] and stored["settings"]["threshold"] == 0.8
