"""Two national FIUs' files with a known overlap: the yardstick of cross-border matching.

Why: a filter's recall can only be measured where the truth is known. Two countries (Mali and
Burkina Faso by default, their name groups and dialling codes from ``data/countries.yaml``)
each get a population of residents with a phone, an identity number and, for most, a bank
account. Some residents of B are residents of A:

* **shared by identifier** (``shared_ids``): B's record carries A's phone, or A's account
  number, or both (a Malian trader's Malian SIM and bank account known to the Burkinabè FIU);
* **shared by name only** (``shared_names``): B knows the person under another spelling and
  nothing else in common.

B always writes a shared person's name differently (:func:`cross_border_spelling`): each word
of a transliteration group (``data/variants.yaml``) rewritten with odds 2/3, accents dropped
(1/2), family name first in capitals (1/3), or, when every word has one, the Arabic-script
spelling (1/10); if none of these changed it, the accents or the word order are changed.
Assumption (named): cross-border spellings differ by transliteration, accents, order and script,
not by typing slips (a typo is a fuzzy match's job, not an exact key's).

Draws are vectorised (a million residents in seconds). The names come from the same
``data/names.yaml`` the scenario generator uses.

>>> made = cross_border(300, 200, shared_ids=20, shared_names=10, seed=3)
>>> len(made.a.refs), len(made.b.refs), len(made.shared_ids), len(made.shared_names)
(300, 200, 20, 10)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from moneytrail.synth.config import load_data
from moneytrail.synth.names import NameBook


@dataclass
class NationalFile:
    """One FIU's residents: ref, names (first is the main one) and identifiers, by index."""

    country: str
    refs: list[str] = field(default_factory=list)
    names: list[tuple[str, ...]] = field(default_factory=list)
    identifiers: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class CrossBorder:
    """Both files and the truth: ``(index in a, index in b)`` of each shared person."""

    a: NationalFile
    b: NationalFile
    shared_ids: list[tuple[int, int]]
    shared_names: list[tuple[int, int]]


def _variants() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for group in load_data("variants.yaml")["groups"]:
        for spelling in group:
            table[str(spelling)] = [str(s) for s in group if s != spelling]
    return table


def _no_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def cross_border_spelling(
    rng: np.random.Generator, name: str, table: dict[str, list[str]], book: NameBook
) -> str:
    """How the other country's records write ``name`` (odds in the module doc)."""
    script = book.arabic_script(name)
    if script and rng.random() < 0.1:
        return script
    words, out, k = name.split(), [], 0
    while k < len(words):
        pair = " ".join(words[k : k + 2])
        key, step = (pair, 2) if k + 1 < len(words) and pair in table else (words[k], 1)
        others = table.get(key)
        out.append(
            others[int(rng.integers(len(others)))] if others and rng.random() < 2 / 3 else key
        )
        k += step
    spelt = " ".join(out)
    if rng.random() < 0.5:
        spelt = _no_accents(spelt)
    if rng.random() < 1 / 3 or spelt == name:
        parts = spelt.split()
        spelt = " ".join([parts[-1].upper(), *parts[:-1]]) if len(parts) > 1 else spelt.upper()
    return spelt


def _digits(rng: np.random.Generator, count: int, width: int) -> list[str]:
    """``count`` distinct numbers of ``width`` digits."""
    drawn: set[int] = set()
    while len(drawn) < count:
        drawn.update(int(x) for x in rng.integers(10 ** (width - 1), 10**width, count - len(drawn)))
    values = sorted(drawn)
    order = rng.permutation(count)
    return [str(values[i]) for i in order]


def _population(rng: np.random.Generator, country: str, count: int, book: NameBook) -> NationalFile:
    info = load_data("countries.yaml")["home"][country]
    groups = [book.groups[g] for g in info["groups"]]
    which = rng.integers(len(groups), size=count)
    male = rng.random(count) < 0.55
    picks = rng.random((count, 2))
    code = info["msisdn"]["code"]
    phones = _digits(rng, count, int(info["msisdn"]["digits"]))
    ids = _digits(rng, count, 10)
    banks = _digits(rng, count, 18)
    has_account = rng.random(count) < 0.7
    out = NationalFile(country)
    for i in range(count):
        group = groups[int(which[i])]
        given_list = group["male" if male[i] else "female"]
        family_list = group["family"]
        given = given_list[int(picks[i, 0] * len(given_list))]
        family = family_list[int(picks[i, 1] * len(family_list))]
        identifiers = [f"+{code}{phones[i]}", f"{country}-NI-{ids[i]}"]
        if has_account[i]:
            identifiers.append(f"{country}{banks[i][:2]}A{banks[i]}")
        out.refs.append(f"{country.lower()}-{i:07d}")
        out.names.append((f"{given} {family}",))
        out.identifiers.append(tuple(identifiers))
    return out


def cross_border(
    persons_a: int,
    persons_b: int,
    shared_ids: int,
    shared_names: int,
    seed: int = 7,
    countries: tuple[str, str] = ("ML", "BF"),
) -> CrossBorder:
    """Two national files and the truth of their overlap (see the module doc)."""
    if shared_ids + shared_names > min(persons_a, persons_b):
        raise ValueError("more shared persons than residents")
    rng = np.random.default_rng(seed)
    book, table = NameBook(), _variants()
    a = _population(rng, countries[0], persons_a, book)
    b = _population(rng, countries[1], persons_b, book)
    chosen_a = rng.choice(persons_a, shared_ids + shared_names, replace=False)
    chosen_b = rng.choice(persons_b, shared_ids + shared_names, replace=False)
    pairs = [(int(x), int(y)) for x, y in zip(chosen_a, chosen_b, strict=True)]
    for n, (ia, ib) in enumerate(pairs):
        b.names[ib] = (cross_border_spelling(rng, a.names[ia][0], table, book),)
        if n < shared_ids:
            phone, *_, last = a.identifiers[ia]
            roll = rng.random()
            has_account = len(a.identifiers[ia]) == 3
            carried = (
                [phone]
                if roll < 0.5 or not has_account
                else [last]
                if roll < 0.75
                else [phone, last]
            )
            b.identifiers[ib] = (*carried, b.identifiers[ib][1])
    return CrossBorder(a, b, pairs[:shared_ids], pairs[shared_ids:])
