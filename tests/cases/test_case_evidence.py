"""Screening findings and resolution clusters frozen into a case (the API's own results), and
what a later change in the workspace does not change in the case."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.api import Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.errors import UsageError
from tests.resolve.story import ARABIC_MAN, BANK_MAN, load_story

PASSWORD = "une phrase assez longue"


@pytest.fixture(scope="module")
def story_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-spellings story, resolved, screened against a list naming one of them."""
    folder = tmp_path_factory.mktemp("case-story")
    with Workspace.init(folder / "ws") as ws:
        load_story(ws, folder / "files")
        ws.resolution.run()
        names = [row[0] for row in ws.engine.fetchall("SELECT name FROM parties ORDER BY id")]
        listed = folder / "liste.csv"
        listed.write_text(f"id,name\nML-1,{names[0]}\n", encoding="utf-8")
        ws.lists.load(listed, fmt="custom")
        ws.screening.parties()
    return folder / "ws"


@pytest.fixture
def story(story_template: Path, tmp_path: Path) -> Iterator[tuple[Workspace, CaseDesk]]:
    shutil.copytree(story_template, tmp_path / "ws")
    with (
        Workspace.open(tmp_path / "ws") as ws,
        CaseDesk.open(f"sqlite:///{tmp_path}/cases.sqlite") as desk,
    ):
        desk.add_user(None, "fatou", "head", "Fatou Keïta", PASSWORD)
        yield ws, desk


def test_a_screening_finding_is_frozen_with_its_list_version(
    story: tuple[Workspace, CaseDesk],
) -> None:
    ws, desk = story
    fatou = desk.login("fatou", PASSWORD)
    ref = desk.new(fatou, "Criblage").ref
    finding = ws.screening.matches().matches[0]
    added = desk.add_screening(fatou, ref, ws, finding.id[:8])
    assert added.payload["matched_name"] == finding.matched_name
    assert added.provenance["settings"]["list_version"] == finding.version_id
    ws.screening.decide(finding.id, "false_positive", "homonyme", by="fatou")
    frozen = desk.show(fatou, ref).evidence[0]
    assert frozen.payload["status"] == finding.status != "false_positive"  # as it was when added
    with pytest.raises(UsageError):
        desk.add_screening(fatou, ref, ws, "zz")


def test_a_resolution_cluster_is_frozen_with_the_decisions(
    story: tuple[Workspace, CaseDesk],
) -> None:
    ws, desk = story
    fatou = desk.login("fatou", PASSWORD)
    ref = desk.new(fatou, "Identités").ref
    added = desk.add_resolution(fatou, ref, ws, BANK_MAN)
    members = set(added.payload["cluster"]["parties"])
    assert {BANK_MAN, ARABIC_MAN} <= members
    ws.resolution.split(ARABIC_MAN, by="fatou", note="pas la même personne")
    later = desk.add_resolution(fatou, ref, ws, BANK_MAN)
    assert ARABIC_MAN not in later.payload["cluster"]["parties"]
    assert later.payload["decisions"] and not added.payload["decisions"]
    first, second = desk.show(fatou, ref).evidence
    assert ARABIC_MAN in first.payload["cluster"]["parties"]  # the first snapshot stands
    assert first.payload_sha256 != second.payload_sha256
