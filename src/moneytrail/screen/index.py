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
   (``Jin Ping``/``Jinping``). The bound's first stage runs over all candidate names at once
   in arrays (:mod:`moneytrail.screen.bound`); the names it keeps go through the rest of
   :func:`may_reach` in Python.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from moneytrail.model.names import LEGAL, MARKER, NAME, NUMBER, PARTICLE, Token
from moneytrail.screen.bound import (
    JOINED_FLOOR,
    PASS,
    SLACK,
    TIGHT,
    IntArray,
    NameTable,
    TableBuilder,
    could_pair,
    survivors,
)
from moneytrail.screen.compare import (
    ACRONYM_SKIPS,
    CONFLICT_PENALTY,
    EXTRA_PENALTY,
    EXTRA_PENALTY_MAX,
    TOKEN_FLOOR,
    _split_words,
    glued_pairs,
    token_similarity,
)
from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.merge import merge_same_person
from moneytrail.screen.scorer import Hit, Query, corroborate, rules_for_schema, score_names
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.tokens import screen_tokens

_SKIP = frozenset({MARKER, PARTICLE, LEGAL})
# words longer than this (no name has one; a hostile list may) get no one-letter-less keys:
# they would cost the square of their length
MAX_DELETION_WORD = 24
_NO_P_V = str.maketrans("pv", "bf")


def _deletions(word: str) -> set[str]:
    """The word and every spelling of it with one letter left out: two words one edit apart
    (a letter changed, added, dropped or two swapped) always share one of these."""
    return {"d:" + word} | {"d:" + word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=262144)
def _token_keys(token: Token) -> frozenset[str]:
    if token.kind in _SKIP or (len(token.canon) < 2 and token.kind != NUMBER):
        return frozenset()
    keys = {"c:" + token.canon}
    if token.kind != NUMBER:
        keys.add("s:" + token.skeleton)
        keys |= {"y:" + symbol for symbol in token.symbols}  # rigour's given-name groups
        if token.canon.startswith("abd"):  # "Abdul Hanif" / "Hanif" (abd_prefix)
            keys |= {"c:" + token.canon[3:], "c:" + token.raw[3:]}
        keys |= {"d:" + token.canon, "d:" + token.raw}  # "baa" is "abaa" less one letter
        if len(token.skeleton) >= 2:  # transliterations meet on their skeletons (p, v as b, f)
            keys |= {"k" + k[1:] for k in _deletions(token.skeleton.translate(_NO_P_V))}
        if len(token.canon) >= 4:
            keys |= {"p:" + token.canon[:3], "x:" + token.canon[-3:]}
            if len(token.canon) <= MAX_DELETION_WORD:
                keys |= _deletions(token.canon) | _deletions(token.raw)
    return frozenset(keys)


def _keys(tokens: tuple[Token, ...]) -> set[str]:
    """Blocking keys of a name: its words' keys, and a one-letter word as itself (the bound
    reads it as free: an initial may pair with any word of its letter)."""
    keys: set[str] = set()
    for token in tokens:
        keys |= _token_keys(token)
        if len(token.canon) == 1 and token.kind not in _SKIP:
            keys.add("c:" + token.canon)
    if len(tokens) > 1:  # "Pol Pot" / "PolPot" (words_joined): the name glued is a key
        keys.add("d:" + "".join(t.canon for t in tokens if t.kind != LEGAL))
    if tokens and all(t.kind == LEGAL for t in tokens):  # a name that is only "AB" or "LP"
        keys.add("l:" + " ".join(t.canon for t in tokens))
    return keys


def _acronym_keys(tokens: tuple[Token, ...]) -> frozenset[str]:
    """Keys of an organisation's name for :func:`~moneytrail.screen.compare._acronym_of`:
    ``a:`` a short word as an acronym (``JNIM``), ``r:`` what a run of its words spells with
    connectors read or skipped (``Jama'at Nusrat al-Islam wal-Muslimin``). An acronym pair
    shares the ``a:`` key of one side with the ``r:`` key of the other (:func:`_mirrored`)."""
    keys = {"a:" + t.canon for t in tokens if 2 <= len(t.canon) <= 8 and t.canon.isalpha()}
    words = [t for t in tokens if t.kind not in (LEGAL, NUMBER)]
    for start, first in enumerate(words):
        if len(first.canon) <= 1:
            continue
        spelled = {first.raw[:1]}
        for token in words[start + 1 : start + 12]:
            read = {x + token.raw[:1] for x in spelled if len(x) < 8}
            spelled = read | spelled if token.raw in ACRONYM_SKIPS else read
            keys |= {"r:" + x for x in read if len(x) >= 2}
            if not spelled:
                break
    return frozenset(keys)


def _mirrored(keys: frozenset[str]) -> frozenset[str]:
    """A query's acronym keys as the list side posts their partners (``a:`` <-> ``r:``)."""
    return frozenset(("r:" if k[0] == "a" else "a:") + k[2:] for k in keys)


@dataclass(frozen=True)
class Shape:
    """What the score bound needs of one tokenised name (list side or query side). Each part
    is computed on first use: the second stage of the bound (:func:`tight_reach`) reads a list
    name's words and lengths only, never its blocking keys."""

    tokens: tuple[Token, ...]
    organisation: bool = False

    @classmethod
    def of(cls, tokens: tuple[Token, ...], organisation: bool = False) -> Shape:
        """The shape of a tokenised name (``organisation``: read its acronyms too)."""
        return cls(tokens, organisation)

    @cached_property
    def words(self) -> tuple[Token, ...]:
        """The tokens the bound weighs: all but legal forms and numbers."""
        return tuple(t for t in self.tokens if t.kind not in (LEGAL, NUMBER))

    @cached_property
    def parts(self) -> tuple[tuple[float, frozenset[str], str, str], ...]:
        """(weight, blocking keys, canon, raw) of each word."""
        return tuple((t.weight, _token_keys(t), t.canon, t.raw) for t in self.words)

    @cached_property
    def free(self) -> tuple[tuple[str, str], ...]:
        """(canon, raw) of the words without keys (particles, markers, initials)."""
        return tuple((canon, raw) for _, keys, canon, raw in self.parts if not keys)

    @cached_property
    def keys(self) -> frozenset[str]:
        """Every blocking key of its words."""
        return frozenset(k for _, ks, _, _ in self.parts for k in ks)

    @cached_property
    def total(self) -> float:
        """The summed weight of its words."""
        return sum(t.weight for t in self.words)

    @cached_property
    def joined(self) -> tuple[str, str]:
        """Its canonical words glued in order, and sorted."""
        words = [t.canon for t in self.words]
        return "".join(words), "".join(sorted(words))

    @cached_property
    def acronyms(self) -> frozenset[str]:
        """Organisations: what the name spells (``a:``/``r:`` keys)."""
        return _acronym_keys(self.tokens) if self.organisation else frozenset()

    @cached_property
    def mirror(self) -> frozenset[str]:
        """The acronym keys as the other side posts them."""
        return _mirrored(self.acronyms)

    @cached_property
    def numbers(self) -> tuple[str, ...]:
        """Its numbers, sorted (two names with other numbers compare without them)."""
        return tuple(sorted(t.canon for t in self.tokens if t.kind == NUMBER))

    @cached_property
    def near_sizes(self) -> frozenset[int]:
        """``word_split``: the lengths of its name words, give or take two letters (a glued
        word meets only a word about as long)."""
        return frozenset(
            len(t.canon) + d for t in self.tokens if t.kind == NAME for d in (-2, -1, 0, 1, 2)
        )

    @cached_property
    def glued_sizes(self) -> frozenset[int]:
        """The lengths of two neighbouring name words glued."""
        return frozenset(len(glued.canon) for *_, glued in glued_pairs(self.tokens))

    @cached_property
    def glue_keys(self) -> frozenset[str]:
        """The blocking keys of those glued words: a glued word close enough to count (>= 0.75)
        shares one with the word it meets, as every word pair the scorer counts does."""
        return frozenset(k for *_, glued in glued_pairs(self.tokens) for k in _token_keys(glued))


def _hit_weight(side: Shape, other: Shape, shared: frozenset[str]) -> float:
    """Weight of ``side``'s tokens that may find a partner in ``other``."""
    hit = 0.0
    free = other.free
    for weight, keys, canon, raw in side.parts:
        if (
            not keys
            or not keys.isdisjoint(shared)
            or (free and any(could_pair(c, r, canon, raw) for c, r in free))
        ):
            hit += weight
    return hit


def may_reach(query: Shape, name: Shape, floor: float) -> bool:
    """Whether ``compare_tokens(query, name)`` can reach ``floor`` (see the module docstring).

    A true upper bound: first from shared keys (every token pair the scorer can count shares
    one), then, for the names that pass, from the scorer's own token similarities; names whose
    words could be glued (``word_split``), spelled as an acronym or joined stay unpruned."""
    numbers = sum(1.0 for _ in query.numbers) if query.numbers == name.numbers else 0.0
    q_total, n_total = query.total + numbers, name.total + numbers
    if not q_total or not n_total:  # a name that is only a legal form meets its equal
        return not q_total and not n_total
    if query.mirror & name.acronyms or _joined_close(query, name):
        return True
    if not query.total or not name.total:
        return numbers > 0
    shared = query.keys & name.keys
    hit_q = _hit_weight(query, name, shared) + numbers
    hit_n = _hit_weight(name, query, shared) + numbers
    swap = q_total > n_total
    short_total, short_hit = (n_total, hit_n) if swap else (q_total, hit_q)
    long_total, long_hit = (q_total, hit_q) if swap else (n_total, hit_n)
    extra = 1 - min(EXTRA_PENALTY_MAX, EXTRA_PENALTY * max(0.0, long_total - long_hit))
    bound = short_hit / short_total * extra - CONFLICT_PENALTY * (short_total - short_hit)
    return bound >= floor and tight_reach(query, name, floor, numbers, extra, swap)


def tight_reach(
    query: Shape,
    name: Shape,
    floor: float,
    numbers: float,
    extra: float,
    swap: bool,
    glue: bool = True,
) -> bool:
    """:func:`may_reach`'s second stage, for a name that passed its first (``numbers``, ``extra``
    and ``swap`` as the first stage computed them): the bound from the scorer's own token
    similarities, or a ``word_split`` reading (then the name is kept); ``glue`` False: the
    first stage found no glued word sharing a key with a word opposite (none can be close)."""
    short, long = (name, query) if swap else (query, name)
    short_total = short.total + numbers
    got = paired = numbers
    left = short.total  # the weight of the words not looked at yet
    for token in short.words:
        best = 0.0
        for other in long.words:
            sim, rule = token_similarity(token, other)
            if (sim >= TOKEN_FLOOR or rule == "initial") and sim > best:
                best = sim
                if best >= 1.0:  # no partner can do better
                    break
        got += token.weight * best
        paired += token.weight if best else 0.0
        left -= token.weight
        # even if every word left found a perfect partner the floor is out of reach: stop
        # (SLACK: the sums of the last line are taken in another order)
        most = (got + left) / short_total * extra - CONFLICT_PENALTY * (short_total - paired - left)
        if most < floor - SLACK:
            return glue and (_may_glue(query, name) or _may_glue(name, query))
    tight = got / short_total * extra - CONFLICT_PENALTY * (short_total - paired)
    return tight >= floor or (glue and (_may_glue(query, name) or _may_glue(name, query)))


def _joined_close(query: Shape, name: Shape) -> bool:
    q, n = len(query.joined[0]), len(name.joined[0])
    if abs(q - n) > (1 - JOINED_FLOOR) * max(q, n):  # the distance is at least the length gap
        return False
    return (
        Levenshtein.normalized_similarity(query.joined[0], name.joined[0]) >= JOINED_FLOOR
        or Levenshtein.normalized_similarity(query.joined[1], name.joined[1]) >= JOINED_FLOOR
    )


def _may_glue(side: Shape, other: Shape) -> bool:
    """Whether the scorer's ``word_split`` reading applies (two neighbouring words of ``side``
    glued meet a word of ``other``): the scorer's own test, so the bound stays a bound. Its
    first condition (a word opposite as long as the glued word, give or take two letters) is
    read from the shapes' lengths first."""
    if side.glued_sizes.isdisjoint(other.near_sizes):
        return False
    return bool(_split_words(side.tokens, other.tokens, first_only=True))


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
        builder = TableBuilder()
        for number, sanctions in enumerate(lists):
            tag = tag_list[number] if tag_list is not None else sanctions.source
            for entry in sanctions.entries:
                position = len(self.entries)
                self.entries.append(entry)
                self.tags.append(tag)
                self.positions[(tag, entry.entry_id)] = position
                rules = "Person" if entry.schema == "Person" else "Organization"
                org = rules != "Person"
                shapes = tuple(Shape.of(screen_tokens(n, rules), org) for n in entry.names)
                self.shapes.append(shapes)
                builder.add_entry(entry.schema, shapes)
                for shape in shapes:
                    for key in _keys(shape.tokens) | shape.acronyms:
                        postings[key].add(position)
        total = max(1, len(self.entries))
        self.postings = {k: np.array(sorted(v), np.int32) for k, v in postings.items()}
        self.idf = {k: math.log(1 + total / len(v)) for k, v in postings.items()}
        self._table = builder.table()
        self._token_postings = builder.postings()
        self._glue_postings = builder.glue()
        self._acronym_postings = builder.acronym()

    def __len__(self) -> int:
        return len(self.entries)

    def position_of(self, hit: Hit) -> int:
        """Position of a hit's entry in the index (for columnar result tables)."""
        return self.positions[(hit.tag, hit.entry.entry_id)]

    def entry(self, position: int) -> ListEntry:
        """The list entry at ``position``."""
        return self.entries[position]

    def tag(self, position: int) -> str:
        """The tag (list version) of the entry at ``position``."""
        return self.tags[position]

    def shapes_of(self, position: int) -> tuple[Shape, ...]:
        """The score-bound shapes of the names of the entry at ``position``."""
        return self.shapes[position]

    def name_shape(self, position: int, at: int) -> Shape:
        """The score-bound shape of name ``at`` of the entry at ``position``."""
        return self.shapes_of(position)[at]

    def postings_of(self, keys: list[str]) -> list[tuple[float, IntArray]]:
        """(IDF, positions) of each key of ``keys`` the index knows, in the order given."""
        return [(self.idf[k], self.postings[k]) for k in keys if k in self.idf]

    def token_postings_of(self, keys: Sequence[str]) -> dict[str, IntArray]:
        """Key -> ids of the list words holding it (:mod:`moneytrail.screen.bound`), for the
        keys of ``keys`` the index knows."""
        return {k: self._token_postings[k] for k in keys if k in self._token_postings}

    def glue_postings_of(self, keys: Sequence[str]) -> list[IntArray]:
        """The ids of the list names two of whose neighbouring words glued hold a key of
        ``keys`` (:mod:`moneytrail.screen.bound`)."""
        return [self._glue_postings[k] for k in keys if k in self._glue_postings]

    def acronym_postings_of(self, keys: Sequence[str]) -> list[IntArray]:
        """The ids of the list names spelling an acronym key of ``keys``."""
        return [self._acronym_postings[k] for k in keys if k in self._acronym_postings]

    def all_acronym_postings(self) -> Iterable[tuple[str, IntArray]]:
        """Every acronym key with the names spelling it (to store the index)."""
        return self._acronym_postings.items()

    def all_glue_postings(self) -> Iterable[tuple[str, IntArray]]:
        """Every glued-word key with the names holding it (to store the index)."""
        return self._glue_postings.items()

    def all_token_postings(self) -> Iterable[tuple[str, IntArray]]:
        """Every key with the ids of the list words holding it (to store the index)."""
        return self._token_postings.items()

    def name_table(self) -> NameTable:
        """The arrays of every list name the score bound's first stage reads."""
        return self._table

    def candidates(self, query: Query, limit: int) -> list[int]:
        """Positions of the ``limit`` entries sharing the rarest keys with the query name
        (every entry sharing a key, when there are no more than ``limit``), best first, ties
        by position."""
        schemas = [query.schema] if query.schema else ["Person", "Organization"]
        keys: set[str] = set()
        for schema in schemas:
            rules = "Person" if schema == "Person" else "Organization"
            tokens = screen_tokens(query.name, rules)
            keys |= _keys(tokens)
            if rules != "Person":
                keys |= _mirrored(_acronym_keys(tokens))
        # sorted: the same sums and ties in every process (hash seeds); bincount adds in order
        found = self.postings_of(sorted(keys))
        if not found:
            return []
        positions = np.concatenate([p for _, p in found])
        idf = np.repeat([w for w, _ in found], [len(p) for _, p in found])
        weight = np.bincount(positions, weights=idf, minlength=len(self))
        sharing = np.flatnonzero(weight)  # every IDF is > 0: the entries sharing a key
        order = np.lexsort((sharing, -weight[sharing]))[:limit]
        return [int(p) for p in sharing[order]]

    def name_hits(self, query: Query, settings: ScreenSettings, floor: float) -> list[Hit]:
        """Hits whose *name* score reaches ``floor`` (no corroboration), best first, every one.

        The batch path screens each distinct name once with this and corroborates per party.
        The names of the candidates go through the bound's first stage in arrays
        (:func:`~moneytrail.screen.bound.survivors`), then :func:`may_reach`, then the scorer.
        """
        positions = self.candidates(query, settings.max_candidates)
        table = self.name_table()
        groups: dict[str, list[int]] = {}
        for position in positions:
            rules = rules_for_schema(query.schema, table.entry_schema[position])
            if rules is not None:
                groups.setdefault(rules, []).append(position)
        kept: dict[int, tuple[str, Shape, list[tuple[Any, ...]]]] = {}
        for rules, members in groups.items():
            q_shape = Shape.of(screen_tokens(query.name, rules), rules != "Person")
            stage = survivors(self, q_shape, table.names_of(members), floor)
            owners = np.searchsorted(table.entry_first, stage.names, side="right") - 1
            ats = stage.names - table.entry_first[owners]
            for owner, *facts in zip(
                owners.tolist(),
                ats.tolist(),
                stage.verdict.tolist(),
                stage.numbers.tolist(),
                stage.extra.tolist(),
                stage.swap.tolist(),
                stage.glue.tolist(),
                strict=True,
            ):
                kept.setdefault(owner, (rules, q_shape, []))[2].append(tuple(facts))
        hits = []
        for position in positions:
            if position not in kept:
                continue
            rules, q_shape, facts = kept[position]
            reached = [
                (at, shape)
                for at, verdict, numbers, extra, swap, glue in facts
                for shape in (self.name_shape(position, at),)
                if verdict == PASS
                or (
                    tight_reach(q_shape, shape, floor, numbers, extra, swap, glue)
                    if verdict == TIGHT
                    else may_reach(q_shape, shape, floor)
                )
            ]
            if not reached:
                continue
            entry = self.entry(position)
            names = [entry.names[at] for at, _ in reached]
            hit = score_names(query, entry, names, rules, [shape.tokens for _, shape in reached])
            if hit.name_score >= floor and hit.name_score > 0:
                hit.tag = self.tag(position)
                hits.append(hit)
        hits.sort(key=lambda h: (-h.name_score, h.entry.entry_id))
        return hits

    def screen(self, query: Query, settings: ScreenSettings) -> list[Hit]:
        """Hits scoring at least ``review_threshold``, best first, at most ``max_results``;
        the same person on several lists is one hit (:func:`~moneytrail.screen.merge
        .merge_same_person`), ties ordered by the order the lists were given."""

        floor = settings.review_threshold - max_bonus(query, settings)
        hits = []
        for hit in self.name_hits(query, settings, max(floor, 1e-9)):
            delta, facts = corroborate(query, hit.entry, settings)
            hit.score = max(0.0, min(1.0, hit.name_score + delta))
            hit.features = [*hit.features, *facts]
            if hit.score >= settings.review_threshold:
                hits.append(hit)
        hits.sort(key=lambda h: (-h.score, self.position_of(h)))
        return merge_same_person(hits)[: settings.max_results]


def max_bonus(query: Query, settings: ScreenSettings) -> float:
    """The most the query's own facts can add to a name score (0 for a bare name)."""
    return (
        (settings.dob_match_bonus if query.birth_date else 0.0)
        + (settings.country_match_bonus if query.countries else 0.0)
        + (settings.identifier_match_bonus if query.identifiers else 0.0)
    )
