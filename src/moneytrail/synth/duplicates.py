"""Duplicated identities: the same resident known to several sources under other spellings.

Why: an FIU receives the bank's customer file, the operator's subscriber list and a gendarmerie
report, and each writes the same man differently (``Mohamed Ould Ahmed``, ``Mouhamadou Uld
Ahmed``, ``محمد ولد أحمد``). Entity resolution (:mod:`moneytrail.resolve`) is measured on such
data, so the generator makes some and says which records are one person.

Assumptions (named, tunable): ``SynthConfig.duplicate_rate`` (default 5%) of residents get one
extra record, a third of those two; each extra record rewrites the name with one to three of:
a transliteration variant (``data/variants.yaml``), accents dropped, family name first in upper
case, one typo, or the Arabic-script spelling when every word has one. The birth date is missing
in 40% of extra records and reduced to 1 January of the year ("né vers 1975") in 10%; the
nationality is missing in 20% and wrong (a neighbouring country) in 5%; the country of residence
differs in 10% (the person moved). The extra record shares the resident's phone in half the cases
and the national id (NINA) in a third; a third share no identifier at all; a quarter carry a phone
of their own (a second SIM) and a tenth a passport number of their own. Extra records hold
no account: they stand for KYC lines of other sources, and the accounts and transactions of the
scenario stay exactly what they were without duplicates.

Draws come from their own random stream (``seed, 4``), after the typologies, so that adding
duplicates changes no other row of the scenario.

The truth (``truth_identities.parquet``) uses the columns of ``truth_members.parquet``:
``instance_id`` is the true person (the resident's original party id), ``subject_kind`` is
``party``, ``role`` is ``same_person``; so ``moneytrail ingest`` loads it into ``labels`` like
the other truth file. Only persons with an extra record appear in it.

>>> from moneytrail.synth.config import SynthConfig
>>> from moneytrail.synth.population import build_population
>>> pop = build_population(SynthConfig(scale=200, seed=1))
>>> rows = add_duplicates(pop, SynthConfig(scale=200, seed=1, duplicate_rate=0.5), len(pop.parties))
>>> {r["role"] for r in rows}
{'same_person'}
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import numpy as np

from moneytrail.synth.config import SynthConfig, load_data
from moneytrail.synth.names import NameBook
from moneytrail.synth.population import Population

ROLE = "same_person"
_LETTERS = "abdeilmnorstu"
NEIGHBOURS = {"ML": "BF", "BF": "ML", "NE": "ML", "MR": "SN", "SN": "MR", "GN": "ML"}


def _variant_table() -> dict[str, list[str]]:
    """Spelling -> the other spellings of its group."""
    table: dict[str, list[str]] = {}
    for group in load_data("variants.yaml")["groups"]:
        for spelling in group:
            table[str(spelling)] = [str(s) for s in group if s != spelling]
    return table


def _transliterate(rng: np.random.Generator, name: str, table: dict[str, list[str]]) -> str:
    """Rewrite each word (or two-word name) found in the variant table, each with odds 2/3."""
    words = name.split()
    out: list[str] = []
    k = 0
    while k < len(words):
        pair = " ".join(words[k : k + 2])
        if k + 1 < len(words) and pair in table:
            key, step = pair, 2
        else:
            key, step = words[k], 1
        others = table.get(key)
        if others and rng.random() < 2 / 3:
            out.append(others[int(rng.integers(len(others)))])
        else:
            out.append(key)
        k += step
    return " ".join(out)


def _no_accents(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _family_first(name: str) -> str:
    """``Moussa Traoré`` -> ``TRAORÉ Moussa`` (how many forms and registers write names)."""
    words = name.split()
    if len(words) < 2:
        return name
    return " ".join([words[-1].upper(), *words[:-1]])


def _typo(rng: np.random.Generator, name: str) -> str:
    """One slip of the keyboard in a word of four letters or more (never its first letter)."""
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long_words:
        return name
    i = long_words[int(rng.integers(len(long_words)))]
    word = words[i]
    at = int(rng.integers(1, len(word) - 1))
    operation = int(rng.integers(3))
    if operation == 0:
        word = word[:at] + word[at + 1 :]
    elif operation == 1:
        word = word[:at] + _LETTERS[int(rng.integers(len(_LETTERS)))] + word[at + 1 :]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[i] = word
    return " ".join(words)


def variant_name(
    rng: np.random.Generator, name: str, table: dict[str, list[str]], book: NameBook
) -> str:
    """Another source's spelling of ``name`` (see the module doc for the odds)."""
    script = book.arabic_script(name)
    if script and rng.random() < 0.25:
        return script
    changes = rng.permutation(4)[: int(rng.integers(1, 4))]
    out = name
    for change in sorted(int(c) for c in changes):
        if change == 0:
            out = _transliterate(rng, out, table)
        elif change == 1:
            out = _no_accents(out)
        elif change == 2:
            out = _typo(rng, out)
        else:
            out = _family_first(out)
    return out


def add_duplicates(
    pop: Population, config: SynthConfig, residents_end: int
) -> list[dict[str, Any]]:
    """Add extra records of residents among the first ``residents_end`` parties; returns the
    truth rows (``instance_id``, ``subject_kind``, ``subject_id``, ``role``)."""
    if config.duplicate_rate <= 0:
        return []
    rng = np.random.Generator(np.random.PCG64([config.seed, 4]))
    table = _variant_table()
    book = NameBook()
    by_owner: dict[str, list[tuple[str, str]]] = {}
    for ident in pop.identifiers:
        by_owner.setdefault(ident["owner_id"], []).append((ident["scheme"], ident["value"]))
    truth: list[dict[str, Any]] = []
    for index in range(residents_end):
        person = pop.parties[index]
        if person["kind"] != "person" or person["birth_date"] is None:
            continue
        if rng.random() >= config.duplicate_rate:
            continue
        copies = 2 if rng.random() < 1 / 3 else 1
        members = [person["id"]]
        for _ in range(copies):
            members.append(_copy(pop, rng, person, by_owner.get(person["id"], []), table, book))
        truth += [
            {"instance_id": person["id"], "subject_kind": "party", "subject_id": m, "role": ROLE}
            for m in members
        ]
    return truth


def _copy(
    pop: Population,
    rng: np.random.Generator,
    person: dict[str, Any],
    idents: list[tuple[str, str]],
    table: dict[str, list[str]],
    book: NameBook,
) -> str:
    """One extra record of ``person``; returns its party id."""
    born: date = person["birth_date"]
    draw = rng.random()
    birth = None if draw < 0.4 else date(born.year, 1, 1) if draw < 0.5 else born
    draw = rng.random()
    nationality = (
        None if draw < 0.2 else _neighbour(person) if draw < 0.25 else person["nationality"]
    )
    country = _neighbour(person) if rng.random() < 0.1 else person["country"]
    name = variant_name(rng, str(person["name"]), table, book)
    index = pop.add_party("person", name, country, birth_date=birth, nationality=nationality)
    phones = [v for s, v in idents if s == "phone"]
    documents = [(s, v) for s, v in idents if s != "phone"]
    if phones and rng.random() < 0.5:
        pop.add_identifier(index, "phone", phones[int(rng.integers(len(phones)))])
    if documents and rng.random() < 1 / 3:
        scheme, value = documents[int(rng.integers(len(documents)))]
        pop.add_identifier(index, scheme, value)
    if rng.random() < 0.25:
        own = pop.unique_number(rng, str(phones[0])[:-7] if phones else "+2237", 7)
        pop.add_identifier(index, "phone", own)
    if rng.random() < 0.1:
        pop.add_identifier(index, "passport", pop.unique_number(rng, "P", 8))
    return str(pop.parties[index]["id"])


def _neighbour(person: dict[str, Any]) -> str:
    """A country next to the person's own (a clerk's slip or a move across the border)."""
    return NEIGHBOURS.get(str(person["country"]), "ML")
