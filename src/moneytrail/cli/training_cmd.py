"""``moneytrail exercise``: trainee dossiers and their grading.

Example::

    moneytrail exercise new --level beginner --seed 3 --out exercice
    moneytrail exercise grade exercice/corrige/cle.yaml reponse.yaml
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import offline
from moneytrail.cli.common import JsonOpt
from moneytrail.cli.output import output
from moneytrail.cli.values import count

exercise_app = typer.Typer(help="Training exercises / exercices de formation", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the ``exercise`` group to ``app``."""
    app.add_typer(exercise_app, name="exercise")


@exercise_app.command("grade")
def grade_cmd(
    ctx: typer.Context,
    key: Annotated[Path, typer.Argument(help="Answer key (YAML/JSON) given by the trainer")],
    answer: Annotated[Path, typer.Argument(help="The trainee's answer (YAML/JSON)")],
    json_out: JsonOpt = False,
) -> None:
    """Grade a trainee's answer / noter la réponse d'un stagiaire."""
    out = output(ctx)
    graded = offline.grade_exercise(key, answer, out.lang)
    if json_out:
        out.json(graded)
    else:
        out.print(graded.report)


@exercise_app.command("new")
def new_cmd(
    ctx: typer.Context,
    level: Annotated[
        str, typer.Option("--level", help=" | ".join(offline.EXERCISE_LEVELS))
    ] = "beginner",
    seed: Annotated[
        int,
        typer.Option(
            "--seed", parser=count("--seed", 0, 2**32 - 1), help="Same seed, same exercise"
        ),
    ] = 0,
    folder: Annotated[Path, typer.Option("--out", help="Empty folder for dossier and key")] = Path(
        "exercice"
    ),
    json_out: JsonOpt = False,
) -> None:
    """Generate a trainee dossier and its answer key / créer un exercice."""
    out = output(ctx)
    made = offline.new_exercise(level, seed, folder)
    if json_out:
        out.json(made)
    else:
        out.print(
            out.tr(
                "cli.exercise_written",
                exercise=made.exercise_id,
                dossier=made.dossier,
                answers=made.key,
            )
        )
