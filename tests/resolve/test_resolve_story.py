"""The linker and the analysts' decisions on the tiny two-source story (tests/resolve/story.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.errors import UsageError
from moneytrail.resolve import ResolveSettings
from moneytrail.resolve.store import CONFIRM, REJECT
from moneytrail.workspace import Workspace
from tests.resolve.story import ARABIC_MAN, BANK_MAN, HOMONYM, WALLET_MAN, load_story


@pytest.fixture(scope="module")
def story_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The story ingested and resolved once; each test works on a copy of it."""
    folder = tmp_path_factory.mktemp("story")
    with Workspace.init(folder / "ws") as ws:
        load_story(ws, folder / "files")
        ws.resolution.run()
    return folder / "ws"


@pytest.fixture
def story_ws(story_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    shutil.copytree(story_template, tmp_path / "ws")
    with Workspace.open(tmp_path / "ws") as ws:
        yield ws


def members(ws: Workspace) -> list[set[str]]:
    return [set(c.parties) for c in ws.resolution.clusters().clusters]


def test_one_man_under_three_spellings_is_one_cluster(story_ws: Workspace) -> None:
    assert members(story_ws) == [{BANK_MAN, WALLET_MAN, ARABIC_MAN}]
    pairs = story_ws.resolution.pairs().pairs
    arabic = next(p for p in pairs if ARABIC_MAN in (p.left_id, p.right_id))
    assert arabic.explanation["name"]["level"] == "same_sound"  # Latin vs Arabic script
    assert arabic.explanation["phone"]["level"] == "shared"
    assert arabic.explanation["phone"]["weight"] > 0


def test_homonym_who_shares_nothing_is_not_linked(story_ws: Workspace) -> None:
    assert all(HOMONYM not in c for c in members(story_ws))
    with_homonym = [
        p.match_probability
        for p in story_ws.resolution.pairs().pairs
        if HOMONYM in (p.left_id, p.right_id)
    ]
    assert all(prob < 0.5 for prob in with_homonym)


def test_reject_wins_over_the_model_and_undo_restores(story_ws: Workspace) -> None:
    resolver = story_ws.resolution
    resolver.decide(WALLET_MAN, BANK_MAN, REJECT, "A. Maïga", "deux pièces d'identité")
    after = members(story_ws)
    assert not any({BANK_MAN, WALLET_MAN} <= c for c in after)  # not even through the Arabic record
    undone = resolver.undo(BANK_MAN, WALLET_MAN, "A. Maïga")
    assert undone.decision == "undo"
    assert members(story_ws) == [{BANK_MAN, WALLET_MAN, ARABIC_MAN}]
    history = resolver.history().decisions
    assert [d.decision for d in history] == ["reject", "undo"]
    assert history[1].reverses == history[0].id
    assert history[0].decided_by == "A. Maïga" and history[0].note == "deux pièces d'identité"


def test_confirm_links_what_the_model_did_not(story_ws: Workspace) -> None:
    story_ws.resolution.decide(HOMONYM, BANK_MAN, CONFIRM, "K. Diarra")
    assert members(story_ws) == [{BANK_MAN, WALLET_MAN, ARABIC_MAN, HOMONYM}]


def test_undo_goes_back_one_decision_at_a_time(story_ws: Workspace) -> None:
    resolver = story_ws.resolution
    resolver.decide(HOMONYM, BANK_MAN, CONFIRM, "K. Diarra")
    resolver.decide(HOMONYM, BANK_MAN, REJECT, "A. Maïga")
    assert all(HOMONYM not in c for c in members(story_ws))
    resolver.undo(HOMONYM, BANK_MAN, "A. Maïga")  # the confirmation stands again
    assert any(HOMONYM in c for c in members(story_ws))
    resolver.undo(HOMONYM, BANK_MAN, "K. Diarra")
    assert all(HOMONYM not in c for c in members(story_ws))
    with pytest.raises(UsageError):
        resolver.undo(HOMONYM, BANK_MAN, "K. Diarra")


def test_rerun_is_idempotent_and_keeps_decisions(story_ws: Workspace) -> None:
    resolver = story_ws.resolution
    resolver.decide(BANK_MAN, WALLET_MAN, REJECT, "A. Maïga")
    first = story_ws.engine.fetchall("SELECT * EXCLUDE (run_id) FROM resolution_pairs ORDER BY ALL")
    again = resolver.run()
    second = story_ws.engine.fetchall(
        "SELECT * EXCLUDE (run_id) FROM resolution_pairs ORDER BY ALL"
    )
    assert first == second
    runs = story_ws.engine.fetchall("SELECT id FROM resolution_runs")
    assert runs == [(again.run_id,)]  # same data and settings: the run is replaced, not added
    assert not any({BANK_MAN, WALLET_MAN} <= c for c in members(story_ws))
    other = resolver.run(ResolveSettings(threshold=0.5))  # a new run: decisions still apply
    assert other.run_id != again.run_id
    assert not any({BANK_MAN, WALLET_MAN} <= c for c in members(story_ws))


def test_decisions_refuse_unknown_parties_and_self_pairs(story_ws: Workspace) -> None:
    resolver = story_ws.resolution
    with pytest.raises(UsageError) as unknown:
        resolver.decide(BANK_MAN, "nobody", CONFIRM, "x")
    assert unknown.value.key == "error.resolve_party_unknown"
    with pytest.raises(UsageError):
        resolver.decide(BANK_MAN, BANK_MAN, CONFIRM, "x")
    with pytest.raises(UsageError):
        resolver.decide(BANK_MAN, WALLET_MAN, CONFIRM, "  ")
    assert resolver.history().decisions == []


def test_empty_workspace_runs_and_has_no_clusters(ws: Workspace) -> None:
    summary = ws.resolution.run()
    assert (summary.parties, summary.pairs, summary.clusters) == (0, 0, 0)
    assert ws.resolution.clusters().clusters == []


def test_split_takes_a_party_out_of_its_cluster(story_ws: Workspace) -> None:
    resolver = story_ws.resolution
    rejections = resolver.split(ARABIC_MAN, "A. Maïga", "autre personne").decisions
    assert {d.decision for d in rejections} == {"reject"} and len(rejections) == 2
    assert members(story_ws) == [{BANK_MAN, WALLET_MAN}]
    with pytest.raises(UsageError):
        resolver.split(ARABIC_MAN, "A. Maïga")
