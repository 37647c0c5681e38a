"""Candidate index: find the few list names worth scoring for a query name (blocking + bound).

Why: scoring a name against all 16,000 UN + OFAC entries takes far too long for batch screening
of a customer base. Two cheap stages come before the scorer:

1. **Blocking.** Each list name is cut into tokens; each token is posted under its canonical
   form, its phonetic skeleton and its first three letters (a typo rarely hits the start of a
   word). A query collects the entries sharing keys with it, ranks them by the rarity of the
   shared keys (IDF), and keeps the best ``max_candidates``, leaving out those whose shared
   evidence weighs less than ``RELATIVE_FLOOR`` of the best candidate's.
2. **Score bound.** For each name of a candidate, an upper bound of the name score is computed
   from which tokens *could* pair (they share a key, their last three letters, or carry no key:
   particles, initials) with the same penalties as :func:`~moneytrail.screen.compare
   .compare_tokens`. A name whose bound cannot reach the caller's floor is not scored: "Mamadou
   Traoré" shares only "Muhammad" with a thousand OFAC names and none of them can reach 0.43.
   Assumption (named): a token pair similar enough to count (>= 0.75) shares one of these keys;
   the bound is lifted when the names are the same letters joined differently
   (``Jin Ping``/``Jinping``).

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
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from moneytrail.model.names import LEGAL, MARKER, NUMBER, PARTICLE, Token, tokenize
from moneytrail.screen.compare import (
    CONFLICT_PENALTY,
    EXTRA_PENALTY,
    EXTRA_PENALTY_MAX,
)
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.scorer import Hit, Query, corroborate, rules_for, score_names
from moneytrail.screen.settings import ScreenSettings

_SKIP = frozenset({MARKER, PARTICLE, LEGAL})
RELATIVE_FLOOR = 0.35  # candidates sharing far rarer evidence than the best one are not scored
JOINED_FLOOR = 0.9  # compare_tokens' "words_joined" rule fires from this similarity


def _token_keys(token: Token) -> frozenset[str]:
    if token.kind in _SKIP or len(token.canon) < 2:
        return frozenset()
    keys = {"c:" + token.canon}
    if token.kind != NUMBER:
        keys.add("s:" + token.skeleton)
        if len(token.canon) >= 4:
            keys.add("p:" + token.canon[:3])
    return frozenset(keys)


def _keys(tokens: Iterable[Token]) -> set[str]:
    keys: set[str] = set()
    for token in tokens:
        keys |= _token_keys(token)
    return keys


@dataclass(frozen=True)
class Shape:
    """What the score bound needs of one tokenised name (list side or query side)."""

    tokens: tuple[Token, ...]
    parts: tuple[tuple[float, frozenset[str], str, str], ...]  # weight, bound keys, canon, raw
    free: tuple[tuple[str, str], ...]  # (canon, raw) of the tokens without keys
    keys: frozenset[str]
    total: float
    joined: tuple[str, str]  # canonical words glued in order and sorted

    @classmethod
    def of(cls, tokens: tuple[Token, ...]) -> Shape:
        core = [t for t in tokens if t.kind != LEGAL]
        parts = []
        for token in core:
            keys = _token_keys(token)
            if keys and len(token.canon) >= 4:
                keys = keys | {"x:" + token.canon[-3:]}
            parts.append((token.weight, keys, token.canon, token.raw))
        words = [t.canon for t in core]
        return cls(
            tokens,
            tuple(parts),
            tuple((canon, raw) for _, keys, canon, raw in parts if not keys),
            frozenset(k for _, ks, _, _ in parts for k in ks),
            sum(t.weight for t in core),
            ("".join(words), "".join(sorted(words))),
        )


@lru_cache(maxsize=262144)
def _could_pair(canon: str, raw: str, other_canon: str, other_raw: str) -> bool:
    """Whether a token without keys (particle, marker, initial) may pair with another token:
    same word or initial, or spellings at least half alike (every rule of
    :func:`~moneytrail.screen.compare.token_similarity` that reaches 0.75 needs that)."""
    if canon == other_canon or raw == other_raw:
        return True
    if len(canon) == 1 or len(other_canon) == 1:
        return canon[0] == other_canon[0]
    return (
        max(
            OSA.normalized_similarity(canon, other_canon), OSA.normalized_similarity(raw, other_raw)
        )
        >= 0.5
    )


def _hit_weight(side: Shape, other: Shape, shared: frozenset[str]) -> float:
    """Weight of ``side``'s tokens that may find a partner in ``other``."""
    hit = 0.0
    free = other.free
    for weight, keys, canon, raw in side.parts:
        if (
            not keys
            or keys & shared
            or (free and any(_could_pair(c, r, canon, raw) for c, r in free))
        ):
            hit += weight
    return hit


def may_reach(query: Shape, name: Shape, floor: float) -> bool:
    """Whether ``compare_tokens(query, name)`` can reach ``floor`` (see the module docstring)."""
    if not query.total or not name.total:
        return False
    shared = query.keys & name.keys
    hit_q, hit_n = _hit_weight(query, name, shared), _hit_weight(name, query, shared)
    if query.total > name.total:
        short_total, short_hit, long_total, long_hit = name.total, hit_n, query.total, hit_q
    else:
        short_total, short_hit, long_total, long_hit = query.total, hit_q, name.total, hit_n
    extra = max(0.0, long_total - long_hit)
    bound = short_hit / short_total * (1 - min(EXTRA_PENALTY_MAX, EXTRA_PENALTY * extra))
    bound -= CONFLICT_PENALTY * (short_total - short_hit)
    if bound >= floor:
        return True
    return (
        Levenshtein.normalized_similarity(query.joined[0], name.joined[0]) >= JOINED_FLOOR
        or Levenshtein.normalized_similarity(query.joined[1], name.joined[1]) >= JOINED_FLOOR
    )


class CandidateIndex:
    """Inverted index of list names; :meth:`screen` returns the scored hits of one query."""

    def __init__(self, lists: Iterable[SanctionsList], tags: Iterable[str] | None = None) -> None:
        """Index the entries of ``lists``; ``tags`` (one per list, e.g. its stored version id) are
        copied onto each hit so a caller knows which list version it came from."""
        self.entries: list[ListEntry] = []
        self.tags: list[str] = []
        self.shapes: list[tuple[Shape, ...]] = []  # one per name of each entry
        self.positions: dict[tuple[str, str], int] = {}  # (tag, entry id) -> position
        tag_list = list(tags) if tags is not None else None
        postings: dict[str, set[int]] = defaultdict(set)
        for number, sanctions in enumerate(lists):
            tag = tag_list[number] if tag_list is not None else sanctions.source
            for entry in sanctions.entries:
                position = len(self.entries)
                self.entries.append(entry)
                self.tags.append(tag)
                self.positions[(tag, entry.entry_id)] = position
                rules = "Person" if entry.schema == "Person" else "Organization"
                shapes = tuple(Shape.of(tokenize(name, rules)) for name in entry.names)
                self.shapes.append(shapes)
                for shape in shapes:
                    for key in _keys(shape.tokens):
                        postings[key].add(position)
        total = max(1, len(self.entries))
        self.postings = {k: tuple(v) for k, v in postings.items()}
        self.idf = {k: math.log(1 + total / len(v)) for k, v in postings.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def position_of(self, hit: Hit) -> int:
        """Position of a hit's entry in :attr:`entries` (for columnar result tables)."""
        return self.positions[(hit.tag, hit.entry.entry_id)]

    def candidates(self, query: Query, limit: int) -> list[int]:
        """Positions of the ``limit`` entries sharing the rarest keys with the query name."""
        schemas = [query.schema] if query.schema else ["Person", "Organization"]
        keys: set[str] = set()
        for schema in schemas:
            keys |= _keys(tokenize(query.name, "Person" if schema == "Person" else "Organization"))
        weight: dict[int, float] = defaultdict(float)
        for key in sorted(keys):  # sorted: the same sums and ties in every process (hash seeds)
            idf = self.idf.get(key)
            if idf is None:
                continue
            for position in self.postings[key]:
                weight[position] += idf
        ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        floor = ranked[0][1] * RELATIVE_FLOOR if ranked else 0.0
        return [position for position, w in ranked if w >= floor]

    def name_hits(self, query: Query, settings: ScreenSettings, floor: float) -> list[Hit]:
        """Hits whose *name* score reaches ``floor`` (no corroboration), best first, every one.

        The batch path screens each distinct name once with this and corroborates per party.
        """
        hits = []
        query_shapes: dict[str, Shape] = {}
        for position in self.candidates(query, settings.max_candidates):
            entry = self.entries[position]
            rules = rules_for(query, entry)
            if rules is None:
                continue
            if rules not in query_shapes:
                query_shapes[rules] = Shape.of(tokenize(query.name, rules))
            q_shape = query_shapes[rules]
            names = [
                name
                for name, shape in zip(entry.names, self.shapes[position], strict=True)
                if may_reach(q_shape, shape, floor)
            ]
            if not names:
                continue
            hit = score_names(query, entry, names, rules)
            if hit.name_score >= floor and hit.name_score > 0:
                hit.tag = self.tags[position]
                hits.append(hit)
        hits.sort(key=lambda h: (-h.name_score, h.entry.entry_id))
        return hits

    def screen(self, query: Query, settings: ScreenSettings) -> list[Hit]:
        """Hits scoring at least ``review_threshold``, best first, at most ``max_results``."""
        floor = settings.review_threshold - max_bonus(query, settings)
        hits = []
        for hit in self.name_hits(query, settings, max(floor, 1e-9)):
            delta, facts = corroborate(query, hit.entry, settings)
            hit.score = max(0.0, min(1.0, hit.name_score + delta))
            hit.features = [*hit.features, *facts]
            if hit.score >= settings.review_threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, h.entry.entry_id))
        return hits[: settings.max_results]


def max_bonus(query: Query, settings: ScreenSettings) -> float:
    """The most the query's own facts can add to a name score (0 for a bare name)."""
    return (
        (settings.dob_match_bonus if query.birth_date else 0.0)
        + (settings.country_match_bonus if query.countries else 0.0)
        + (settings.identifier_match_bonus if query.identifiers else 0.0)
    )
