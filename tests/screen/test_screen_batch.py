"""Batch screening: each distinct name once, in parallel, same findings as one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from moneytrail.screen import batch
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.jobs import screen_parties
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import Query
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import save_list
from moneytrail.workspace import Workspace

LISTED = ["Iyad Ag Ghaly", "AMADOU KOUFFA", "Abdelmalek Droukdel", "Ansar Eddine"]
CROWD = ["Mamadou Traoré", "MAMADOU TRAORE", "Mamadou  Traore", "Aminata Diarra", "Ets Keïta SARL"]


def _parties(ws: Workspace) -> None:
    names = CROWD * 40 + LISTED
    kinds = ["company" if n in ("Ets Keïta SARL", "Ansar Eddine") else "person" for n in names]
    ws.engine.append_arrow(
        "parties",
        pa.table(
            {
                "id": [f"p{i:04d}" for i in range(len(names))],
                "kind": kinds,
                "name": names,
                "source_id": ["t"] * len(names),
                "source_row": list(range(len(names))),
            }
        ),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_finds_what_single_name_screening_finds(
    ws: Workspace, shared_data: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "PAGE_PARTIES", 7)  # many pages: no party is cut in two
    path = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    un = load_list(path)
    saved = save_list(ws.engine, un, path)
    _parties(ws)
    settings = ScreenSettings()
    summary = screen_parties(ws.engine, settings, workers=workers)
    # 200 crowd parties share 3 dedupe keys (case, accents and spaces ignored) + 4 listed names
    assert (summary["parties"], summary["distinct_names"]) == (204, 7)
    stored = {
        (str(p), str(e), round(float(s), 4))
        for p, e, s in ws.engine.fetchall("SELECT party_id, entry_id, score FROM screening_matches")
    }
    index = CandidateIndex([un], tags=[saved.version_id])
    expected = set()
    explained = {}
    for party_id, kind, name in ws.engine.fetchall("SELECT id, kind, name FROM parties"):
        schema = "Person" if kind == "person" else "Organization"
        for hit in index.screen(Query(name, schema), settings):
            expected.add((party_id, hit.entry.entry_id, round(hit.score, 4)))
            explained[(party_id, hit.entry.entry_id)] = hit.explanation()
    assert stored == expected
    for party_id, entry_id, text in ws.engine.fetchall(
        "SELECT party_id, entry_id, CAST(explanation AS VARCHAR) FROM screening_matches"
    ):
        assert json.loads(text) == explained[(party_id, entry_id)]
    found = {e for p, e, s in stored if p >= "p0200" and s >= settings.threshold}
    assert {"QDi.316", "QDi.425", "QDe.135"} <= found  # listed names hidden in the crowd
