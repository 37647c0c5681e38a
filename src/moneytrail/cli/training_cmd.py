"""``moneytrail exercise``: trainee dossiers and their grading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import console, print_json, state, tr
from moneytrail.training.answers import AnswerKey, load_answer
from moneytrail.training.dossier import LEVELS, new_exercise
from moneytrail.training.grading import grade

exercise_app = typer.Typer(help="Training exercises / exercices de formation", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the ``exercise`` group to ``app``."""
    app.add_typer(exercise_app, name="exercise")


@exercise_app.command("grade")
def grade_cmd(
    key: Annotated[Path, typer.Argument(help="Answer key (YAML/JSON) given by the trainer")],
    answer: Annotated[Path, typer.Argument(help="The trainee's answer (YAML/JSON)")],
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")] = False,
) -> None:
    """Grade a trainee's answer / noter la réponse d'un stagiaire."""
    the_key = load_answer(key, AnswerKey)
    assert isinstance(the_key, AnswerKey)
    result = grade(the_key, load_answer(answer))
    if json_out:
        print_json(
            {
                "exercise_id": result.exercise_id,
                "trainee": result.trainee,
                "mark": result.mark,
                "out_of": 20,
                "items": [
                    {
                        "item": i.item,
                        "precision": round(i.precision, 4),
                        "recall": round(i.recall, 4),
                        "f1": round(i.f1, 4),
                        "expected": i.expected,
                        "given": i.given,
                        "missed": i.missed,
                        "wrong": i.wrong,
                    }
                    for i in result.items
                ],
                "report": result.report(state.lang),
            }
        )
    else:
        console.print(result.report(state.lang))


@exercise_app.command("new")
def new_cmd(
    level: Annotated[str, typer.Option("--level", help=" | ".join(LEVELS))] = "beginner",
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same exercise")] = 0,
    out: Annotated[Path, typer.Option("--out", help="Empty folder for dossier and key")] = Path(
        "exercice"
    ),
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")] = False,
) -> None:
    """Generate a trainee dossier and its answer key / créer un exercice."""
    made = new_exercise(level, seed, out)
    if json_out:
        print_json(made)
    else:
        console.print(
            tr(
                "cli.exercise_written",
                exercise=made.exercise_id,
                dossier=made.dossier,
                answers=made.key,
            )
        )
