"""Ground truth of a generated scenario loads into the workspace's labels table."""

from __future__ import annotations

from pathlib import Path

from moneytrail.synth import INGEST_ORDER, generate
from moneytrail.synth.config import SynthConfig
from moneytrail.workspace import Workspace


def test_truth_members_load_as_labels_with_their_typology(tmp_path: Path) -> None:
    result = generate(
        SynthConfig(scale=80, seed=2, days=21, typologies=("kidnap_ransom",)), tmp_path / "s"
    )
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest([result.files[k] for k in INGEST_ORDER])
        [outcome] = ws.ingest([result.files["truth_members"]])
        assert (outcome.status.value, outcome.format) == ("loaded", "moneytrail")
        rows = ws.engine.fetchall(
            "SELECT typology, label, subject_kind, count(*) FROM labels GROUP BY ALL ORDER BY ALL"
        )
        members = ws.engine.fetchall(
            "SELECT count(*) FROM read_parquet(?)", [str(result.files["truth_members"])]
        )[0][0]
        dangling = ws.engine.fetchall(
            "SELECT count(*) FROM labels l WHERE l.subject_kind = 'transaction'"
            " AND l.subject_id NOT IN (SELECT id FROM transactions)"
        )
        assert ws.info().counts["labels"] == outcome.inserted["labels"]
    assert {r[0] for r in rows} == {"kidnap_ransom"}
    assert ("kidnap_ransom", "ransom_split", "transaction") in {r[:3] for r in rows}
    assert sum(r[3] for r in rows) == members  # every member labelled, none lost
    assert dangling == [(0,)]
