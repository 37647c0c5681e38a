"""Exercise dossiers: generated, loadable, and their key grades itself 20/20."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from moneytrail.training.answers import Answer, AnswerKey, load_answer
from moneytrail.training.grading import grade
from moneytrail.workspace import Workspace


def test_beginner_dossier_loads_and_its_key_is_consistent(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "ex"
    made = cli("exercise", "new", "--level", "beginner", "--seed", "3", "--out", out, "--json")
    assert made.code == 0, made.err
    key = load_answer(out / "corrige" / "cle.yaml", AnswerKey)
    assert isinstance(key, AnswerKey)
    assert key.accounts and key.parties and key.endpoints
    briefing = (out / "dossier" / "note_de_saisine.md").read_text("utf-8")
    assert key.exercise_id in briefing and "rançon" in briefing
    assert not (out / "dossier" / "cle.yaml").exists()  # the key never sits in the dossier

    data = out / "dossier" / "donnees"
    files = [data / f"{k}.parquet" for k in ("parties", "accounts", "identifiers", "transactions")]
    with Workspace.init(tmp_path / "ws") as ws:
        outcomes = ws.ingest(files)
        assert [o.status.value for o in outcomes] == ["loaded"] * 4
        numbers = {r[0] for r in ws.engine.fetchall("SELECT number FROM accounts")}
    assert set(key.accounts) <= numbers
    perfect = Answer.model_validate(key.model_dump(include=set(Answer.model_fields)))
    assert grade(key, perfect).mark == 20.0
    answer = tmp_path / "reponse.yaml"
    answer.write_text(
        yaml.safe_dump({"exercise_id": key.exercise_id, "typologies": ["kidnap_ransom"]})
    )
    graded = cli("exercise", "grade", out / "corrige" / "cle.yaml", answer, "--json").json()
    assert 0 < graded["mark"] < 20


def test_refuses_an_unknown_level_and_a_used_folder(tmp_path: Path, cli: Any) -> None:
    assert cli("exercise", "new", "--level", "guru", "--out", tmp_path / "a").code == 2
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "mes_notes.txt").write_text("x")
    assert cli("exercise", "new", "--out", tmp_path / "b").code == 2
    assert (tmp_path / "b" / "mes_notes.txt").read_text() == "x"
