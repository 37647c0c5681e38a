"""Candidate index: find the few list entries worth scoring for a query name (blocking).

Why: scoring a name against all 16,000 UN + OFAC entries takes far too long for batch screening
of a customer base. Each list name is cut into tokens; each token is posted under its canonical
form, its phonetic skeleton and its first three letters (a typo rarely hits the start of a word).
A query collects the entries sharing keys with it, ranks them by the rarity of the shared keys
(IDF), and only the best ``max_candidates`` are scored, leaving out those whose shared evidence
weighs less than ``RELATIVE_FLOOR`` of the best candidate's (one shared "Mohamed" is not worth
scoring when another entry shares a rare family name).

Example::

    >>> from moneytrail.screen.entry import ListEntry, SanctionsList
    >>> lst = SanctionsList("custom", [ListEntry("1", "Person", ("Iyad Ag Ghali",))])
    >>> index = CandidateIndex([lst])
    >>> [h.entry.entry_id for h in index.screen(Query("Ghaly Iyad"), ScreenSettings())]
    ['1']
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.names import LEGAL, MARKER, NUMBER, PARTICLE, Token, tokenize
from moneytrail.screen.scorer import Hit, Query, rules_for, score_entry
from moneytrail.screen.settings import ScreenSettings

_SKIP = frozenset({MARKER, PARTICLE, LEGAL})
RELATIVE_FLOOR = 0.35  # candidates sharing far rarer evidence than the best one are not scored


def _keys(tokens: Iterable[Token]) -> set[str]:
    keys: set[str] = set()
    for token in tokens:
        if token.kind in _SKIP or len(token.canon) < 2:
            continue
        keys.add("c:" + token.canon)
        if token.kind != NUMBER:
            keys.add("s:" + token.skeleton)
            if len(token.canon) >= 4:
                keys.add("p:" + token.canon[:3])
    return keys


class CandidateIndex:
    """Inverted index of list names; :meth:`screen` returns the scored hits of one query."""

    def __init__(self, lists: Iterable[SanctionsList], tags: Iterable[str] | None = None) -> None:
        """Index the entries of ``lists``; ``tags`` (one per list, e.g. its stored version id) are
        copied onto each hit so a caller knows which list version it came from."""
        self.entries: list[ListEntry] = []
        self.tags: list[str] = []
        tag_list = list(tags) if tags is not None else None
        postings: dict[str, set[int]] = defaultdict(set)
        for number, sanctions in enumerate(lists):
            tag = tag_list[number] if tag_list is not None else sanctions.source
            for entry in sanctions.entries:
                position = len(self.entries)
                self.entries.append(entry)
                self.tags.append(tag)
                rules = "Person" if entry.schema == "Person" else "Organization"
                for name in entry.names:
                    for key in _keys(tokenize(name, rules)):
                        postings[key].add(position)
        total = max(1, len(self.entries))
        self.postings = {k: tuple(v) for k, v in postings.items()}
        self.idf = {k: math.log(1 + total / len(v)) for k, v in postings.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, query: Query, limit: int) -> list[int]:
        """Positions of the ``limit`` entries sharing the rarest keys with the query name."""
        schemas = [query.schema] if query.schema else ["Person", "Organization"]
        keys: set[str] = set()
        for schema in schemas:
            keys |= _keys(tokenize(query.name, "Person" if schema == "Person" else "Organization"))
        weight: dict[int, float] = defaultdict(float)
        for key in keys:
            idf = self.idf.get(key)
            if idf is None:
                continue
            for position in self.postings[key]:
                weight[position] += idf
        ranked = sorted(weight.items(), key=lambda kv: -kv[1])[:limit]
        floor = ranked[0][1] * RELATIVE_FLOOR if ranked else 0.0
        return [position for position, w in ranked if w >= floor]

    def screen(self, query: Query, settings: ScreenSettings) -> list[Hit]:
        """Hits scoring at least ``review_threshold``, best first, at most ``max_results``."""
        hits = []
        for position in self.candidates(query, settings.max_candidates):
            entry = self.entries[position]
            if rules_for(query, entry) is None:
                continue
            hit = score_entry(query, entry, settings)
            hit.tag = self.tags[position]
            if hit.score >= settings.review_threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.entry.entry_id))
        return hits[: settings.max_results]
