"""Duplicated identities of the generator and the linker measured on them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq

from moneytrail.synth import generate
from moneytrail.synth.config import SynthConfig
from moneytrail.workspace import Workspace

CONFIG = SynthConfig(scale=300, seed=11, days=7, typology_rate=0.0, duplicate_rate=0.15)


def test_generated_duplicates_are_linked_better_than_by_name(tmp_path: Path) -> None:
    result = generate(CONFIG, tmp_path / "synth")
    truth = pq.read_table(result.files["truth_identities"]).to_pylist()
    people = {row["instance_id"] for row in truth}
    assert len(truth) > len(people) > 10  # each true person has two or three records
    parties = {row["id"]: row["name"] for row in pq.read_table(result.files["parties"]).to_pylist()}
    assert all(row["subject_id"] in parties for row in truth)
    spellings = {parties[row["subject_id"]] for row in truth}
    assert any(not name.isascii() and "\u0600" <= name[0] <= "\u06ff" for name in spellings)
    with Workspace.init(tmp_path / "ws") as ws:
        order = ("parties", "accounts", "identifiers", "truth_identities")
        ws.ingest([result.files[k] for k in order])
        assert ws.info().counts["labels"] == len(truth)
        summary = ws.resolution.run()
        assert all(note.endswith("trained") for note in summary.training), summary.training
        scores = {s.method: s for s in ws.resolution.evaluate().scores}
    linker = scores["clusters"]
    assert linker.precision >= 0.9 and linker.recall >= 0.5, linker
    assert linker.f1 > scores["exact_name"].f1 and linker.f1 > scores["fuzzy_name"].f1


def test_no_duplicates_when_the_rate_is_zero(tmp_path: Path) -> None:
    config = SynthConfig(scale=60, seed=1, days=7, typology_rate=0.0, duplicate_rate=0.0)
    result = generate(config, tmp_path / "synth")
    assert pq.read_metadata(result.files["truth_identities"]).num_rows == 0


def test_duplicates_change_no_other_row(tmp_path: Path) -> None:
    base = SynthConfig(scale=60, seed=4, days=7, duplicate_rate=0.0)
    without = generate(base, tmp_path / "without")
    with_dups = generate(replace(base, duplicate_rate=0.5), tmp_path / "with")
    for kind in ("accounts", "transactions", "truth_members"):
        assert without.files[kind].read_bytes() == with_dups.files[kind].read_bytes(), kind
    before = pq.read_table(without.files["parties"]).to_pylist()
    after = pq.read_table(with_dups.files["parties"]).to_pylist()
    assert after[: len(before)] == before and len(after) > len(before)
