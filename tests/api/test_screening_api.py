"""``ws.screening`` and the list-file functions of ``moneytrail.api.screening``: typed results
and their JSON form, called directly through the library."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from moneytrail.api import UsageError, Workspace
from moneytrail.api.lists import ChangeCounts
from moneytrail.api.screening import (
    LIST_FORMATS,
    MATCH_STATUSES,
    ListFileDiff,
    MatchDecision,
    MatchList,
    NameEvaluation,
    NameScreening,
    PartiesScreened,
    diff_list_files,
    evaluate_names,
    name_query,
    screen_name,
    screen_settings,
)
from moneytrail.api.serialize import to_jsonable
from moneytrail.screen.scorer import SCORER_VERSION

WATCHLIST = [
    "QDi.425,Amadou Koufa,Person,1958,ML",
    "QDi.316,Iyad Ag Ghali,Person,1958,ML",
    "QDe.135,Ansar Eddine,Organization,,ML",
]


def _custom(folder: Path, rows: list[str], name: str = "liste.csv") -> Path:
    path = folder / name
    path.write_text("id,name,schema,birth_date,nationality\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def _party(ws: Workspace, party_id: str, name: str) -> None:
    ws.engine.execute(
        "INSERT INTO parties (id, kind, name, source_id, source_row) VALUES (?, 'person', ?, 't', 1)",
        [party_id, name],
    )


def test_screen_name_against_list_files(tmp_path: Path) -> None:
    path = _custom(tmp_path, WATCHLIST)
    found = screen_name("Amadou Kouffa", [path], dob="1958", countries=["Mali"])
    assert isinstance(found, NameScreening)
    assert (found.entries_indexed, found.threshold) == (3, 0.8)
    best = found.hits[0]
    assert (best.entry_id, best.source, best.list_version_id, best.match) == (
        "QDi.425",
        "custom",
        "custom",
        True,
    )
    assert "dob_match" in best.features() and "country_match" in best.features()
    data = to_jsonable(found, "fr")
    assert data["query"] == {
        "name": "Amadou Kouffa",
        "dob": "1958",
        "countries": ["ML"],
        "schema": None,
    }
    assert list(data["hits"][0]) == [
        "source",
        "list_version_id",
        "entry_id",
        "schema",
        "name",
        "matched_name",
        "score",
        "birth_dates",
        "nationalities",
        "programs",
        "explanation",
        "match",
    ]
    assert data["hits"][0]["explanation"]["scorer"] == "sahel-names"
    # a query checked beforehand is used as it is; a higher threshold turns the match to review
    strict = screen_name(
        name_query("Amadou Kouffa"), [path], settings=screen_settings(threshold=0.99)
    )
    assert strict.hits[0].entry_id == "QDi.425" and strict.hits[0].match is False


def test_screen_name_needs_lists_and_readable_facts(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        screen_name("Amadou Koufa", [])
    assert refused.value.key == "error.screen_need_lists"
    for bad in (
        {"name": "???"},
        {"name": "X", "dob": "21/13/58"},
        {"name": "X", "countries": ["Atlantis"]},
        {"name": "X", "schema": "ship"},
    ):
        with pytest.raises(UsageError):
            name_query(**bad)  # type: ignore[arg-type]


def test_screen_settings_name_the_option_that_refused_a_value(tmp_path: Path) -> None:
    from moneytrail.api.screening import SettingsError

    with pytest.raises(SettingsError) as refused:
        screen_settings(threshold=80, source="--threshold")
    assert "--threshold" in refused.value.render("en")
    file = tmp_path / "screen.toml"
    file.write_text("[screen]\nthreshold = 0.6\n", "utf-8")
    settings = screen_settings(file)
    assert (settings.threshold, settings.review_threshold) == (0.6, 0.6)


def test_workspace_name_screening_uses_the_latest_versions(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        ws.screening.name("Iyad Ag Ghaly")
    assert refused.value.key == "error.screen_need_lists"
    ws.lists.load(_custom(tmp_path, WATCHLIST))
    found = ws.screening.name("Ghaly Iyad", schema="Person")
    assert found.hits[0].entry_id == "QDi.316"
    assert found.hits[0].list_version_id == ws.lists.versions().versions[0].id


def test_parties_screening_is_typed_and_reports_interrupted_runs(
    ws: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(UsageError) as refused:
        ws.screening.parties()
    assert refused.value.key == "error.screen_no_lists"
    loaded = ws.lists.load(_custom(tmp_path, WATCHLIST))
    _party(ws, "p1", "Hamadoun Kouffa")
    ws.engine.execute(
        "INSERT INTO job_runs (id, kind, started_at, status, settings, code_version, owner)"
        " VALUES ('deadbeef00112233', 'screen', ?, 'running', '{}', '0.1.0', 'gone:1:1')",
        [datetime(2024, 5, 2, 10, 41)],
    )
    seen: list[tuple[int, int]] = []
    done = ws.screening.parties(workers=None, progress=lambda d, t: seen.append((d, t)))
    assert isinstance(done, PartiesScreened)
    assert (done.parties, done.names, done.matches_new, seen[-1]) == (1, 1, 1, (1, 1))
    assert done.workers == (os.cpu_count() or 1)  # None: one process per core
    assert [(s.version_id, s.entries) for s in done.lists] == [(loaded.version_id, 3)]
    assert [r.id for r in done.interrupted_runs] == ["deadbeef00112233"]
    assert "deadbeef00" in done.interrupted_runs[0].warning("en")
    data = to_jsonable(done, "en")
    assert set(data) >= {"parties", "distinct_names", "hits", "matches_new", "seconds"}
    assert set(data["seconds"]) == {"names", "parties"}
    assert data["interrupted_runs"][0]["id"] == "deadbeef00112233"
    assert data["interrupted_runs"][0]["started_at"] == "2024-05-02T10:41:00"
    assert ws.screening.parties().interrupted_runs == []  # warned once, then retired


def test_matches_and_decisions(ws: Workspace, tmp_path: Path) -> None:
    ws.lists.load(_custom(tmp_path, WATCHLIST))
    _party(ws, "p1", "Hamadoun Kouffa")
    ws.screening.parties()
    listed = ws.screening.matches()
    assert isinstance(listed, MatchList)
    (finding,) = listed.matches
    assert (finding.party_id, finding.entry_id, finding.status) == ("p1", "QDi.425", "to_review")
    assert to_jsonable(listed, "fr")["matches"][0] == {
        "id": finding.id,
        "party_id": "p1",
        "query": "Hamadoun Kouffa",
        "version_id": finding.version_id,
        "entry_id": "QDi.425",
        "matched_name": "Amadou Koufa",
        "score": finding.score,
        "status": "to_review",
        "analyst_note": None,
    }
    decision = ws.screening.decide(finding.id, "false_positive", note="homonyme", by="awa")
    assert decision == MatchDecision(finding.id, "false_positive", "homonyme", "awa")
    assert to_jsonable(decision, "fr") == {
        "id": finding.id,
        "status": "false_positive",
        "note": "homonyme",
        "by": "awa",
    }
    assert ws.screening.matches("to_review").matches == []
    assert [m.analyst_note for m in ws.screening.matches("false_positive").matches] == ["homonyme"]
    with pytest.raises(UsageError) as refused:
        ws.screening.matches("maybe")
    assert refused.value.key == "error.screen_status_filter_unknown"
    with pytest.raises(UsageError) as refused:
        ws.screening.decide(finding.id, "maybe")
    assert refused.value.key == "error.screen_status_unknown"
    with pytest.raises(UsageError) as refused:
        ws.screening.decide("nope", "confirmed")
    assert refused.value.key == "error.screen_match_unknown"


def test_diff_of_two_list_files(tmp_path: Path) -> None:
    old = _custom(tmp_path, ["A,Amadou Ould Baba,Person,1970,ML", "B,Sahel Or SARL,Organization,,"])
    new = _custom(
        tmp_path,
        ["A,Amadou Ould Baba,Person,1971,ML", "C,Hamadou Ag Moussa,Person,1980,NE"],
        "liste2.csv",
    )
    diff = diff_list_files(old, new)
    assert isinstance(diff, ListFileDiff)
    assert diff.counts == ChangeCounts(added=1, removed=1, changed=1)
    assert to_jsonable(diff, "fr") == {
        "old": {"source": "custom", "version": None, "entries": 2},
        "new": {"source": "custom", "version": None, "entries": 2},
        "counts": {"added": 1, "removed": 1, "changed": 1},
        "added": [{"entry_id": "C", "name": "Hamadou Ag Moussa"}],
        "removed": [{"entry_id": "B", "name": "Sahel Or SARL"}],
        "changed": [{"entry_id": "A", "name": "Amadou Ould Baba", "fields": ["birth_dates"]}],
    }


def test_evaluate_names_on_labelled_pairs(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    rows = ["case_group,schema,name1,name2,is_match"]
    rows += [f"g,Person,Oumar Sangare {i},Oumar Sangaré {i},true" for i in range(4)]
    rows += [f"g,Company,Ets Diallo {i},Groupe Keita {i},false" for i in range(3)]
    rows += ["g,Person,Moussa Traore,Aminata Diallo,true"]  # labelled a match: a miss
    cases.write_text("\n".join(rows) + "\n", encoding="utf-8")
    reference = tmp_path / "reference.csv"
    reference.write_text("is_match,predicted_match\ntrue,true\nfalse,true\n", encoding="utf-8")

    plain = evaluate_names(cases)
    assert isinstance(plain, NameEvaluation)
    assert (plain.pairs, plain.tp, plain.fn, plain.tn, plain.fp) == (8, 4, 1, 3, 0)
    assert plain.errors is None and plain.cross_validation is None and plain.reference is None
    data = to_jsonable(plain, "en")
    assert (data["scorer"], data["threshold"], data["recall"]) == (
        f"sahel-names-v{SCORER_VERSION}",
        0.8,
        0.8,
    )
    assert data["errors"] is None

    full = evaluate_names(cases, errors=True, folds=2, reference=reference)
    assert [(e.name1, e.truth) for e in full.errors or []] == [("Moussa Traore", True)]
    assert full.cross_validation is not None and full.cross_validation.held_out.pairs == 8
    assert full.reference is not None and (full.reference.tp, full.reference.fp) == (1, 1)
    data = to_jsonable(full, "en")
    assert set(data["cross_validation"]) == {"scorer", "folds", "seed", "held_out", "chosen"}
    assert data["errors"][0]["name2"] == "Aminata Diallo"
    with pytest.raises(UsageError) as refused:
        evaluate_names(cases, folds=1)
    assert refused.value.key == "error.screen_folds_too_few"


def test_names_a_face_lists_match_the_analytics() -> None:
    from moneytrail.screen.jobs import STATUSES
    from moneytrail.screen.lists import FORMATS

    assert tuple(sorted(FORMATS)) == LIST_FORMATS
    assert MATCH_STATUSES == STATUSES


def test_settings_and_query_types_are_exported_lazily() -> None:
    import moneytrail.api.screening as screening
    from moneytrail.screen.jobs import Finding
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings, SettingsError

    assert (screening.ScreenSettings, screening.SettingsError) == (ScreenSettings, SettingsError)
    assert (screening.Query, screening.Finding) == (Query, Finding)
    with pytest.raises(AttributeError):
        _ = screening.NoSuchName


def test_importing_the_api_modules_loads_no_analytics() -> None:
    import subprocess
    import sys

    code = (
        "import sys, moneytrail.api.screening, moneytrail.api.lists, moneytrail.model.names\n"
        "print(sorted(m for m in ('rigour', 'rapidfuzz', 'moneytrail.screen', 'pydantic',"
        " 'lxml', 'followthemoney') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
