"""The candidate stage (blocking + score bound) never loses a match: property test against
scoring every entry of the list with no index at all (issue 18)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from moneytrail.screen.entry import ListEntry, SanctionsList
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.scorer import Query, score_entry
from moneytrail.screen.settings import ScreenSettings

WORDS = [
    "amadou",
    "mohamed",
    "muhammad",
    "mamadou",
    "ould",
    "ag",
    "ben",
    "bin",
    "al",
    "el",
    "abdel",
    "kader",
    "abdelkader",
    "iyad",
    "ghali",
    "ghaly",
    "koufa",
    "kouffa",
    "traore",
    "diallo",
    "hamadoun",
    "ahmed",
    "sidi",
    "ousmane",
    "usman",
    "boubacar",
    "abu",
    "bakr",
    "sahel",
    "trading",
    "company",
    "co",
    "ltd",
    "sarl",
    "jama",
    "nusrat",
    "islam",
    "muslimin",
    "ansar",
    "eddine",
    "theodore",
    "ted",
    "patrushev",
    "patr",
    "ushev",
    "jinping",
    "jin",
    "ping",
    "fund",
    "iii",
    "iv",
]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
WORD = st.one_of(st.sampled_from(WORDS), st.text(alphabet=LETTERS, min_size=2, max_size=9))
NAME = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
KIND = st.sampled_from(["Person", "Organization"])


@st.composite
def edited(draw: st.DrawFn, name: str) -> str:
    """A listed name as a record may write it: a letter changed, dropped or doubled, words
    swapped, a word dropped."""
    words = name.split()
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(words) - 1))
        word = words[i]
        op = draw(st.sampled_from(["sub", "del", "dup", "swap", "drop"]))
        k = draw(st.integers(0, max(0, len(word) - 1)))
        if op == "sub":
            word = word[:k] + draw(st.sampled_from(LETTERS)) + word[k + 1 :]
        elif op == "del" and len(word) > 2:
            word = word[:k] + word[k + 1 :]
        elif op == "dup":
            word = word[:k] + word[k : k + 1] + word[k:]
        elif op == "swap" and len(words) > 1:
            j = draw(st.integers(0, len(words) - 1))
            words[i], words[j] = words[j], words[i]
            continue
        elif op == "drop" and len(words) > 1:
            words.pop(i)
            continue
        words[i] = word
    return " ".join(words)


@st.composite
def lists_and_query(draw: st.DrawFn) -> tuple[list[ListEntry], Query]:
    entries = [
        ListEntry(f"e{n}", draw(KIND), tuple(draw(st.lists(NAME, min_size=1, max_size=3))))
        for n in range(draw(st.integers(1, 12)))
    ]
    if draw(st.booleans()):
        source = draw(st.sampled_from([name for e in entries for name in e.names]))
        name = draw(edited(source))
    else:
        name = draw(NAME)
    return entries, Query(name, draw(st.sampled_from([None, "Person", "Organization"])))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lists_and_query())
@example(([ListEntry("e0", "Person", ("Theodore Patrushev",))], Query("Ted Patr ushev")))
@example(([ListEntry("e0", "Organization", ("Jama Nusrat al Islam wal Muslimin",))], Query("JNIM")))
def test_the_index_keeps_every_match_of_unpruned_scoring(
    case: tuple[list[ListEntry], Query],
) -> None:
    entries, query = case
    chosen = ScreenSettings(max_results=1000)
    found = {
        h.entry.entry_id: h.score
        for h in CandidateIndex([SanctionsList("t", entries)]).screen(query, chosen)
    }
    for entry in entries:
        expected = score_entry(query, entry, chosen).score
        if expected >= chosen.threshold:
            assert entry.entry_id in found, (query.name, entry.names, expected)
            assert abs(found[entry.entry_id] - expected) < 1e-9
