"""List versions, diffs and screening findings in a workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moneytrail.errors import UsageError
from moneytrail.screen.diff import diff_lists
from moneytrail.screen.jobs import Finding, list_matches, screen_parties, set_status
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import SCORER_VERSION
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import list_versions, read_version, save_list
from moneytrail.workspace import Workspace

OFAC_REMOVED_2024_05_03 = [
    ("38556", "EMPEROR AVIATION LTD"),
    ("38557", "9H-AMN"),
    ("38558", "9H-ARK"),
    ("38559", "9H-EAA"),
    ("38560", "9H-MAO"),
    ("38563", "9H-SIS"),
    ("38565", "9H-SSK"),
    ("38566", "9H-TIO"),
]


def test_ofac_2024_update_removes_exactly_eight_entries(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "sanctions/ofac_sdn_2024"
    old_path, new_path = folder / "sdn_2024-05-02.csv", folder / "sdn_2024-05-03.csv"
    old, new = load_list(old_path), load_list(new_path)
    diff = diff_lists(old, new)
    assert (diff.old_count, diff.new_count, diff.added, diff.changed) == (14973, 14965, [], {})
    assert [(i, old.by_id()[i].primary_name) for i in diff.removed] == OFAC_REMOVED_2024_05_03

    first = save_list(ws.engine, old, old_path)
    second = save_list(ws.engine, new, new_path)
    assert (first.created, first.diff.counts(), second.created, second.previous_id) == (
        True,
        {"added": 14973, "removed": 0, "changed": 0},  # first version: every entry added
        True,
        first.version_id,
    )
    assert second.diff.removed == [i for i, _ in OFAC_REMOVED_2024_05_03]
    again = save_list(ws.engine, new, new_path)
    assert (again.created, again.version_id) == (False, second.version_id)  # idempotent
    assert [v.version_date for v in list_versions(ws.engine)] == ["2024-05-03", "2024-05-02"]
    assert read_version(ws.engine, second.version_id).by_id() == new.by_id()  # lossless
    names = ws.engine.fetchall(
        "SELECT count(*) FROM screen_list_names WHERE version_id = ?", [second.version_id]
    )[0][0]
    assert names == sum(len(e.names) for e in new.entries)


def _add_parties(ws: Workspace) -> None:
    rows = [
        ("p1", "person", "Iyad Ag Ghaly", ["Abou Fadl"], "1958-01-01", "ML"),
        ("p2", "person", "Aminata Traoré", [], "1990-05-05", "ML"),
        ("p3", "company", "Ansar Eddine", [], None, None),
    ]
    for pid, kind, name, aliases, dob, nat in rows:
        ws.engine.execute(
            "INSERT INTO parties (id, kind, name, aliases, birth_date, nationality, country, "
            "source_id, source_row) VALUES (?, ?, ?, ?, ?, ?, NULL, 'test', 1)",
            [pid, kind, name, aliases, dob, nat],
        )


def test_screen_parties_stores_findings_once(ws: Workspace, shared_data: Path) -> None:
    with pytest.raises(UsageError):
        screen_parties(ws.engine, ScreenSettings())
    path = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    saved = save_list(ws.engine, load_list(path), path)
    _add_parties(ws)
    seen: list[tuple[int, int]] = []
    summary = screen_parties(ws.engine, ScreenSettings(), lambda d, t: seen.append((d, t)))
    assert (summary["parties"], summary["names"], seen[-1]) == (3, 4, (4, 4))  # 1 alias
    matches = list_matches(ws.engine)
    by_party: dict[str, Finding] = {}
    for m in matches:  # best score first
        if m.score >= 0.8:
            by_party.setdefault(m.party_id, m)
    assert by_party["p1"].entry_id == "QDi.316"
    assert by_party["p3"].entry_id == "QDe.135"  # Ansar Eddine, an entity
    assert "p2" not in by_party
    assert {m.status for m in matches} == {"to_review"}
    assert all(m.version_id == saved.version_id for m in matches)
    stored = ws.engine.fetchall(
        "SELECT explanation, scorer, scorer_version FROM screening_matches WHERE id = ?",
        [by_party["p1"].id],
    )[0]
    explanation = json.loads(stored[0])
    assert (stored[1], stored[2], explanation["scorer"]) == (
        "sahel-names",
        str(SCORER_VERSION),
        "sahel-names",
    )
    assert "dob_match" in [f["feature"] for f in explanation["features"]]

    set_status(ws.engine, by_party["p1"].id, "confirmed", "passeport vérifié", "awa")
    again = screen_parties(ws.engine, ScreenSettings())
    assert again["matches_new"] == 0 and again["hits"] == summary["hits"]
    confirmed = list_matches(ws.engine, "confirmed")
    assert [(m.id, m.analyst_note) for m in confirmed] == [(by_party["p1"].id, "passeport vérifié")]
    with pytest.raises(UsageError):
        set_status(ws.engine, by_party["p1"].id, "cleared", None, "awa")
    with pytest.raises(UsageError):
        set_status(ws.engine, "nope", "confirmed", None, "awa")
    with pytest.raises(UsageError):
        list_matches(ws.engine, "maybe")  # an unknown status filter is refused, not empty


def test_workspace_facade_screens_its_parties(tmp_path: Path, shared_data: Path) -> None:
    from moneytrail.screen.lists import load_list
    from moneytrail.screen.store import save_list
    from moneytrail.workspace import Workspace

    un = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    with Workspace.init(tmp_path / "ws") as ws:
        save_list(ws.engine, load_list(un), un)
        ws.engine.execute(
            "INSERT INTO parties VALUES ('p1', 'person', 'Iyad Ag Ghaly', NULL, NULL, NULL, 'ML', 's', 1)"
        )
        summary = ws.screening.parties()
        matches = ws.engine.fetchall("SELECT status FROM screening_matches")
    assert summary.matches_new == len(matches) > 0
    assert {m[0] for m in matches} == {"to_review"}
