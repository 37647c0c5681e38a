"""Compare two names token by token and say why they match.

Why token alignment rather than one string distance: listed names come with words in another
order (``GHALI Iyad Ag``), middle names missing, particles and legal forms that carry no identity,
and transliterations that differ in every vowel. Each token of the shorter name looks for its
best partner in the longer one (equal, same given-name family, same phonetic skeleton, or close by
edit distance); the score is the weighted share of the shorter name that found a partner, lowered
a little for every extra word of the longer name. Each decision is kept as a *feature* so an
analyst reads why two names matched.

Example::

    >>> m = compare_names("Mohamed Ould Sidi", "Muhammad Uld Sidi", "Person")
    >>> round(m.score, 2), m.features[0]["feature"]
    (0.99, 'name_variant')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA, Levenshtein

from moneytrail.screen.names import LEGAL, MARKER, NUMBER, Token, tokenize

TOKEN_FLOOR = 0.75  # below this a token pair is "different", not "a bit similar"
EXTRA_PENALTY = 0.05  # per weight unit of unmatched words in the longer name
EXTRA_PENALTY_MAX = 0.25
SINGLE_TOKEN_CAP = 0.7  # one word against a full name is weak evidence
NUMBER_MISMATCH_CAP = 0.5
LEGAL_MISMATCH_PENALTY = 0.05
PATRONYM_PENALTY = 0.3
INITIAL_CREDIT = 0.5  # "K." agrees with "Koufa" but proves little: half credit, no conflict
CONFLICT_PENALTY = 0.1  # per weight unit of shorter-name words that found no partner


@dataclass
class NameMatch:
    """Score of one name pair (0..1) and the features that produced it."""

    score: float
    query: str
    candidate: str
    features: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=262144)
def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """Similarity of two tokens and the name of the rule that decided it (cached: the same
    common names meet again and again in batch screening)."""
    if a.canon == b.canon:
        return (1.0, "exact") if a.raw == b.raw else (0.98, "name_variant")
    if a.kind == NUMBER or b.kind == NUMBER:
        return 0.0, "different_number"
    if len(a.canon) == 1 or len(b.canon) == 1:
        return (INITIAL_CREDIT, "initial") if a.canon[0] == b.canon[0] else (0.0, "different")
    edit = max(OSA.normalized_similarity(a.canon, b.canon), OSA.normalized_similarity(a.raw, b.raw))
    if a.canon.startswith("abd") != b.canon.startswith("abd"):
        longer, shorter = (a.canon, b.canon) if a.canon.startswith("abd") else (b.canon, a.canon)
        if longer[3:] == shorter:
            return TOKEN_FLOOR, "abd_prefix"
    if a.skeleton == b.skeleton and len(a.skeleton) >= 2 and edit >= 0.5:
        return max(0.9, edit), "phonetic"
    if (a.translit or b.translit) and len(a.skeleton) >= 3:
        across = OSA.normalized_similarity(a.skeleton, b.skeleton)
        if across >= TOKEN_FLOOR:
            return 0.85 * across + 0.15 * edit, "transliteration"
    skel = Levenshtein.normalized_similarity(a.skeleton, b.skeleton) if len(a.skeleton) > 3 else 0.0
    if skel >= 0.75 and edit >= 0.6:
        return max(edit, 0.85 * skel), "phonetic_close"
    return edit, "typo" if edit >= TOKEN_FLOOR else "different"


def _align(short: tuple[Token, ...], long: tuple[Token, ...]) -> list[tuple[int, int, float, str]]:
    """Greedy one-to-one pairing of tokens, best similarities first."""
    pairs = []
    for i, a in enumerate(short):
        for j, b in enumerate(long):
            sim, rule = token_similarity(a, b)
            if sim > 0:
                pairs.append((sim, i, j, rule))
    pairs.sort(key=lambda p: (-p[0], abs(p[1] - p[2])))
    used_i: set[int] = set()
    used_j: set[int] = set()
    chosen = []
    for sim, i, j, rule in pairs:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            chosen.append((i, j, sim, rule))
    return chosen


def _father(tokens: tuple[Token, ...]) -> str | None:
    """The name after the first patronymic marker (``bin X``, ``ould X``, ``ag X``)."""
    for i, token in enumerate(tokens[:-1]):
        if token.kind == MARKER:
            return tokens[i + 1].canon
    return None


def _different_names(a: str, b: str) -> bool:
    """Whether two canonical given names are different names (not spellings of one)."""
    ta, tb = tokenize(a), tokenize(b)
    return not ta or not tb or token_similarity(ta[0], tb[0])[0] < TOKEN_FLOOR


def _joined(tokens: tuple[Token, ...], ordered: bool) -> str:
    words = [t.canon for t in tokens if t.kind != LEGAL]
    return "".join(words if ordered else sorted(words))


def compare_tokens(
    q: tuple[Token, ...], c: tuple[Token, ...], person: bool = True
) -> tuple[float, list[dict[str, Any]]]:
    """Score two tokenised names (see the module docstring) with the features that fired.

    ``person`` turns on the rules that only make sense for people's names (a single given name is
    weak evidence; ``bin X`` / ``ould X`` name the father).
    """
    core_q = tuple(t for t in q if t.kind != LEGAL)
    core_c = tuple(t for t in c if t.kind != LEGAL)
    if not core_q or not core_c:
        return 0.0, []
    swap = sum(t.weight for t in core_q) > sum(t.weight for t in core_c)
    short, long = (core_c, core_q) if swap else (core_q, core_c)
    features: list[dict[str, Any]] = []
    got = 0.0
    matched_long: set[int] = set()
    matched_short: set[int] = set()
    for i, j, sim, rule in _align(short, long):
        a, b = (long[j], short[i]) if swap else (short[i], long[j])
        if sim >= TOKEN_FLOOR or rule == "initial":
            got += short[i].weight * sim
            matched_long.add(j)
            matched_short.add(i)
            if rule != "exact":
                features.append(
                    {
                        "feature": _rule_name(rule, a),
                        "query": a.raw,
                        "list": b.raw,
                        "value": round(sim, 3),
                    }
                )
    total = sum(t.weight for t in short)
    score = got / total
    extra = [t for j, t in enumerate(long) if j not in matched_long]
    extra_weight = sum(t.weight for t in extra)
    unmatched_short = total - got
    if extra_weight:
        penalty = min(EXTRA_PENALTY_MAX, EXTRA_PENALTY * extra_weight)
        score *= 1 - penalty
        features.append(
            {
                "feature": "extra_words",
                "words": [t.canon for t in extra],
                "value": -round(penalty, 3),
            }
        )
    missing = [t.raw for i, t in enumerate(short) if i not in matched_short]
    if missing:
        conflict = CONFLICT_PENALTY * sum(
            t.weight for i, t in enumerate(short) if i not in matched_short
        )
        score -= conflict
        features.append(
            {
                "feature": "unmatched_words",
                "words": missing,
                "value": -round(unmatched_short / total + conflict, 3),
            }
        )
    # word joined or split differently ("Abdel Kader" / "Abdelkader", "Jin Ping" / "Jinping")
    joined_won = False
    joined = max(
        Levenshtein.normalized_similarity(_joined(core_q, o), _joined(core_c, o))
        for o in (True, False)
    )
    if joined >= 0.9 and joined * 0.97 > score:
        score = joined * 0.97
        features = [{"feature": "words_joined", "value": round(joined, 3)}]
        joined_won = True
    numbers_apart = any(t.kind == NUMBER for t in extra) or any(
        t.kind == NUMBER and i not in matched_short for i, t in enumerate(short)
    )
    if numbers_apart and score > NUMBER_MISMATCH_CAP:
        score = NUMBER_MISMATCH_CAP
        features.append({"feature": "number_mismatch", "value": NUMBER_MISMATCH_CAP})
    single = len([t for t in short if t.kind != MARKER]) == 1 and len(long) >= 2
    weak = person or sum(1 for t in extra if t.kind == "name") >= 2
    if weak and single and score > SINGLE_TOKEN_CAP and not joined_won:
        score = SINGLE_TOKEN_CAP
        features.append({"feature": "single_word_name", "value": SINGLE_TOKEN_CAP})
    fq, fc = _father(core_q), _father(core_c)
    if (
        person
        and fq
        and fc
        and fq != fc
        and fq != core_q[-1].canon
        and fc != core_c[-1].canon
        and _different_names(fq, fc)
    ):
        score -= PATRONYM_PENALTY
        features.append(
            {"feature": "different_father", "query": fq, "list": fc, "value": -PATRONYM_PENALTY}
        )
    legal_q = {t.canon for t in q if t.kind == LEGAL}
    legal_c = {t.canon for t in c if t.kind == LEGAL}
    if legal_q and legal_c and not legal_q & legal_c:
        score -= LEGAL_MISMATCH_PENALTY
        features.append(
            {
                "feature": "legal_form_differs",
                "query": sorted(legal_q),
                "list": sorted(legal_c),
                "value": -LEGAL_MISMATCH_PENALTY,
            }
        )
    return max(0.0, min(1.0, score)), features


def _rule_name(rule: str, token: Token) -> str:
    return {"typo": "spelling_close"}.get(rule, rule)


def compare_names(query: str, candidate: str, schema: str = "Person") -> NameMatch:
    """Compare two raw names read with the rules of ``schema``."""
    person = schema == "Person"
    score, features = compare_tokens(tokenize(query, schema), tokenize(candidate, schema), person)
    return NameMatch(score, query, candidate, features)
