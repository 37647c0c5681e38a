"""Names cut into tokens for screening: the shared tokeniser, with company abbreviations read
as the words they stand for.

Why: the legal-form vocabulary is one table (``model/data/names.yaml`` with rigour's org-type
tables, folded by :func:`moneytrail.model.names.tokenize`), but the abbreviations of the words
around a legal form were read as other words: ``Co.`` as a legal form of its own, ``Company``
as a plain word, so ``Sahel Trading Co. Ltd`` and ``Sahel Trading Company Ltd`` were two legal
persons. An organisation's ``Co``, ``Corp``, ``Cie``, ``Ste``, ``Intl``, ``Bros`` are
written out before tokenising; every screening path (index, scorer, merging) goes through
:func:`screen_tokens`, so both sides of a comparison are read alike.

Example::

    >>> [t.canon for t in screen_tokens("Sahel Trading Co. Ltd", "Organization")] == [
    ...     t.canon for t in screen_tokens("Sahel Trading Company Limited", "Organization")]
    True
"""

from __future__ import annotations

import re
from functools import lru_cache

from moneytrail.model.names import Token, tokenize

ORG_ABBREVIATIONS = {
    "co": "company",
    "cos": "companies",
    "corp": "corporation",
    "cie": "compagnie",
    "ste": "societe",
    "sté": "société",
    "intl": "international",
    "bros": "brothers",
    "mfg": "manufacturing",
}
_ABBREVIATION = re.compile(
    r"(?<![\w.])(" + "|".join(map(re.escape, ORG_ABBREVIATIONS)) + r")\b\.?(?![\w'-])",
    re.IGNORECASE,
)


def expand_abbreviations(name: str) -> str:
    """An organisation's name with ``Co.``, ``Corp``, ``Cie``... written out.

    >>> expand_abbreviations("Sahel Trading Co. Ltd"), expand_abbreviations("Cie Malienne")
    ('Sahel Trading company Ltd', 'compagnie Malienne')
    """
    return _ABBREVIATION.sub(lambda m: ORG_ABBREVIATIONS[m.group(1).lower()], name)


@lru_cache(maxsize=262144)
def screen_tokens(name: str, rules: str = "Person") -> tuple[Token, ...]:
    """:func:`~moneytrail.model.names.tokenize` of ``name`` read with ``rules``; organisation
    abbreviations written out first."""
    if rules != "Person":
        name = expand_abbreviations(name)
    return tuple(one_of(token) for token in tokenize(name, rules))


_SAME: dict[Token, Token] = {}
_SAME_MAX = 1_000_000


def one_of(token: Token) -> Token:
    """One object per distinct token: the scorer's caches then find a word by identity instead
    of comparing its eight fields, hundreds of thousands of times a batch."""
    if len(_SAME) >= _SAME_MAX:  # a bound on memory: start again (only speed is at stake)
        _SAME.clear()
    return _SAME.setdefault(token, token)
