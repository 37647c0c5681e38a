"""What of a subject goes into a filter: normalised identifiers and folded name keys.

Why one home: both FIUs must turn the same person into the same strings, or nothing meets.
An identifier keeps its letters and digits only, upper case (``ML 12 3456`` and ``ml-123456``
meet; a phone ``+223 76 12 34 56`` becomes ``22376123456``). A name is read by the screening
tokeniser (:func:`moneytrail.screen.tokens.screen_tokens`: transliteration to ASCII, given-name
variants folded, patronymic markers and particles set apart) and keyed by the sorted phonetic
skeletons of its name words, so ``Mouhamadou Uld Ahmed``, ``AHMED Mohamed`` and
``محمد ولد أحمد`` give one key.

Assumptions (named):

* phones and MSISDNs are stored in international form (the ingest's value types do it), so a
  national spelling on one side and an international one on the other do not meet;
* an identifier shorter than :data:`MIN_IDENTIFIER` characters is too guessable to share;
* a name with fewer than :data:`MIN_NAME_WORDS` name words (``Moussa``) is too common to share:
  the minimum distinctiveness that keeps a partner from learning much by trying common names;
* Arabic ``ة`` (taa marbuta) closing a word written in Arabic script reads as the ``-a`` of the
  Latin spellings (``عائشة`` / ``Aïcha``): the final ``t`` of such a skeleton is dropped;
* a person's name is first folded for the spellings that French-, English- and
  Hassaniya-speaking registries write differently (:func:`fold_spelling`: ``Diallo``/``Jallow``,
  ``Cissé``/``Sissé``, ``Osmane``/``Ousmane``, ``Mamadu``/``Mamadou``, ``Khadijetou``/``Khadija``,
  the Arabic article ``ال``). These rules were chosen from the misses of a first evaluation run
  (seed 7); the figures in docs/cooperation.md come from another seed.

Example::

    >>> name_key("Mouhamadou Uld Ahmed") == name_key("AHMED Mohamed")
    True
    >>> identifier_key("+223 76 12 34 56")
    '22376123456'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from moneytrail.model.names import NAME
from moneytrail.screen.tokens import screen_tokens

MIN_IDENTIFIER = 5
MIN_NAME_WORDS = 2
IDENTIFIER, NAME_KEY = "identifier", "name"
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")


@dataclass(frozen=True)
class Subject:
    """One party (or unheld account) of a workspace as the filters see it.

    ``ref`` is the workspace's own id, never put into a filter; ``names`` and ``identifiers``
    are the raw values, keyed by :func:`subject_keys`."""

    ref: str
    label: str
    names: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    rules: str = "Person"  # how its names are read: "Person" or "Organization"


def identifier_key(value: str) -> str | None:
    """The compared form of an account number, IBAN, MSISDN or ID number (None: too short)."""
    compact = _NOT_ALNUM.sub("", value).upper()
    return compact if len(compact) >= MIN_IDENTIFIER else None


# Spellings of one West African or Arabic name that French-, English- and Hassaniya-speaking
# registries write differently, folded before tokenising (word by word, case-insensitive):
_FOLDS = (
    (re.compile(r"(?i)\b(\w{3,})[eé]tou\b"), r"\1a"),  # Hassaniya feminine: Khadijetou / Khadija
    (re.compile(r"(?i)\bdi(?=[aeou])"), "j"),  # French Di- / English J-: Diallo / Jallow
    (re.compile(r"(?i)c(?=[eéièiy])"), "s"),  # soft c: Cissé / Sissé
    (re.compile(r"(?i)\bo(?=[bcdfghjklmnpqrstvz])"), "ou"),  # Osmane / Ousmane, Omar / Oumar
    (re.compile(r"(?i)(?<=[bcdfghjklmnpqrstvz])u\b"), "ou"),  # Mamadu / Mamadou
    (re.compile(r"(?<!\S)ال"), ""),  # Arabic article: المختار / El Moctar
)


def fold_spelling(name: str) -> str:
    """``name`` with the cross-border spelling folds applied (see :data:`_FOLDS`); a folded
    letter may lose its capital (keys are lower case anyway).

    >>> fold_spelling("Khadijetou Jallow"), fold_spelling("Osmane Cissé")
    ('Khadija Jallow', 'ousmane sissé')
    """
    for pattern, replacement in _FOLDS:
        name = pattern.sub(replacement, name)
    return name


def name_key(name: str, rules: str = "Person") -> str | None:
    """The folded key of a name read with ``rules`` (``Person`` or ``Organization``; legal
    forms are left out of an organisation's key); None below :data:`MIN_NAME_WORDS` words."""
    words = []
    for token in screen_tokens(fold_spelling(name) if rules == "Person" else name, rules):
        if token.kind != NAME or not token.skeleton:
            continue
        skeleton = token.skeleton
        if token.translit and len(skeleton) > 2 and skeleton.endswith("t"):
            skeleton = skeleton[:-1]  # taa marbuta: عائشة -> "aysht", Aïcha -> "as"
        words.append(skeleton)
    if len(words) < MIN_NAME_WORDS:
        return None
    return " ".join(sorted(words))


class KeyCache:
    """Name keys computed once per distinct name: tokenising costs ~0.4 ms, and a national
    file repeats its names (``Moussa Traoré`` thousands of times)."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str | None] = {}

    def name(self, name: str, rules: str = "Person") -> str | None:
        """:func:`name_key` of ``name``, remembered."""
        try:
            return self._names[name, rules]
        except KeyError:
            key = self._names[name, rules] = name_key(name, rules)
            return key


def subject_keys(subject: Subject, cache: KeyCache | None = None) -> list[tuple[str, str, str]]:
    """``(kind, raw value, key)`` of each distinct identifier and name of ``subject``.

    The key is prefixed by its kind (``i:``/``n:``) so a name never meets an identifier."""
    cache = cache or KeyCache()
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for value in subject.identifiers:
        key = identifier_key(value)
        if key is not None and "i:" + key not in seen:
            seen.add("i:" + key)
            out.append((IDENTIFIER, value, "i:" + key))
    for name in subject.names:
        folded = cache.name(name, subject.rules)
        if folded is not None and "n:" + folded not in seen:
            seen.add("n:" + folded)
            out.append((NAME_KEY, name, "n:" + folded))
    return out


def all_keys(
    subjects: Iterable[Subject], kinds: tuple[str, ...] = (IDENTIFIER, NAME_KEY)
) -> list[str]:
    """Every distinct key of ``subjects`` of the given kinds (what a filter holds)."""
    cache = KeyCache()
    keys: set[str] = set()
    for subject in subjects:
        keys.update(key for kind, _, key in subject_keys(subject, cache) if kind in kinds)
    return sorted(keys)
