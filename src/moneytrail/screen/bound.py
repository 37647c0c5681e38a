"""The score bound's first stage over every candidate name at once (numpy), before Python.

Why: the candidate stage hands ~200 entries (~600 names) to the score bound for each query, and
the bound's first stage (which tokens may find a partner at all, :func:`~moneytrail.screen
.index.may_reach`) cost 60 % of a query when it ran name by name in Python; nine names in ten
fail it. Here the same sums are taken for all names in a few array operations from *token*
postings (key -> the list tokens holding it), and only the names that pass go on to the exact
Python check (:func:`~moneytrail.screen.index.may_reach`, unchanged).

The stage drops only names ``may_reach`` would drop: each quantity here is the one ``may_reach``
computes, summed in the same order (so the floats are the same), compared with a slack of
``SLACK``. What it keeps carries what is left to decide (:class:`Stage`): nothing (``may_reach``
passes an acronym pair or the same letters joined before its bound), its second stage only, or
the whole of ``may_reach`` (a name without weighed words, a bound within the slack). It also
says whether the scorer's ``word_split`` reading can apply at all: a glued word of either side
must share a blocking key with a word opposite (the index's named assumption: a word pair the
scorer rates >= 0.75 shares a key). A property test (``tests/screen/test_screen_bound.py``)
checks it against ``may_reach`` on generated lists and on every candidate name of real queries.

Arrays (``NameTable``), one row per list name or per word of a list name, in index order:
``entry_first`` (where each entry's names start), ``name_total``/``name_numbers``/``joined`` (the
bound's name totals, numbers and glued spellings), ``tok_name``/``tok_weight``/``tok_vocab``
(each scored word: its name, weight, and spelling id; -1 for a word without keys), and a small
map: list words without keys (particles, initials) -> names holding them. Postings (key ->
words, glued-word key -> names, acronym key -> names) are read through :class:`Postings`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, overload

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA, Levenshtein
from rapidfuzz.process import cdist

from moneytrail.screen.compare import CONFLICT_PENALTY, EXTRA_PENALTY, EXTRA_PENALTY_MAX

WORD_CACHE = 100_000  # query words whose particle partners are kept (then the memo starts again)
SLACK = 1e-9  # the stage keeps a name whose bound is this far under the floor: never too strict
JOINED_FLOOR = 0.9  # compare_tokens' "words_joined" rule fires from this similarity

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Postings(Protocol):
    """What the first stage reads of an index (in memory or stored)."""

    def name_table(self) -> NameTable: ...

    def token_postings_of(self, keys: Sequence[str]) -> dict[str, IntArray]: ...

    def glue_postings_of(self, keys: Sequence[str]) -> list[IntArray]: ...

    def acronym_postings_of(self, keys: Sequence[str]) -> list[IntArray]: ...


@dataclass
class NameTable:
    """What the first stage needs of every list name, as arrays (see the module docstring)."""

    entry_first: IntArray
    entry_schema: list[str]
    name_total: FloatArray
    name_numbers: IntArray
    numbers: list[tuple[str, ...]]
    joined: Sequence[tuple[str, str]]
    tok_name: IntArray
    tok_weight: FloatArray
    tok_vocab: IntArray
    vocab: Sequence[tuple[str, str]]
    free_names: dict[tuple[str, str], IntArray]
    joined_len: IntArray | None = None
    _number_ids: dict[tuple[str, ...], int] = field(default_factory=dict, repr=False)
    _vocab_masks: dict[tuple[str, str], BoolArray] = field(default_factory=dict, repr=False)
    _free_of: dict[tuple[str, str], IntArray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._number_ids = {n: i for i, n in enumerate(self.numbers)}
        if self.joined_len is None:
            lengths = (len(j[0]) for j in self.joined)
            self.joined_len = np.fromiter(lengths, np.int32, len(self.joined))
        self.tok_keyless = self.tok_vocab < 0
        # where each name's words start (words are stored name by name, in order)
        self.name_tok_first = np.searchsorted(
            self.tok_name, np.arange(len(self.name_total) + 1)
        ).astype(np.int64)

    @property
    def size(self) -> int:
        """How many list names."""
        return len(self.name_total)

    def names_of(self, positions: Sequence[int]) -> IntArray:
        """The name ids of the entries at ``positions``, entry by entry, in order."""
        return _ranges(self.entry_first, np.asarray(positions, np.int64))[0]

    def vocab_mask(self, canon: str, raw: str) -> BoolArray:
        """Which keyed list spellings a query word without keys may pair with (cached: such words
        are particles and initials, a small set)."""
        key = (canon, raw)
        if key not in self._vocab_masks:
            if len(self._vocab_masks) >= 1_000:  # particles and initials: few, but bounded
                self._vocab_masks.clear()
            self._vocab_masks[key] = self._pairable(canon, raw)
        return self._vocab_masks[key]

    def _pairable(self, canon: str, raw: str) -> BoolArray:
        """``could_pair(canon, raw, c, r)`` over every keyed spelling ``(c, r)``, in C
        (rapidfuzz), with the slack: equal, an initial of the same letter, or at least half
        alike."""
        if not self.vocab:
            return np.zeros(0, np.bool_)
        canons = [c for c, _ in self.vocab]
        raws = [r for _, r in self.vocab]
        floor = 0.5 - SLACK
        alike = (
            cdist([canon], canons, scorer=OSA.normalized_similarity, score_cutoff=floor)[0] > 0
        ) | (cdist([raw], raws, scorer=OSA.normalized_similarity, score_cutoff=floor)[0] > 0)
        short = np.fromiter((len(c) == 1 for c in canons), bool, len(canons)) | (len(canon) == 1)
        initial = np.fromiter(
            (c[:1] == canon[:1] or r[:1] == raw[:1] for c, r in self.vocab), bool, len(canons)
        )
        equal = np.fromiter((c == canon or r == raw for c, r in self.vocab), bool, len(self.vocab))
        mask: BoolArray = equal | np.where(short, initial, alike)
        return mask

    def free_partners(self, canon: str, raw: str) -> IntArray:
        """The names holding a word without keys that may pair with the query word."""
        key = (canon, raw)
        if key not in self._free_of:
            if len(self._free_of) >= WORD_CACHE:  # one entry per query word ever met: bounded
                self._free_of.clear()
            found = [ids for (c, r), ids in self.free_names.items() if could_pair(c, r, canon, raw)]
            self._free_of[key] = np.concatenate(found) if found else np.zeros(0, np.int32)
        return self._free_of[key]

    def to_json(self) -> dict[str, bytes]:
        """The table as raw array bytes and JSON (for the stored index)."""
        assert self.joined_len is not None  # set by __post_init__
        arrays: dict[str, npt.NDArray[Any]] = {
            "entry_first": self.entry_first,
            "name_total": self.name_total,
            "name_numbers": self.name_numbers,
            "tok_name": self.tok_name,
            "tok_weight": self.tok_weight,
            "tok_vocab": self.tok_vocab,
            "joined_len": self.joined_len,
        }
        lists: dict[str, Any] = {
            "meta": [self.entry_schema, [list(n) for n in self.numbers]],
            "joined": [list(j) for j in self.joined],
            "vocab": [list(v) for v in self.vocab],
            "free": [[c, r, ids.tolist()] for (c, r), ids in self.free_names.items()],
        }
        blobs = {k: v.tobytes() for k, v in arrays.items()}
        blobs.update((k, json.dumps(v, ensure_ascii=False).encode()) for k, v in lists.items())
        return blobs

    @classmethod
    def from_json(cls, blobs: dict[str, bytes]) -> NameTable:
        """The table written by :meth:`to_json`; the spellings and glued names are parsed on
        first use (a one-off query of a name without particles needs neither)."""
        schema, numbers = json.loads(blobs["meta"])
        free = json.loads(blobs["free"])
        return cls(
            np.frombuffer(blobs["entry_first"], np.int32),
            schema,
            np.frombuffer(blobs["name_total"], np.float64),
            np.frombuffer(blobs["name_numbers"], np.int32),
            [tuple(n) for n in numbers],
            _Pairs(blobs["joined"]),
            np.frombuffer(blobs["tok_name"], np.int32),
            np.frombuffer(blobs["tok_weight"], np.float64),
            np.frombuffer(blobs["tok_vocab"], np.int32),
            _Pairs(blobs["vocab"]),
            {(c, r): np.array(ids, np.int32) for c, r, ids in free},
            np.frombuffer(blobs["joined_len"], np.int32),
        )


class _Pairs(Sequence[tuple[str, str]]):
    """A list of string pairs kept as JSON until first read."""

    def __init__(self, blob: bytes) -> None:
        self._blob: bytes | None = blob
        self._items: list[tuple[str, str]] = []

    def _all(self) -> list[tuple[str, str]]:
        if self._blob is not None:
            self._items = [(a, b) for a, b in json.loads(self._blob)]
            self._blob = None
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._all())

    @overload
    def __getitem__(self, at: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, at: slice) -> Sequence[tuple[str, str]]: ...

    def __getitem__(self, at: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        return self._all()[at]


class TableBuilder:
    """Collects the names of an index in order and makes the :class:`NameTable`."""

    def __init__(self) -> None:
        self.entry_first: list[int] = [0]
        self.entry_schema: list[str] = []
        self.name_total: list[float] = []
        self.name_numbers: list[int] = []
        self.numbers: dict[tuple[str, ...], int] = {}
        self.joined: list[tuple[str, str]] = []
        self.tok_name: list[int] = []
        self.tok_weight: list[float] = []
        self.tok_vocab: list[int] = []
        self.vocab: dict[tuple[str, str], int] = {}
        self.free: dict[tuple[str, str], list[int]] = {}
        self.acronyms: dict[str, list[int]] = {}
        self.token_postings: dict[str, list[int]] = {}
        self.glue_postings: dict[str, list[int]] = {}

    def add_entry(self, schema: str, shapes: Sequence[Any]) -> None:
        """One entry's names (:class:`~moneytrail.screen.index.Shape` each), in order."""
        for shape in shapes:
            name = len(self.name_total)
            self.name_total.append(shape.total)
            self.name_numbers.append(self.numbers.setdefault(shape.numbers, len(self.numbers)))
            self.joined.append(shape.joined)
            for weight, keys, canon, raw in shape.parts:
                token = len(self.tok_name)
                self.tok_name.append(name)
                self.tok_weight.append(weight)
                if keys:
                    self.tok_vocab.append(self.vocab.setdefault((canon, raw), len(self.vocab)))
                    for key in keys:
                        self.token_postings.setdefault(key, []).append(token)
                else:
                    self.tok_vocab.append(-1)
                    self.free.setdefault((canon, raw), []).append(name)
            for key in shape.acronyms:
                self.acronyms.setdefault(key, []).append(name)
            for key in shape.glue_keys:
                self.glue_postings.setdefault(key, []).append(name)
        self.entry_first.append(len(self.name_total))
        self.entry_schema.append(schema)

    def table(self) -> NameTable:
        """The arrays of every name added."""
        return NameTable(
            np.array(self.entry_first, np.int32),
            self.entry_schema,
            np.array(self.name_total, np.float64),
            np.array(self.name_numbers, np.int32),
            list(self.numbers),
            self.joined,
            np.array(self.tok_name, np.int32),
            np.array(self.tok_weight, np.float64),
            np.array(self.tok_vocab, np.int32),
            list(self.vocab),
            {k: np.unique(np.array(v, np.int32)) for k, v in self.free.items()},
        )

    def postings(self) -> dict[str, IntArray]:
        """Key -> the ids of the list words holding it."""
        return {k: np.array(v, np.int32) for k, v in self.token_postings.items()}

    def acronym(self) -> dict[str, IntArray]:
        """Acronym key -> the ids of the list names spelling it."""
        return {k: np.unique(np.array(v, np.int32)) for k, v in self.acronyms.items()}

    def glue(self) -> dict[str, IntArray]:
        """Key -> the ids of the list names with two neighbouring words that, glued, hold it."""
        return {k: np.unique(np.array(v, np.int32)) for k, v in self.glue_postings.items()}


@lru_cache(maxsize=262144)
def could_pair(canon: str, raw: str, other_canon: str, other_raw: str) -> bool:
    """Whether a token without keys (particle, marker, initial) may pair with another token:
    same word or initial, or spellings at least half alike (every rule of
    :func:`~moneytrail.screen.compare.token_similarity` that reaches 0.75 needs that)."""
    if canon == other_canon or raw == other_raw:
        return True
    if len(canon) == 1 or len(other_canon) == 1:
        return canon[0] == other_canon[0] or raw[:1] == other_raw[:1]
    return (
        max(
            OSA.normalized_similarity(canon, other_canon), OSA.normalized_similarity(raw, other_raw)
        )
        >= 0.5
    )


def _union(arrays: list[IntArray]) -> IntArray:
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int32)


FULL, PASS, TIGHT = 0, 1, 2  # what is left to decide of a kept name (Stage.verdict)


@dataclass
class Stage:
    """The names the first stage keeps, and what is left to decide of each (``verdict``):
    ``FULL``: run ``may_reach`` (a name without weighed words); ``PASS``: ``may_reach`` lets it
    through before its bound (an acronym pair, the same letters joined otherwise); ``TIGHT``:
    it passed the first stage, exactly as ``may_reach`` computes it; its second stage is left,
    which needs ``numbers``, ``extra`` and ``swap`` (is the list name the shorter side)."""

    names: IntArray
    verdict: npt.NDArray[np.int8]
    numbers: FloatArray
    extra: FloatArray
    swap: BoolArray
    glue: BoolArray  # False: no glued word of either side shares a key with a word opposite

    @classmethod
    def everything(cls, names: IntArray) -> Stage:
        """Every name kept, each for ``may_reach`` to decide."""
        size = len(names)
        zeros = np.zeros(size, np.float64)
        ones = np.ones(size, np.bool_)
        return cls(names, np.full(size, FULL, np.int8), zeros, zeros, ~ones, ones)


def _ranges(first: npt.NDArray[Any], ids: npt.NDArray[Any]) -> tuple[IntArray, IntArray]:
    """The rows ``first[i]`` to ``first[i + 1]`` of each id of ``ids``, in order, and the rank
    of the id each row belongs to (a row is its id's first row plus its rank among them)."""
    starts, counts = first[ids], first[ids + 1] - first[ids]
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    rows = (offsets + np.arange(int(counts.sum()))).astype(np.int32)
    return rows, np.repeat(np.arange(len(ids), dtype=np.int32), counts)


def survivors(index: Postings, query: Any, names: IntArray, floor: float) -> Stage:
    """The names among ``names`` (ids) that ``may_reach(query, name, floor)`` could let through;
    ``query`` is the query's :class:`~moneytrail.screen.index.Shape`. Only the words of
    ``names`` are read (the work grows with the candidates and the query's postings, not the
    list)."""
    if not len(names) or not query.total:
        return Stage.everything(names)  # a query without weighed words: may_reach decides
    table = index.name_table()
    found = index.token_postings_of(sorted(query.keys | query.glue_keys))
    words, owner = _ranges(table.name_tok_first, names)
    # the list words that may find a partner in the query (may_reach's hit of the name side)
    shared = np.zeros(len(table.tok_name), np.bool_)
    shared[_union([found[k] for k in query.keys if k in found])] = True
    hit_words = shared[words] | table.tok_keyless[words]
    if query.free:
        spelling = table.tok_vocab[words]
        keyed = spelling >= 0
        for canon, raw in query.free:
            hit_words[keyed] |= table.vocab_mask(canon, raw)[spelling[keyed]]
    weights = np.where(hit_words, table.tok_weight[words], 0.0)
    hit_n = np.bincount(owner, weights=weights, minlength=len(names))
    # the query words that may find a partner in each name, summed in the query's order
    hit_q = np.zeros(len(names), np.float64)
    for weight, keys, canon, raw in query.parts:
        if not keys:
            hit_q += weight
            continue
        partner = np.zeros(table.size, np.bool_)
        tokens = [found[k] for k in keys if k in found]
        if tokens:
            partner[table.tok_name[_union(tokens)]] = True
        partner[table.free_partners(canon, raw)] = True
        hit_q += np.where(partner[names], weight, 0.0)
    # may the scorer glue two neighbouring words of one side to meet a word of the other?
    glue = np.zeros(table.size, np.bool_)
    glue[table.tok_name[_union([found[k] for k in query.glue_keys if k in found])]] = True
    glue[_union(index.glue_postings_of(sorted(query.keys)))] = True
    same = table.name_numbers[names] == table._number_ids.get(query.numbers, -1)
    numbers = np.where(same, float(len(query.numbers)), 0.0)
    q_total = query.total + numbers
    n_total = table.name_total[names] + numbers
    hit_q, hit_n = hit_q + numbers, hit_n + numbers
    swap = q_total > n_total
    short_total = np.where(swap, n_total, q_total)
    short_hit = np.where(swap, hit_n, hit_q)
    long_gap = np.where(swap, q_total - hit_q, n_total - hit_n)
    extra = 1 - np.minimum(EXTRA_PENALTY_MAX, EXTRA_PENALTY * np.maximum(0.0, long_gap))
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = short_hit / short_total * extra - CONFLICT_PENALTY * (short_total - short_hit)
    verdict = np.where(bound >= floor, TIGHT, -1).astype(np.int8)
    verdict[bound < floor - SLACK] = -1
    verdict[(bound >= floor - SLACK) & (bound < floor)] = FULL  # a rounding away: let it decide
    passing = _joined_close(table, query, names)
    if query.mirror:
        passing |= np.isin(names, _union(index.acronym_postings_of(sorted(query.mirror))))
    verdict[passing] = PASS
    verdict[table.name_total[names] == 0] = FULL
    kept = verdict >= 0
    return Stage(
        names[kept], verdict[kept], numbers[kept], extra[kept], swap[kept], glue[names][kept]
    )


def _joined_close(table: NameTable, query: Any, names: IntArray) -> BoolArray:
    """may_reach's ``_joined_close`` for each name, the same test (the length gap first, in
    arrays)."""
    q = len(query.joined[0])
    assert table.joined_len is not None  # set by NameTable.__post_init__
    lengths = table.joined_len[names]
    window = np.abs(lengths - q) <= (1 - JOINED_FLOOR) * np.maximum(lengths, q)
    close = np.zeros(len(names), np.bool_)
    for at in np.flatnonzero(window):
        j0, j1 = table.joined[names[at]]
        close[at] = (
            Levenshtein.normalized_similarity(query.joined[0], j0) >= JOINED_FLOOR
            or Levenshtein.normalized_similarity(query.joined[1], j1) >= JOINED_FLOOR
        )
    return close
