"""Work without a workspace through the library: scenarios, exercises, grading, the demo's clue.

Each call returns a typed result whose JSON form (``to_jsonable``) is what ``--json`` prints.
"""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from moneytrail.api import (
    BadInputError,
    ExerciseGrade,
    NewExercise,
    SynthConfig,
    SynthOutcome,
    UsageError,
    Workspace,
    grade_exercise,
    new_exercise,
    synth,
)
from moneytrail.api.offline import EXERCISE_LEVELS, GradedItem
from moneytrail.api.serialize import to_jsonable
from moneytrail.synth.truth import ransom_clue

KINDS = ("parties", "accounts", "identifiers", "transactions")


def test_synth_returns_the_files_in_ingest_order(tmp_path: Path) -> None:
    config = SynthConfig(scale=60, seed=2, days=14, typologies=("kidnap_ransom",))
    made = synth(config, tmp_path / "s")
    assert isinstance(made, SynthOutcome)
    assert [Path(p).name for p in made.ingest_order] == [f"{k}.parquet" for k in KINDS]
    assert set(made.truth) == {"truth_instances", "truth_members", "truth_identities"}
    assert made.instances == {"kidnap_ransom": 1}
    assert made.rows["transactions"] == pq.read_metadata(made.ingest_order[3]).num_rows
    assert made.files_to_load() == [
        (p, made.rows[k]) for p, k in zip(made.ingest_order, KINDS, strict=True)
    ]
    assert made.ingest_command.startswith("moneytrail ingest -w WORKSPACE ")
    assert made.ingest_order[0] in made.ingest_command
    data = to_jsonable(made, "fr")
    assert list(data) == [
        "out",
        "ingest_order",
        "truth",
        "rows",
        "instances",
        "seconds",
        "ingest_command",
    ]
    assert data["out"] == str(tmp_path / "s") and isinstance(data["seconds"], float)


def test_the_ransom_clue_is_in_the_truth_and_in_the_data(tmp_path: Path) -> None:
    config = SynthConfig(scale=80, seed=2, days=21, typologies=("kidnap_ransom",))
    made = synth(config, tmp_path / "s")
    files = {k: Path(v) for k, v in made.truth.items()}
    clue = ransom_clue(files)
    assert clue is not None and clue.payments == tuple(sorted(clue.payments))
    with Workspace.init(tmp_path / "ws") as ws:
        ws.ingest(made.ingest_order)
        marks = ",".join("?" * len(clue.payments))
        payers = ws.engine.fetchall(
            f"SELECT DISTINCT src_account_id FROM transactions WHERE id IN ({marks})",
            list(clue.payments),
        )
    assert payers == [(clue.payer_account,)]
    none = synth(SynthConfig(scale=40, days=7, typologies=("structuring",)), tmp_path / "n")
    assert ransom_clue({k: Path(v) for k, v in none.truth.items()}) is None


@pytest.mark.parametrize(
    "wrong",
    [
        {"difficulty": 1.5},
        {"difficulty": math.nan},
        {"duplicate_rate": -0.1},
        {"typology_rate": math.inf},
        {"scale": 0},
        {"seed": -1},
        {"days": 0},
    ],
)
def test_synth_settings_refuse_values_that_change_the_scenario(wrong: dict[str, float]) -> None:
    with pytest.raises(UsageError) as refused:
        SynthConfig(**wrong)  # type: ignore[arg-type]
    assert refused.value.key == "synth.bad_setting"


def test_new_exercise_and_its_grade(tmp_path: Path) -> None:
    assert EXERCISE_LEVELS == ("beginner", "intermediate", "expert")
    made = new_exercise("beginner", 3, tmp_path / "ex")
    assert isinstance(made, NewExercise)
    assert made.exercise_id == "EX-BEG-0003"
    assert Path(made.key).is_file() and Path(made.briefing).is_file()
    assert to_jsonable(made, "fr") == {
        "exercise_id": "EX-BEG-0003",
        "dossier": str(tmp_path / "ex" / "dossier"),
        "key": str(tmp_path / "ex" / "corrige" / "cle.yaml"),
        "briefing": str(tmp_path / "ex" / "dossier" / "note_de_saisine.md"),
    }
    answer = tmp_path / "reponse.yaml"
    answer.write_text(
        yaml.safe_dump({"exercise_id": made.exercise_id, "typologies": ["kidnap_ransom"]}),
        "utf-8",
    )
    graded = grade_exercise(made.key, answer, "en")
    assert isinstance(graded, ExerciseGrade) and 0 < graded.mark < 20 and graded.out_of == 20
    assert all(isinstance(i, GradedItem) for i in graded.items)
    typologies = next(i for i in graded.items if i.item == "typologies")
    assert (typologies.precision, typologies.recall, typologies.f1) == (1.0, 1.0, 1.0)
    assert graded.report.startswith("Exercise EX-BEG-0003")
    data = to_jsonable(graded, "en")
    assert list(data) == ["exercise_id", "trainee", "mark", "out_of", "items", "report"]
    assert list(data["items"][0]) == [
        "item",
        "precision",
        "recall",
        "f1",
        "expected",
        "given",
        "missed",
        "wrong",
    ]
    assert grade_exercise(made.key, answer, "fr").report != graded.report
    with pytest.raises(UsageError):
        new_exercise("guru", 1, tmp_path / "other")
    with pytest.raises(BadInputError):
        grade_exercise(made.key, tmp_path / "missing.yaml")


def test_importing_these_api_modules_loads_no_analytics() -> None:
    """The CLI imports them to print ``--help``: what they add must stay light."""
    code = (
        "import sys, moneytrail.api; before = set(sys.modules);"
        "import moneytrail.api.offline, moneytrail.api.resolution, moneytrail.api.demo;"
        "added = set(sys.modules) - before;"
        "heavy = ('numpy', 'pyarrow', 'duckdb', 'splink', 'matplotlib', 'yaml',"
        " 'moneytrail.synth', 'moneytrail.resolve', 'moneytrail.network', 'moneytrail.trace');"
        "print(sorted(m for m in added if m.split('.')[0] in heavy or m.startswith(heavy)))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"


def test_settings_dates_are_kept(tmp_path: Path) -> None:
    config = SynthConfig(scale=40, days=7, start=date(2024, 6, 1), typology_rate=0.0)
    made = synth(config, tmp_path / "s")
    first = pq.read_table(made.ingest_order[3], columns=["ts"]).column("ts").to_pylist()
    assert min(first).date() >= date(2024, 6, 1)
