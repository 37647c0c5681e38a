"""Fixtures of the network tests: a workspace holding the hub-and-chain story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.ingest import registry
from moneytrail.ingest.pipeline import Status
from moneytrail.workspace import Workspace
from tests.network.network_story import write_story

NETSTORY = registry.ReaderEntry("netstory", "tests.network.network_story:NetworkStoryReader")


@pytest.fixture
def story_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Path of a closed workspace with the story ingested through the real commit step."""
    monkeypatch.setattr(registry, "REGISTRY", (NETSTORY,))
    folder = tmp_path / "ws"
    with Workspace.init(folder) as ws:
        [outcome] = ws.ingest([write_story(tmp_path / "hub.netstory")])
        assert outcome.status is Status.LOADED, outcome
        assert outcome.inserted["transactions"] == 7
    yield folder
