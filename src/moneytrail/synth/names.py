"""Names of synthetic persons and organisations, drawn from ``data/names.yaml``.

Why data, not code: a trainer in Niamey or Nouakchott should be able to add the names of their
own region. Arabic-origin names come in several Latin transliterations (Mohamed, Mouhamadou,
Muhammad) and some persons also carry an alias in Arabic script, as real KYC files do.

>>> import numpy as np
>>> book = NameBook()
>>> name, aliases = book.person(np.random.default_rng(1), "bambara", male=True)
>>> isinstance(name, str)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from moneytrail.synth.config import load_data


def pick(rng: np.random.Generator, items: list[Any]) -> Any:
    """One element of ``items``, uniformly."""
    return items[int(rng.integers(len(items)))]


class NameBook:
    """Draws names by group (bambara, peul, songhai, touareg, maure, wolof...)."""

    def __init__(self) -> None:
        data = load_data("names.yaml")
        self.groups: dict[str, dict[str, list[str]]] = data["groups"]
        self.arabic: dict[str, str] = data["arabic_script"]
        self.abroad_family: dict[str, list[str]] = data["abroad_family"]
        self.abroad_given: list[str] = data["abroad_given"]

    def family(self, rng: np.random.Generator, group: str) -> str:
        """A family name of ``group``."""
        return str(pick(rng, self.groups[group]["family"]))

    def person(self, rng: np.random.Generator, group: str, male: bool) -> tuple[str, list[str]]:
        """``(name, aliases)``: given name + family name; maybe an Arabic-script alias."""
        names = self.groups[group]
        given = str(pick(rng, names["male" if male else "female"]))
        family = str(pick(rng, names["family"]))
        name = f"{given} {family}"
        aliases: list[str] = []
        script = self.arabic_script(name)
        if script and rng.random() < 0.5:
            aliases.append(script)
        return name, aliases

    def arabic_script(self, name: str) -> str | None:
        """``name`` in Arabic script when every word of it has a known spelling, else None.

        >>> NameBook().arabic_script("Abdel Kader Ould Sidi Mohamed")
        'عبد القادر ولد سيدي محمد'
        """
        spelled = _spell(name.split(), self.arabic)
        return " ".join(spelled) if spelled else None

    def abroad(self, rng: np.random.Generator, country: str) -> str:
        """Name of a counterpart living in ``country``."""
        return f"{pick(rng, self.abroad_given)} {pick(rng, self.abroad_family[country])}"


def _spell(words: list[str], table: dict[str, str]) -> list[str] | None:
    """Word-for-word spelling of ``words`` with ``table`` (two-word names first), or None."""
    out: list[str] = []
    k = 0
    while k < len(words):
        pair = " ".join(words[k : k + 2])
        if k + 1 < len(words) and pair in table:
            out.append(table[pair])
            k += 2
        elif words[k] in table:
            out.append(table[words[k]])
            k += 1
        else:
            return None
    return out
