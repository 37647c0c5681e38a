"""The evaluation on two synthetic FIUs: the truth it is measured against holds, and the
command writes its own section of a document (small sizes here; docs/cooperation.md's figures
come from ``moneytrail share evaluate``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.synth.cross_border import cross_border


def test_shared_persons_carry_the_truth_they_claim() -> None:
    made = cross_border(400, 300, shared_ids=30, shared_names=20, seed=5)
    for ia, ib in made.shared_ids:
        assert set(made.a.identifiers[ia]) & set(made.b.identifiers[ib])
        assert made.a.names[ia] != made.b.names[ib]
    for ia, ib in made.shared_names:
        assert not set(made.a.identifiers[ia]) & set(made.b.identifiers[ib])
        assert made.a.names[ia] != made.b.names[ib]
    assert made.a.refs[0].startswith("ml-") and made.b.identifiers[0][0].startswith("+226")


def test_evaluate_command_meets_the_goals_and_rewrites_its_section(
    tmp_path: Path, cli: Any
) -> None:
    doc = tmp_path / "cooperation.md"
    doc.write_text(
        "# Coopération\n\n<!-- share-evaluation:begin -->\nold\n<!-- share-evaluation:end -->\ntail\n",
        "utf-8",
    )
    result = cli("share", "evaluate", "--persons-a", "1500", "--persons-b", "1500", "--shared-ids", "100",
                 "--shared-names", "100", "--psi-limit", "200", "--markdown", doc, "--json")  # fmt: skip
    assert result.code == 0, result.err
    figures = result.json()
    assert figures["identifier_recall"] == 1.0
    assert figures["name_recall"] >= 0.9
    assert figures["measured_fp_rate"] <= 2 * figures["fp_rate"]
    assert figures["psi_exact"] and figures["psi_count_mode_exact"]
    text = doc.read_text("utf-8")
    assert "old" not in text and text.endswith("tail\n") and "rappel nom seul" in text
