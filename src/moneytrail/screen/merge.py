"""One result per listed person: hits of the same person on several lists are merged.

Why: the UN and OFAC (and EU, UK) list many of the same people. Screened against all of them,
one person came back once per list at the same score, and ties were ordered by entry id, so an
OFAC id could stand before the UN entry it copies. An analyst reviews a person, not a row.

Two hits are one person when they come from different lists, are of the same kind, share a
name (same words once folded: ``IYAD AG GHALI`` / ``Iyad Ag Ghali``) or an identifier, and their
birth years, when both lists give some, are at most :data:`YEARS_APART` apart (lists disagree:
the UN says 1958 for Iyad Ag Ghali, OFAC 1954) and their nationalities, when both give some,
overlap. The merged hit is the best-scoring one (ties:
the list given first), carrying the other lists' entries in :attr:`Hit.also`.

Example::

    >>> from moneytrail.screen.entry import ListEntry
    >>> from moneytrail.screen.scorer import Hit
    >>> un = Hit(ListEntry("QDi.316", "Person", ("IYAD AG GHALI",), ("1958",)), 0.9, 0.9, "")
    >>> ofac = Hit(ListEntry("9999", "Person", ("GHALI, Iyad Ag",), ("1958",)), 0.9, 0.9, "")
    >>> un.tag, ofac.tag = "un", "ofac_sdn"
    >>> [(h.entry.entry_id, h.also) for h in merge_same_person([un, ofac])]
    [('QDi.316', [('ofac_sdn', '9999')])]
"""

from __future__ import annotations

import re
from functools import lru_cache

from moneytrail.screen.entry import ListEntry
from moneytrail.screen.scorer import Hit
from moneytrail.screen.tokens import screen_tokens

_ID_CLEAN = re.compile(r"[^0-9A-Z]")
# lists disagree on birth years of one person (UN: Iyad Ag Ghali 1958, OFAC: 1954)
YEARS_APART = 5


@lru_cache(maxsize=65536)
def _folded(name: str, schema: str) -> str:
    rules = "Person" if schema == "Person" else "Organization"
    return " ".join(sorted(t.canon for t in screen_tokens(name, rules)))


def _names(entry: ListEntry) -> set[str]:
    return {_folded(n, entry.schema) for n in entry.names} - {""}


def _ids(entry: ListEntry) -> set[str]:
    return {_ID_CLEAN.sub("", v.upper()) for _, v in entry.identifiers} - {""}


def _years(entry: ListEntry) -> set[int]:
    return {int(d[:4]) for d in entry.birth_dates if d[:4].isdigit()}


def same_person(a: ListEntry, b: ListEntry) -> bool:
    """Whether two entries of different lists describe one person or organisation."""
    if a.schema != b.schema:
        return False
    years_a, years_b = _years(a), _years(b)
    if years_a and years_b and min(abs(x - y) for x in years_a for y in years_b) > YEARS_APART:
        return False
    nations_a, nations_b = set(a.nationalities), set(b.nationalities)
    if nations_a and nations_b and not nations_a & nations_b:
        return False
    return bool(_ids(a) & _ids(b)) or bool(_names(a) & _names(b))


def merge_same_person(hits: list[Hit]) -> list[Hit]:
    """``hits`` (best first) with the same person on several lists kept once (see module)."""
    kept: list[Hit] = []
    for hit in hits:
        home = next(
            (
                k
                for k in kept
                if k.tag != hit.tag
                and all(t != hit.tag for t, _ in k.also)
                and same_person(k.entry, hit.entry)
            ),
            None,
        )
        if home is None:
            kept.append(hit)
        else:
            home.also.append((hit.tag, hit.entry.entry_id))
    return kept
