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

from moneytrail.model.names import (
    LEGAL,
    MARKER,
    NAME,
    NUMBER,
    Token,
    knowledge,
    skeleton,
)
from moneytrail.screen.tokens import screen_tokens

TOKEN_FLOOR = 0.75  # below this a token pair is "different", not "a bit similar"
EXTRA_PENALTY = 0.05  # per weight unit of unmatched words in the longer name
EXTRA_PENALTY_MAX = 0.25
# v4: an extra word weighs by the share of the name it adds: one family name more on a
# two-word alias ("Muhammad Jamal" / "Muhammad Jamal Ndiaye") is another person far more often
# than a missing middle name of a five-word one (decision 0130)
EXTRA_SHARE_PENALTY = 0.65
ORG_EXTRA_SHARE_PENALTY = 0.3
EXTRA_SHARE_MAX = 0.45
# which unmatched words weigh by share: every word the query has and the list name lacks; of a
# longer list name, only those before or after the matched ones (a record leaves middle names
# and patronymics out far more often than it adds a name)
QUERY_EXTRA_SIDES = "all"
LIST_EXTRA_SIDES = "both"
SINGLE_TOKEN_CAP = 0.7  # one word against a full name is weak evidence
NUMBER_MISMATCH_CAP = 0.8  # v1: 0.5; two numbers of one series ("Fund III" / "Fund IV")
LONE_NUMBER_CAP = 0.5  # a number on one side only
LEGAL_MISMATCH_PENALTY = 0.25  # v1: 0.05; SARL and SA of one name: two legal persons
PATRONYM_PENALTY = 0.3
INITIAL_CREDIT = 0.7  # v1: 0.5; "V." agrees with "Vladimir": most of the credit, no conflict
SYMBOL_CREDIT = 0.9  # rigour's tables: one given name across languages, or its nickname
CONFLICT_PENALTY = 0.1  # per weight unit of shorter-name words that found no partner


@dataclass(frozen=True)
class Weights:
    """The score-level constants of the scorer, one object so an evaluation can choose them on
    some labelled pairs and measure them on others (``evaluate-names --cv``)."""

    extra_penalty: float = EXTRA_PENALTY
    org_extra_penalty: float = EXTRA_PENALTY  # organisations: an extra word may be a subsidiary
    extra_penalty_max: float = EXTRA_PENALTY_MAX
    extra_share_penalty: float = EXTRA_SHARE_PENALTY
    org_extra_share_penalty: float = ORG_EXTRA_SHARE_PENALTY
    conflict_penalty: float = CONFLICT_PENALTY
    number_mismatch_cap: float = NUMBER_MISMATCH_CAP
    legal_mismatch_penalty: float = LEGAL_MISMATCH_PENALTY


DEFAULT_WEIGHTS = Weights()


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
        # v6: the letter as written counts too: "O." is the initial of "Osama", whose
        # given-name key is "usama" (the tables' canonical spelling)
        same = a.canon[0] == b.canon[0] or a.raw[:1] == b.raw[:1]
        return (INITIAL_CREDIT, "initial") if same else (0.0, "different")
    edit = max(OSA.normalized_similarity(a.canon, b.canon), OSA.normalized_similarity(a.raw, b.raw))
    if a.canon in _FAMILIES and b.canon in _FAMILIES and not a.translit and not b.translit:
        # v4: both are spellings the given-name tables know, of two different names
        # (Mahmoud / Mohamed, Alassane / Hussein share a skeleton): spelling alone decides
        return 0.0, "different_name"
    if a.symbols & b.symbols and edit < SYMBOL_CREDIT:
        return SYMBOL_CREDIT, "name_symbol"
    if a.canon.startswith("abd") != b.canon.startswith("abd"):
        abd, plain = (a, b) if a.canon.startswith("abd") else (b, a)
        # "Abdul Wahid" is glued to "abdwahid" (raw) before its canon may fold a connector
        if plain.canon in (abd.canon[3:], abd.raw[3:]):
            return TOKEN_FLOOR, "abd_prefix"
    if a.skeleton == b.skeleton and len(a.skeleton) >= 2 and edit >= _phonetic_floor(a):
        return max(0.9, edit), "phonetic"
    if (a.translit or b.translit) and len(a.skeleton) >= 3:
        across = max(
            OSA.normalized_similarity(a.skeleton, b.skeleton),
            OSA.normalized_similarity(*(t.skeleton.translate(_NO_P_V) for t in (a, b))),
        )  # Arabic script has no p or v: "Pérez" is written بيريز (byryz)
        if across >= TOKEN_FLOOR:
            return 0.85 * across + 0.15 * edit, "transliteration"
    skel = Levenshtein.normalized_similarity(a.skeleton, b.skeleton) if len(a.skeleton) > 3 else 0.0
    if skel >= 0.75 and edit >= 0.6:
        return max(edit, 0.85 * skel), "phonetic_close"
    return edit, "typo" if edit >= TOKEN_FLOOR else "different"


_NO_P_V = str.maketrans("pv", "bf")
# v4: two consonants say little ("Traore" / "Toure", "Sidi" / "Said", "Kane" / "Kony" all
# skeleton two letters): such words must also be spelled closer than half alike
SHORT_SKELETON_EDIT = 0.6


def _phonetic_floor(token: Token) -> float:
    return SHORT_SKELETON_EDIT if len(token.skeleton) == 2 else 0.5


_FAMILIES = frozenset(knowledge()["variants"].values())  # canonical given names of the tables
# v6: the rules that pair two words by their sound alone; such a pair counts as a full word
# beside initials only when the words are also spelled at least TOKEN_FLOOR alike
_BY_SOUND = frozenset({"phonetic", "phonetic_close"})


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
    ta, tb = screen_tokens(a), screen_tokens(b)
    return not ta or not tb or token_similarity(ta[0], tb[0])[0] < TOKEN_FLOOR


def _joined(tokens: tuple[Token, ...], ordered: bool) -> str:
    words = [t.raw if t.kind == LEGAL else t.canon for t in tokens]
    return "".join(words if ordered else sorted(words))


def _joined_similarity(a: str, b: str) -> float:
    """Similarity of two glued names, 0 beyond two letters apart: a long name one short word
    apart from another is not the same name spaced differently."""
    distance = Levenshtein.distance(a, b, score_cutoff=2)
    return 1 - distance / max(len(a), len(b), 1) if distance <= 2 else 0.0


# words an acronym may leave out: articles, prepositions, conjunctions (JNIM: Jama'at Nusrat
# al-Islam wal-Muslimin; MUJAO: Mouvement pour l'Unification et le Jihad en Afrique de l'Ouest)
ACRONYM_SKIPS = frozenset(
    {"a", "al", "el", "il", "ul", "wal", "wa", "w", "au", "aux", "of", "the", "and", "for"}
    | {"de", "du", "des", "d", "l", "la", "le", "les", "pour", "et", "en", "in", "fi", "li"}
    | {"lil", "bi", "e", "i", "y"}
)


def _acronym_run(letters: str, other: tuple[Token, ...], start: int) -> int | None:
    """End of the run of ``other`` from ``start`` whose initials spell ``letters``, connectors
    skipped when their initial is not the next letter; None when there is none."""
    k, end = 0, start
    while k < len(letters) and end < len(other):
        token = other[end]
        if token.kind in (LEGAL, NUMBER):
            return None
        if token.raw[:1] == letters[k]:
            k += 1
        elif token.raw not in ACRONYM_SKIPS:
            return None
        end += 1
    return end if k == len(letters) else None


def _acronym_of(token: Token, other: tuple[Token, ...]) -> tuple[Token, ...] | None:
    """``other`` with the run of words whose initials spell ``token`` merged into one word
    (``US`` / ``United States``, ``PLA`` / ``People's Liberation Army``, v4: ``JNIM`` /
    ``Jama'at Nusrat al-Islam wal-Muslimin``, connectors skipped), or None. Acronyms are how
    agencies, armed groups and banks are often written."""
    size = len(token.canon)
    if not 2 <= size <= 8 or not token.canon.isalpha() or token.kind == LEGAL:
        return None
    for start in range(len(other)):
        if other[start].raw[:1] != token.canon[0] or len(other[start].canon) <= 1:
            continue
        end = _acronym_run(token.canon, other, start)
        if end is None or end - start < 2:
            continue
        run = other[start:end]
        raw = " ".join(t.raw for t in run)
        merged = Token(token.canon, token.kind, raw, max(t.weight for t in run), token.skeleton)
        return (*other[:start], merged, *other[end:])
    return None


def compare_tokens(
    q: tuple[Token, ...],
    c: tuple[Token, ...],
    person: bool = True,
    weights: Weights = DEFAULT_WEIGHTS,
) -> tuple[float, list[dict[str, Any]]]:
    """Score two tokenised names (see the module docstring) with the features that fired.

    ``person`` turns on the rules that only make sense for people's names (a single given name is
    weak evidence; ``bin X`` / ``ould X`` name the father). An acronym on one side is also tried
    against the words it abbreviates on the other; the better reading wins.
    """
    best = _compare_core(q, c, person, weights)
    for side in (0, 1):
        for merged, spelled in _split_words(q if side == 0 else c, c if side == 0 else q):
            pair = (merged, c) if side == 0 else (q, merged)
            score, features = _compare_core(*pair, person, weights)
            if score > best[0]:
                split = {"feature": "word_split", "words": spelled, "value": round(score, 3)}
                best = (score, [split, *features])
    best = _other_syllables(q, c, best)
    if person:  # a person's initials are weak evidence: handled token by token ("initial")
        return best
    for side, token in [(0, t) for t in q] + [(1, t) for t in c]:
        other = _acronym_of(token, c if side == 0 else q)
        if other is None:
            continue
        pair = (q, other) if side == 0 else (other, c)
        score, features = _compare_core(*pair, person, weights)
        if score > best[0]:
            spelled = next(t.raw for t in other if t.canon == token.canon)
            words = (token.raw, spelled) if side == 0 else (spelled, token.raw)
            acronym = {"feature": "acronym", "query": words[0], "list": words[1], "value": 1.0}
            best = (score, [acronym, *features])
    return _other_syllables(q, c, best)


SPLIT_FLOOR = 0.85  # a glued word counts when this close to a word opposite, or sounds like it
_SOUNDS_ALIKE = frozenset({"phonetic", "phonetic_close", "transliteration", "name_variant"})


def _split_words(
    side: tuple[Token, ...], other: tuple[Token, ...], first_only: bool = False
) -> list[tuple[tuple[Token, ...], str]]:
    """``side`` with two neighbouring words glued into one, when the glued word is close to a
    word of ``other`` and closer than either half (``Kouli baly`` / ``Koulibaly``, ``Chang-min``
    / ``Changmin``, ``Amadou Kone`` / ``Amadoukone``): a word split by a typing slip, a hyphen
    or a romanisation that writes each syllable apart. ``first_only``: stop at the first
    reading found (the score bound only asks whether there is one)."""
    found: list[tuple[tuple[Token, ...], str]] = []
    sizes = {len(t.canon) for t in other if t.kind == NAME}
    for k, a, b, glued in glued_pairs(side):
        if all(abs(len(glued.canon) - size) > 2 for size in sizes):
            continue  # no word opposite of the glued word's length: the hot path
        for t in other:
            if t.kind != NAME or abs(len(t.canon) - len(glued.canon)) > 2:
                continue
            sim, rule = token_similarity(glued, t)
            close = sim >= SPLIT_FLOOR or (sim >= TOKEN_FLOOR and rule in _SOUNDS_ALIKE)
            if close and sim > max(token_similarity(x, t)[0] for x in (a, b)):
                found.append(((*side[:k], glued, *side[k + 2 :]), f"{a.raw} {b.raw}"))
                if first_only:
                    return found
                break
    return found


@lru_cache(maxsize=65536)
def glued_pairs(side: tuple[Token, ...]) -> tuple[tuple[int, Token, Token, Token], ...]:
    """Each two neighbouring name words of ``side`` (at ``k``, ``k + 1``) and the word they make
    glued (cached: the same list names are read by every query of a batch)."""
    pairs = []
    for k in range(len(side) - 1):
        a, b = side[k], side[k + 1]
        if a.kind != NAME or b.kind != NAME or len(a.canon) < 2 or len(b.canon) < 2:
            continue
        glued = Token(
            a.canon + b.canon,
            NAME,
            a.raw + b.raw,
            max(a.weight, b.weight),
            skeleton(a.canon + b.canon),
            a.translit or b.translit,
            syllables=a.syllables,
        )
        pairs.append((k, a, b, glued))
    return tuple(pairs)


def _other_syllables(
    q: tuple[Token, ...], c: tuple[Token, ...], scored: tuple[float, list[dict[str, Any]]]
) -> tuple[float, list[dict[str, Any]]]:
    """Two Chinese or Korean names of as many syllables, some written with other letters
    (``王小明`` / ``王晓明``, both ``xiao``; ``이종호`` / ``이정호``): another name, whatever the
    Latin spelling says. Capped at the share of syllables written alike."""
    mine = next((t.syllables for t in q if t.syllables), "")
    theirs = next((t.syllables for t in c if t.syllables), "") if mine else ""
    if not theirs or len(mine) != len(theirs) or mine == theirs:
        return scored
    cap = sum(x == y for x, y in zip(mine, theirs, strict=True)) / len(mine)
    if scored[0] <= cap:
        return scored
    other = {"feature": "other_syllables", "query": mine, "list": theirs, "value": round(cap, 3)}
    return cap, [*scored[1], other]


def _compare_core(
    q: tuple[Token, ...], c: tuple[Token, ...], person: bool, weights: Weights
) -> tuple[float, list[dict[str, Any]]]:
    core_q = tuple(t for t in q if t.kind != LEGAL)
    core_c = tuple(t for t in c if t.kind != LEGAL)
    if not core_q or not core_c:  # a name that is only a legal form ("LP"): equal or not
        same = bool(q) and [t.canon for t in q] == [t.canon for t in c]
        return (1.0, []) if same else (0.0, [])
    numbers_q = sorted(t.canon for t in core_q if t.kind == NUMBER)
    numbers_c = sorted(t.canon for t in core_c if t.kind == NUMBER)
    if numbers_q != numbers_c:
        # another member of a numbered series ("Fund III" / "Fund IV", "Snow Storm 1" / "2"):
        # the words alone decide, capped: a sibling entity is worth a review, never certain
        rest_q = tuple(t for t in q if t.kind != NUMBER)
        rest_c = tuple(t for t in c if t.kind != NUMBER)
        rest_score, rest_features = _compare_core(rest_q, rest_c, person, weights)
        # a number on one side only ("Company 23" / "Company") names no series: stricter cap;
        # except "1": the first of a series is often named without it ("Fund" / "Fund I")
        series = (numbers_q and numbers_c) or numbers_q + numbers_c == ["1"]
        cap = weights.number_mismatch_cap if series else LONE_NUMBER_CAP
        if rest_q and rest_c and rest_score > cap:
            rest_score = cap
        mismatch = {"feature": "number_mismatch", "query": numbers_q, "list": numbers_c}
        return rest_score, [*rest_features, mismatch | {"value": round(rest_score, 3)}]
    swap = sum(t.weight for t in core_q) > sum(t.weight for t in core_c)
    short, long = (core_c, core_q) if swap else (core_q, core_c)
    features: list[dict[str, Any]] = []
    got = 0.0
    matched_long: set[int] = set()
    matched_short: set[int] = set()
    initials: set[int] = set()
    rules: dict[int, str] = {}  # the rule that paired each matched word of the shorter name
    matched_pairs: dict[int, int] = {}
    for i, j, sim, rule in _drop_abd_conflicts(_align(short, long), short, long):
        a, b = (long[j], short[i]) if swap else (short[i], long[j])
        if sim >= TOKEN_FLOOR or rule == "initial":
            matched_pairs[i] = j
            rules[i] = rule
            got += short[i].weight * sim
            matched_long.add(j)
            matched_short.add(i)
            if rule == "initial":
                initials.add(i)
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
        per_word = weights.extra_penalty if person else weights.org_extra_penalty
        penalty = min(weights.extra_penalty_max, per_word * extra_weight)
        share = weights.extra_share_penalty if person else weights.org_extra_share_penalty
        matched_weight = sum(t.weight for j, t in enumerate(long) if j in matched_long)
        sides = QUERY_EXTRA_SIDES if swap else LIST_EXTRA_SIDES
        edge_weight = _edge_weight(long, matched_long, sides)
        by_share = min(EXTRA_SHARE_MAX, share * edge_weight / (matched_weight + edge_weight))
        penalty = max(penalty, by_share)
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
        conflict = weights.conflict_penalty * sum(
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
        _joined_similarity(_joined(a, o), _joined(b, o))
        for o in (True, False)
        for a, b in ((core_q, core_c), (q, c))
    )
    resplit = len(core_q) != len(core_c) or len(q) != len(c)  # else: a typo, not a joining
    if resplit and joined >= 0.9 and joined * 0.97 > score:
        score = joined * 0.97
        features = [{"feature": "words_joined", "value": round(joined, 3)}]
        joined_won = True
    # v4: words met only by an initial do not make a common given name a full name
    # ("Assetou Ould Ahmed" / "Ahmed, A": one given name and a letter; "V. Putin" stays);
    # v6: nor a word that only sounds like its partner ("Awa Kabore" / "A. Kabir": a letter
    # and two words of one skeleton spelled 0.67 alike; "Mouammar Kadhafi" / "M. Qadhafi",
    # 0.86 alike, and "Vladimir Poutine" / "V. Putin", known spellings of one name, stay)
    full = [i for i, t in enumerate(short) if t.kind != MARKER and i not in initials]
    full_short = [short[i] for i in full]
    given_and_letters = (
        len(full_short) == 1
        and initials
        and (
            full_short[0].canon in _FAMILIES
            or (
                full[0] in matched_pairs and _sound_only(full[0], rules, short, long, matched_pairs)
            )
        )
    )
    if not given_and_letters:
        full_short = [t for t in short if t.kind != MARKER]
    single = len(full_short) == 1 and len([t for t in long if t.kind != MARKER]) >= 2
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
    if person and not joined_won:
        swapped = _roles_swapped(core_q, core_c, swap, matched_pairs)
        if swapped:
            score -= PATRONYM_PENALTY
            features.append({"feature": "roles_swapped", **swapped, "value": -PATRONYM_PENALTY})
    legal_q = {t.canon for t in q if t.kind == LEGAL}
    legal_c = {t.canon for t in c if t.kind == LEGAL}
    if legal_q and legal_c and not legal_q & legal_c:
        score -= weights.legal_mismatch_penalty
        features.append(
            {
                "feature": "legal_form_differs",
                "query": sorted(legal_q),
                "list": sorted(legal_c),
                "value": -weights.legal_mismatch_penalty,
            }
        )
    return max(0.0, min(1.0, score)), features


def _roles_swapped(
    core_q: tuple[Token, ...], core_c: tuple[Token, ...], swap: bool, pairs: dict[int, int]
) -> dict[str, str] | None:
    """A query ``G ould F`` (its given name, then its father's, pinned by the marker) whose
    given name pairs with the last word of a list name without a marker, and whose father
    pairs with that name's first word: ``Yacouba Ould Mohamed`` / ``Mohammad Yaqoub`` is
    Mohammad, son of Yaqoub, not Yacouba, son of Mohamed. ``pairs``: the aligned words, short
    side's index to long side's (``swap``: the list name is the short side)."""
    if any(t.kind == MARKER for t in core_c) or len(core_c) < 2:
        return None
    marker = next((i for i, t in enumerate(core_q) if t.kind == MARKER), None)
    if marker is None or marker == 0 or marker + 1 >= len(core_q):
        return None
    given, father = 0, marker + 1
    if core_q[given].canon == core_q[father].canon:
        return None
    of_query = {j: i for i, j in pairs.items()} if swap else pairs
    if of_query.get(given) == len(core_c) - 1 and of_query.get(father) == 0:
        return {"query": core_q[given].raw, "list": core_c[-1].raw}
    return None


def _sound_only(
    i: int,
    rules: dict[int, str],
    short: tuple[Token, ...],
    long: tuple[Token, ...],
    pairs: dict[int, int],
) -> bool:
    """Whether word ``i`` of the shorter name met its partner by sound alone: a phonetic rule
    paired them and their spellings are less than :data:`TOKEN_FLOOR` alike (v6)."""
    if rules.get(i) not in _BY_SOUND:
        return False
    a, b = short[i], long[pairs[i]]
    edit = max(OSA.normalized_similarity(a.canon, b.canon), OSA.normalized_similarity(a.raw, b.raw))
    return edit < TOKEN_FLOOR


def _edge_weight(long: tuple[Token, ...], matched: set[int], sides: str) -> float:
    """Weight of the longer name's unmatched words before its first or after its last matched
    word (where a family name or another given name stands), not those between matched words
    (middle names and patronymics a shorter record leaves out)."""
    if not matched:
        return sum(t.weight for t in long)
    first, last = min(matched), max(matched)
    return sum(
        t.weight
        for j, t in enumerate(long)
        if j not in matched and (sides == "all" or j > last or (sides == "both" and j < first))
    )


def _drop_abd_conflicts(
    pairs: list[tuple[int, int, float, str]], short: tuple[Token, ...], long: tuple[Token, ...]
) -> list[tuple[int, int, float, str]]:
    """Unpair ``Abdul X`` / ``X`` when the side without ``Abdul`` has a name of its own left
    over: ``Abdul Wahid`` / ``Moussa Wahid`` are two given names before one family name ("Abd X" is
    a name of its own, "servant of X"), not one name written with and without "Abdul"."""
    paired_i = {i for i, _, sim, rule in pairs if sim >= TOKEN_FLOOR or rule == "initial"}
    paired_j = {j for _, j, sim, rule in pairs if sim >= TOKEN_FLOOR or rule == "initial"}
    left_i = any(_own_name(t) for i, t in enumerate(short) if i not in paired_i)
    left_j = any(_own_name(t) for j, t in enumerate(long) if j not in paired_j)
    if not (left_i or left_j):
        return pairs
    kept = []
    for i, j, sim, rule in pairs:
        plain_left = left_j if short[i].canon.startswith("abd") else left_i
        if rule == "abd_prefix" and plain_left:
            continue
        kept.append((i, j, sim, rule))
    return kept


def _own_name(token: Token) -> bool:
    return token.kind == NAME and not token.canon.startswith("abd")


def _rule_name(rule: str, token: Token) -> str:
    return {"typo": "spelling_close"}.get(rule, rule)


def compare_names(
    query: str, candidate: str, schema: str = "Person", weights: Weights = DEFAULT_WEIGHTS
) -> NameMatch:
    """Compare two raw names read with the rules of ``schema``."""
    person = schema == "Person"
    score, features = compare_tokens(
        screen_tokens(query, schema), screen_tokens(candidate, schema), person, weights
    )
    return NameMatch(score, query, candidate, features)
