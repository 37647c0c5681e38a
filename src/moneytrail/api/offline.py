"""Work that needs no workspace: synthetic scenarios and training exercises.

Module functions, each returning a typed result (docs/api.md)::

    from moneytrail.api import SynthConfig, grade_exercise, new_exercise, synth

    made = synth(SynthConfig(scale=2000, seed=7), "scenario")
    made.ingest_order          # the files to load, in the order ``ingest`` needs them
    exercise = new_exercise("beginner", 3, "exercice")
    graded = grade_exercise(exercise.key, "reponse.yaml", lang="fr")
    graded.mark, graded.report

The generator and the grader are imported on first call: importing this module (the CLI does,
to print ``--help``) loads neither numpy nor pyarrow.
"""

from __future__ import annotations

import importlib
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.training.levels import LEVELS

if TYPE_CHECKING:
    from moneytrail.synth.config import SynthConfig

__all__ = [
    "EXERCISE_LEVELS",
    "ExerciseGrade",
    "GradedItem",
    "NewExercise",
    "SynthConfig",
    "SynthOutcome",
    "grade_exercise",
    "new_exercise",
    "synth",
]

EXERCISE_LEVELS: tuple[str, ...] = tuple(LEVELS)
"""Levels of an exercise, easiest first (see :mod:`moneytrail.training.levels`)."""

_LAZY = {"SynthConfig": "moneytrail.synth.config"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api.offline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


@dataclass
class SynthOutcome:
    """What ``synth`` wrote: the files to load in ingest order, the truth files apart.

    ``rows`` counts the rows of each file by kind (``parties``, ``transactions``...);
    ``instances`` the injected cases by typology; ``ingest_command`` is the command line that
    loads the scenario in the right order.
    """

    out: str
    ingest_order: list[str]
    truth: dict[str, str]
    rows: dict[str, int]
    instances: dict[str, int]
    seconds: float
    ingest_command: str

    def files_to_load(self) -> list[tuple[str, int]]:
        """``(path, rows)`` of each file to load, in ingest order (a file is ``<kind>.parquet``)."""
        return [(path, self.rows.get(Path(path).stem, 0)) for path in self.ingest_order]


@dataclass
class NewExercise:
    """Where an exercise was written: the trainee's dossier, the trainer's key, the briefing."""

    exercise_id: str
    dossier: str
    key: str
    briefing: str


@dataclass
class GradedItem:
    """Precision, recall and F1 of one item of the answer, with what was missed and wrong."""

    item: str
    precision: float
    recall: float
    f1: float
    expected: int
    given: int
    missed: list[str]
    wrong: list[str]


@dataclass
class ExerciseGrade:
    """A trainee's mark out of 20, per item, with the feedback text in the asked language."""

    exercise_id: str
    trainee: str | None
    mark: float
    out_of: int
    items: list[GradedItem]
    report: str


def synth(config: SynthConfig, out: Path | str) -> SynthOutcome:
    """Write the scenario of ``config`` under ``out`` (new, empty, or an earlier scenario).

    The files appear together or not at all; the same config and seed give the same bytes.
    See :func:`moneytrail.synth.generate`.
    """
    from moneytrail.synth import generate, ingest_kinds

    result = generate(config, Path(out))
    order = [str(result.files[kind]) for kind in ingest_kinds(result)]
    return SynthOutcome(
        out=str(result.out),
        ingest_order=order,
        truth={k: str(v) for k, v in result.files.items() if k.startswith("truth_")},
        rows=dict(result.rows),
        instances=dict(result.instances),
        seconds=round(result.seconds, 3),
        ingest_command="moneytrail ingest -w WORKSPACE " + " ".join(map(shlex.quote, order)),
    )


def new_exercise(level: str, seed: int, out: Path | str) -> NewExercise:
    """Generate a trainee dossier (``out/dossier``) and its answer key (``out/corrige``).

    ``level`` is one of :data:`EXERCISE_LEVELS`; the same level and seed give the same exercise;
    ``out`` must be new or empty. See :func:`moneytrail.training.dossier.new_exercise`.
    """
    from moneytrail.training.dossier import new_exercise as build

    made = build(level, seed, Path(out))
    return NewExercise(made.exercise_id, str(made.dossier), str(made.key), str(made.briefing))


def grade_exercise(key: Path | str, answer: Path | str, lang: str = "fr") -> ExerciseGrade:
    """Grade the trainee's ``answer`` file against the trainer's ``key`` (YAML or JSON).

    ``lang`` is the language of the feedback text (``report``). A file that cannot be read or
    does not follow the format is a :class:`~moneytrail.errors.BadInputError` naming the line
    or the field. See :mod:`moneytrail.training.grading`.
    """
    from moneytrail.training.answers import AnswerKey, load_answer
    from moneytrail.training.grading import grade

    the_key = load_answer(Path(key), AnswerKey)
    assert isinstance(the_key, AnswerKey)  # load_answer returns the model it is given
    result = grade(the_key, load_answer(Path(answer)))
    return ExerciseGrade(
        exercise_id=result.exercise_id,
        trainee=result.trainee,
        mark=result.mark,
        out_of=20,
        items=[
            GradedItem(
                item=i.item,
                precision=round(i.precision, 4),
                recall=round(i.recall, 4),
                f1=round(i.f1, 4),
                expected=i.expected,
                given=i.given,
                missed=list(i.missed),
                wrong=list(i.wrong),
            )
            for i in result.items
        ],
        report=result.report(lang),
    )
