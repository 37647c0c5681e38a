"""Grading of trainee answers: per-item precision/recall, the mark, the report, bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.training.answers import Answer, AnswerKey, Endpoint, SanctionedLink
from moneytrail.training.grading import grade, normalise_account, normalise_name

KEY = AnswerKey(
    exercise_id="EX-BKO-0007",
    typologies=["kidnapping_ransom"],
    accounts=["+22376123456", "+22365001122"],
    parties=["Aïssata Maïga", "Sidi Ould Mohamed Lemine"],
    endpoints=[Endpoint(account="+22365001122", amount=1_500_000)],
    sanctioned_links=[SanctionedLink(party="Iyad Ag Ghali", list_entry="QDi.316")],
    aliases={"Sidi Ould Mohamed Lemine": ["Sidi Uld Mohamed Lemine"]},
)


def test_a_perfect_answer_gets_twenty() -> None:
    answer = Answer.model_validate(KEY.model_dump(include=set(Answer.model_fields)))
    assert grade(KEY, answer).mark == 20.0


def test_an_empty_answer_gets_zero_and_lists_everything_missed() -> None:
    result = grade(KEY, Answer(exercise_id="EX-BKO-0007"))
    assert result.mark == 0.0
    report = result.report("fr")
    assert "manqué : Iyad Ag Ghali" in report and "+22376123456" in report


def test_spellings_and_number_formats_are_forgiven_but_wrong_items_cost() -> None:
    answer = Answer(
        exercise_id="EX-BKO-0007",
        typologies=["kidnapping_ransom", "structuring"],
        accounts=["76 12 34 56", "0022365001122", "+22370000000"],
        parties=["MAIGA Aissata", "Sidi Uld Mohamed Lemine"],
        endpoints=[Endpoint(account="65 00 11 22", amount=1_450_000)],  # within 5 %
        sanctioned_links=[SanctionedLink(party="iyad ag ghali")],
    )
    items = {i.item: i for i in grade(KEY, answer).items}
    assert (items["accounts"].recall, items["accounts"].precision) == (1.0, pytest.approx(2 / 3))
    assert items["parties"].f1 == 1.0
    assert items["typologies"].precision == 0.5
    assert items["endpoints"].hits == 1.0
    assert items["sanctioned_links"].recall == 1.0


def test_an_amount_far_off_earns_partial_credit() -> None:
    answer = Answer(exercise_id="x", endpoints=[Endpoint(account="+22365001122", amount=750_000)])
    [endpoints] = [i for i in grade(KEY, answer).items if i.item == "endpoints"]
    assert endpoints.hits == pytest.approx(0.5)


def test_normalisers() -> None:
    assert normalise_account("00223 76 12 34 56") == "+22376123456"
    assert normalise_account("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert normalise_name("TRAORÉ  Aïssata") == normalise_name("aissata traore")


def test_cli_grades_yaml_files_in_both_languages(tmp_path: Path, cli: Any) -> None:
    key = tmp_path / "cle.yaml"
    key.write_text(
        "exercise_id: EX1\ntypologies: [structuring]\naccounts: ['+22376123456']\n",
        encoding="utf-8",
    )
    answer = tmp_path / "reponse.json"
    answer.write_text('{"exercise_id": "EX1", "trainee": "Awa Koné", "accounts": ["76123456"]}')
    fr = cli("--lang", "fr", "exercise", "grade", key, answer)
    # accounts F1 = 1 (weight 0.25), typologies F1 = 0 (0.20): 20 * 0.25 / 0.45 = 11.1
    assert fr.code == 0 and "note : 11.1/20" in fr.out and "Awa Koné" in fr.out
    assert "sanctionnée" not in fr.out  # items the key does not ask are not reported
    en = cli("--lang", "en", "exercise", "grade", key, answer, "--json").json()
    assert en["mark"] == 11.11 and "missed: structuring" in en["report"]


def test_a_broken_answer_file_is_a_clear_error(tmp_path: Path, cli: Any) -> None:
    key = tmp_path / "cle.yaml"
    key.write_text("exercise_id: EX1\n", encoding="utf-8")
    bad = tmp_path / "reponse.yaml"
    bad.write_text("exercise_id: EX1\naccounts: [unclosed\n", encoding="utf-8")
    result = cli("--lang", "en", "exercise", "grade", key, bad)
    assert result.code == 3 and f"{bad}:" in result.err and "Traceback" not in result.err
    wrong = tmp_path / "r2.yaml"
    wrong.write_text("exercise_id: EX1\nendpoints: [{account: '+223', amount: -5}]\n")
    result = cli("--lang", "fr", "exercise", "grade", key, wrong)
    assert result.code == 3 and "endpoints.0.amount" in result.err
