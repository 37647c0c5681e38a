"""Answer keys and trainee answers: the documented YAML/JSON format of an exercise.

A key says what a trainee should find; an answer says what the trainee found, in the same shape.
Account numbers are compared after normalisation (E.164 for phone numbers, compact upper case for
IBANs and other numbers); names after folding case, accents and word order, so "TRAORE Aïssata"
matches "Aïssata Traoré". Amounts are integers or decimals in the key's currency.

Example answer (YAML)::

    exercise_id: EX-BKO-0007
    trainee: Awa Koné
    typologies: [kidnapping_ransom, mule_chain]
    accounts: ["+223 76 12 34 56", "ML13 A012 ..."]
    parties: ["Sidi Ould Mohamed Lemine"]
    endpoints:
      - {account: "+22365001122", amount: 1500000}
    sanctioned_links:
      - {party: "Iyad Ag Ghali", list_entry: "QDi.316"}
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from moneytrail.errors import BadInputError, Problem


class Endpoint(BaseModel):
    """Where some of the traced money ended, and how much of it."""

    model_config = ConfigDict(extra="forbid")
    account: str
    amount: Decimal = Field(ge=0)


class SanctionedLink(BaseModel):
    """A listed person or entity connected to the flows (the party as named in the data)."""

    model_config = ConfigDict(extra="forbid")
    party: str
    list_entry: str | None = None


class Answer(BaseModel):
    """What a trainee found (every list may be empty)."""

    model_config = ConfigDict(extra="forbid")
    exercise_id: str
    trainee: str | None = None
    typologies: list[str] = Field(default_factory=list)
    accounts: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    sanctioned_links: list[SanctionedLink] = Field(default_factory=list)


class AnswerKey(Answer):
    """The trainer's key: the expected answer plus how to grade it.

    ``aliases`` lets a key accept several spellings of one party ("Mohamed"/"Mouhamadou");
    ``tolerance`` is the relative error accepted on an amount (0.05 = 5 %).
    """

    level: str = "beginner"
    currency: str = "XOF"
    tolerance: Decimal = Decimal("0.05")
    aliases: dict[str, list[str]] = Field(default_factory=dict)


def load_answer(path: Path, model: type[Answer] = Answer) -> Answer:
    """Read an answer (or, with ``model=AnswerKey``, a key) from YAML or JSON."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(
            "error.file_refused",
            problems=[Problem(str(path), "file_unreadable", params={"detail": str(exc)})],
            file=str(path),
        ) from exc
    try:
        data: Any = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(exc, "lineno", None) or (mark.line + 1 if mark is not None else None)
        raise BadInputError(
            "error.file_refused",
            problems=[
                Problem(str(path), "training_answer_syntax", line=line, params={"detail": str(exc)})
            ],
            file=str(path),
        ) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                str(path),
                "training_answer_field",
                field=".".join(str(p) for p in err["loc"]),
                params={"detail": err["msg"]},
            )
            for err in exc.errors()
        ]
        raise BadInputError("error.file_refused", problems=problems, file=str(path)) from exc
