"""Name normalisation: any script and spelling to comparable tokens (a value type).

Why: the same Malian may be listed as ``Mouhamadou Ould Sidi Ahmed``, ``Muhammad Uld Sidi Ahmad`` or
``محمد ولد سيدي أحمد``. Comparing raw strings misses him; so each name becomes tokens carrying a
canonical form (transliterated to ASCII, given-name variants folded to one key), a *kind*
(name, particle, patronymic marker, legal form, number) that sets its weight, and a phonetic
skeleton for spellings no table lists.

The knowledge is data (``data/names.yaml``); this module only interprets it. Screening
(:mod:`moneytrail.screen`) and entity resolution (:mod:`moneytrail.resolve`) both compare names
through it, so it lives with the value types, below both. rigour (and ICU behind it) is
imported on first use: importing this module costs almost nothing.

Example::

    >>> [t.canon for t in tokenize("Mouhamadou Ould Abdel Kader", "Person")]
    ['muhammad', 'bin', 'abdulkadir']
    >>> skeleton("ousmane") == skeleton("usman")
    True
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from moneytrail.model.memo import DiskMemo, cache_dir, memo_for

NAME, PARTICLE, MARKER, LEGAL, NUMBER = "name", "particle", "marker", "legal", "number"
WEIGHTS = {NAME: 1.0, PARTICLE: 0.25, MARKER: 0.25, LEGAL: 0.2, NUMBER: 1.0, "generic": 0.5}
_SPLIT = re.compile(r"[^a-z0-9]+")
_ABD = re.compile(r"^abd(?:el|al|ul|oul|ou|u|e|a|o)?(?=[a-z]{3})")
_SKELETON_RULES = (
    ("tch", "c"), ("dj", "j"), ("ch", "s"), ("sh", "s"), ("kh", "k"), ("gh", "g"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("q", "k"), ("c", "k"),
    ("z", "s"), ("y", "i"), ("w", "u"), ("x", "ks"),
)  # fmt: skip


@dataclass(frozen=True)
class Token:
    """One word of a name: its canonical text, kind, weight and phonetic skeleton."""

    canon: str
    kind: str
    raw: str
    weight: float
    skeleton: str
    translit: bool = False  # written in another script: vowels are a guess, trust the skeleton
    symbols: frozenset[str] = frozenset()  # rigour's given-name groups and nicknames (persons)
    syllables: str = ""  # the whole name's Han / Hangul letters (see :func:`syllables`)

    def __post_init__(self) -> None:
        # the scorer's caches hash token pairs hundreds of thousands of times a batch: hash the
        # fields once (every field: tokens alike but for their weight must not collide)
        fields = (self.canon, self.kind, self.raw, self.weight, self.skeleton, self.translit)
        object.__setattr__(self, "_hash", hash((*fields, self.symbols, self.syllables)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[no-any-return,attr-defined]

    def __reduce__(self) -> tuple[type[Token], tuple[Any, ...]]:
        # rebuilt from its fields, so a process with another hash seed hashes it anew
        fields = (self.canon, self.kind, self.raw, self.weight, self.skeleton, self.translit)
        return (Token, (*fields, self.symbols, self.syllables))


@cache
def knowledge() -> dict[str, Any]:
    """The name tables of ``data/names.yaml``, indexed for lookups (loaded once a process).

    Indexing folds every spelling (about 0.2 s, a fifth of a one-off ``moneytrail screen``),
    so the result is kept as JSON in the cache directory under a key made of the tables, this
    module's source and the transliteration libraries' versions; a cache turned off or
    unreadable means folding again, never a wrong table."""
    tables = (resources.files("moneytrail.model") / "data" / "names.yaml").read_text("utf-8")
    stored = _knowledge_file(tables)
    if stored is not None and stored.is_file():
        try:
            return _knowledge_of(json.loads(stored.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged file is folded again and rewritten
    known = _fold_knowledge(tables)
    if stored is not None:
        _write_knowledge(stored, known)
    return known


def _knowledge_file(tables: str) -> Path | None:
    from importlib.metadata import PackageNotFoundError, version

    base = cache_dir()
    if base is None:
        return None
    digest = hashlib.sha256(tables.encode())
    digest.update(Path(__file__).read_bytes())
    for package in ("normality", "rigour", "PyICU"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            digest.update(package.encode())
    return base / f"names-knowledge-{digest.hexdigest()[:24]}.json"


def _write_knowledge(path: Path, known: dict[str, Any]) -> None:
    data = {
        **{k: sorted(v) for k, v in known.items() if isinstance(v, frozenset)},
        "variants": known["variants"],
        "legal": [[list(k), v] for k, v in known["legal"].items()],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".names-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        Path(name).replace(path)
    except OSError:
        pass  # a read-only cache: the next process folds the tables again


def _knowledge_of(data: dict[str, Any]) -> dict[str, Any]:
    legal = {tuple(k): str(v) for k, v in data["legal"]}
    return {
        "variants": {str(k): str(v) for k, v in data["variants"].items()},
        **{k: frozenset(data[k]) for k in ("markers", "particles", "titles", "generic")},
        "legal": legal,
        "legal_max": max(len(k) for k in legal),
    }


def _fold_knowledge(tables: str) -> dict[str, Any]:
    raw = yaml.load(tables, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    variants: dict[str, str] = {}
    for group in raw["given_name_variants"]:
        for spelling in group:
            key = _plain(str(spelling)).replace(" ", "")
            variants.setdefault(key, _plain(str(group[0])))
            variants.setdefault(_ABD.sub("abd", key), _plain(str(group[0])))
    legal: dict[tuple[str, ...], str] = {}
    for form, spellings in raw["legal_forms"].items():
        for spelling in spellings:
            legal[tuple(_plain(str(spelling)).split())] = str(form)
    return {
        "variants": variants,
        "markers": frozenset(raw["patronymic_markers"]),
        "particles": frozenset(raw["particles"]),
        "titles": frozenset(_plain(str(t)) for t in raw["titles"]),
        "legal": legal,
        "legal_max": max(len(k) for k in legal),
        "generic": frozenset(raw["generic_org_words"]),
    }


_ELISION = re.compile(r"\b([dlDL])['\u2019](?=[aeiouyhAEIOUYHéÉèÈ])")
_LEET = str.maketrans("013456789", "oieasgtbg")
_NUMBER_WORDS = {
    w: str(i)
    for i, group in enumerate(
        [
            "zero", "one first un une premier premiere", "two second deux deuxieme",
            "three third trois troisieme", "four fourth quatre", "five fifth cinq",
            "six sixth", "seven seventh sept", "eight eighth huit", "nine ninth neuf",
            "ten tenth dix",
        ]
    )
    for w in group.split()
}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
_ROMAN = re.compile(r"^(?=[ivx]{2,})x{0,3}(ix|iv|v?i{0,3})$")  # ii..xxxix, as series numbers
_ROMAN_VALUE = {"i": 1, "v": 5, "x": 10}
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|er|e|eme)$")


def _numbers(words: list[str], spelled: bool = True) -> list[str]:
    """Number words and ordinals as digits (``forty four`` -> ``44``, ``1st`` -> ``1``); words
    mixing letters and digits read as letters (``ig0r`` -> ``igor``, a common obfuscation).
    ``spelled=False`` keeps number words as words: in a person's name ``Un`` (Kim Jong Un) or
    ``Sept`` is a name, not a number."""
    out: list[str] = []
    for word in words:
        if m := _ORDINAL.match(word):
            word = m.group(1)
        elif any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
            word = word.translate(_LEET)
        if not spelled:
            out.append(word)
            continue
        if word in _ROMAN_VALUE and out and len(out[-1]) >= 3 and out[-1].isalpha():
            word = str(_ROMAN_VALUE[word])  # "Trust I", "Partners V", "Fund X": a series number
        elif _ROMAN.match(word):  # "Fund III", "Trust XV": a series number in an organisation
            values = [_ROMAN_VALUE[c] for c in word]
            word = str(
                sum(
                    -v if i + 1 < len(values) and v < values[i + 1] else v
                    for i, v in enumerate(values)
                )
            )
        word = _NUMBER_WORDS.get(word, word)
        if (
            out
            and out[-1].isdigit()
            and int(out[-1]) in _TENS.values()
            and len(word) == 1
            and word.isdigit()
        ):
            out[-1] = str(int(out[-1]) + int(word))
            continue
        out.append(str(_TENS[word]) if word in _TENS else word)
    return out


def _plain(text: str) -> str:
    """ASCII lower case words separated by single spaces (any script transliterated).

    A word of a script with no transliteration (Khmer) is spelled by its letters' Unicode names
    (``សុខ``: KHMER LETTER SA, VOWEL SIGN U, LETTER KHA -> ``saukha``), so two names in that
    script still meet; a letter the transliteration cannot render inside a word (Ethiopic
    ``ሕይወት`` -> ``h?y?wat``) is dropped rather than cutting the word in two."""
    text = _ELISION.sub(r"\1 ", text)  # French d'/l' + vowel: "d'intérêt" -> "d intérêt"
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "").replace("`", "")
    if not text.isascii():  # "贝拉克·奥巴马": non-ASCII punctuation separates words
        text = "".join(" " if ord(c) > 127 and _is_punct(c) else c for c in text)
    words = []
    for word in text.split():
        latin = _ascii(word).lower().replace("'", "")
        if "?" in latin and "?" not in word:
            latin = latin.replace("?", "")
            if not _LATIN.search(latin):
                latin = _spell_letters(word)
        words.append(latin)
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", " ".join(words))  # p.l.c. -> plc
    return " ".join(_SPLIT.split(text)).strip()


def _ascii(text: str) -> str:
    """rigour's ``ascii_text``; letter by letter when ICU refuses the whole text (an unassigned
    code point beside a kana iteration mark), an unconvertible letter becoming ``?``."""
    from rigour.text import ascii_text

    try:
        return ascii_text(text)
    except Exception:  # icu.ICUError, untyped
        if len(text) == 1:
            return "?"
        return "".join(_ascii(char) for char in text)


def _spell_letters(word: str) -> str:
    """A word of a script no transliteration knows, spelled by the last word of each letter's
    Unicode name (KHMER LETTER BA -> ``ba``, KHMER VOWEL SIGN U -> ``u``); other signs dropped."""
    import unicodedata

    spelled = []
    for char in word:
        parts = unicodedata.name(char, "").split()
        if "LETTER" in parts or "VOWEL" in parts:
            spelled.append(_LATIN_ONLY.sub("", parts[-1].lower()))
    return "".join(spelled)


def _is_punct(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char)[0] in "PSZ"


_LATIN = re.compile(r"[a-z0-9]")
_LATIN_ONLY = re.compile(r"[^a-z]")
_SYLLABIC = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@cache
def _to_simplified() -> Any:
    import icu  # type: ignore[import-untyped]  # PyICU, installed with normality

    return icu.Transliterator.createInstance("Traditional-Simplified")


def syllables(name: str) -> str:
    """The Han and Hangul letters of ``name``, one syllable each (Chinese in simplified form).

    Why: the Latin spelling hides which syllable was written (``小明`` and ``晓明`` are both
    ``xiao ming``); two names in these scripts compare their own letters too.

    >>> syllables("陳大文"), syllables("Lee 종호")
    ('陈大文', '종호')
    """
    letters = "".join(_SYLLABIC.findall(name))
    return str(_to_simplified().transliterate(letters)) if letters else ""


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Phonetic key of a transliterated word: common digraphs folded, inner vowels dropped.

    Built for Arabic and West African names written by French or English ears (ou/u, ch/sh,
    kh/k, dj/j, q/k, doubled letters).

    >>> skeleton("mouhamed"), skeleton("muhammad"), skeleton("cheikh"), skeleton("shaykh")
    ('mhmd', 'mhmd', 'sk', 'sk')
    """
    for old, new in _SKELETON_RULES:
        word = word.replace(old, new)
    if not word:
        return ""
    head, tail = word[0], re.sub(r"[aeiou]", "", word[1:])
    key = head + tail
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=65536)
def name_symbols(word: str) -> frozenset[str]:
    """The person-name groups rigour's tables put ``word`` in: one Wikidata given-name item
    across languages and romanisations (``ivan``/``iwan``, ``chang``/``zhang``) or one
    nickname group (``ted``/``theodore``, ``bob``/``robert``).

    Answers are kept in the disk memo (:mod:`moneytrail.model.memo`): rigour's tagger takes
    seconds to load, and a process that only meets words asked before never loads it.

    >>> bool(name_symbols("bob") & name_symbols("robert"))
    True
    """
    memo = _symbol_memo()
    known = memo.get(word)
    if known is not None:
        return frozenset(known)
    found = _rigour_symbols(word)
    memo.put(word, sorted(found))
    return found


@lru_cache(maxsize=1)
def _symbol_memo() -> DiskMemo:
    from importlib.metadata import version

    return memo_for("name-symbols", version("rigour"))


def _rigour_symbols(word: str) -> frozenset[str]:
    from rigour.names import NameTypeTag, analyze_names
    from rigour.names.symbol import SymbolCategory

    kept = (SymbolCategory.NAME, SymbolCategory.NICK)
    found: set[str] = set()
    for name in analyze_names(
        NameTypeTag.PER, [word], consolidate=False, phonetics=False, numerics=False
    ):
        found.update(str(s) for s in name.symbols if s.category in kept)
    return frozenset(found)


def _canon_word(word: str) -> str:
    table = knowledge()["variants"]
    if word in table:
        return str(table[word])
    stripped = _ABD.sub("abd", word) if word.startswith("abd") else word
    return str(table.get(stripped, stripped))


def _join_compounds(words: list[str]) -> list[str]:
    """Glue split compound names: ``abdel kader`` -> ``abdelkader``, ``abd al rahman``."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("abd", "abdel", "abdul", "abdoul", "abdal", "abdou", "abdu") and i + 1 < len(
            words
        ):
            nxt = i + 1
            if words[nxt] in ("al", "el", "ul", "ar", "er", "ur", "as", "es") and nxt + 1 < len(
                words
            ):
                nxt += 1
            out.append("abd" + words[nxt])
            i = nxt + 1
            continue
        if (
            word in ("abu", "abou", "abo", "bou")
            and i + 1 < len(words)
            and words[i + 1] in ("bakr", "bakar", "bacar", "baker")
        ):
            out.append("abubakar")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def _legal_spans(words: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, form) of legal-form phrases, longest first, not overlapping."""
    table, longest = knowledge()["legal"], knowledge()["legal_max"]
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            form = table.get(tuple(words[i : i + size]))
            if form is not None:
                spans.append((i, i + size, form))
                i += size
                break
        else:
            i += 1
    return spans


def _strip_accents(text: str) -> str:
    """Latin text without diacritics (é -> e): tells accents apart from another script."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def tokenize(name: str, schema: str = "Person") -> tuple[Token, ...]:
    """Tokens of ``name`` read as a ``schema`` name (Person rules or organisation rules)."""
    known = knowledge()
    translit = not name.isascii() and _ascii(name).lower() != _strip_accents(name).lower()
    own = syllables(name) if translit else ""
    if own:  # one word per syllable: 김정은 -> gim jeong eun, as "Kim Jong Un" is written
        name = _SYLLABIC.sub(lambda m: f" {m.group()} ", name)
    person = schema == "Person"
    rigour_forms: frozenset[str] = frozenset()
    if not person:  # rigour's org-type tables: every language's legal forms, one compare form
        from rigour.names import extract_org_types, replace_org_types_compare

        rigour_forms = frozenset(
            _plain(form)
            for _, form in extract_org_types(name.lower())
            if not _ROMAN.match(_plain(form))  # rigour reads "II" as a legal form
        )
        if rigour_forms:
            name = replace_org_types_compare(name.lower())
    words = _numbers(_plain(name).split(), spelled=not person)
    tokens: list[Token] = []
    if person:
        words = [w for w in words if w not in known["titles"]]
        for position, word in enumerate(_join_compounds(words)):
            kind = (
                NAME
                if position == 0 or len(words) == 1
                else MARKER
                if word in known["markers"]
                else PARTICLE
                if word in known["particles"]
                else NAME
            )
            canon = "bin" if kind == MARKER else _canon_word(word)
            kind = NUMBER if word.isdigit() else kind
            symbols = name_symbols(word) if kind == NAME and len(word) > 1 else frozenset()
            tokens.append(
                Token(canon, kind, word, WEIGHTS[kind], skeleton(canon), translit, symbols, own)
            )
        return tuple(tokens)
    spans = {start: (end, form) for start, end, form in _legal_spans(words)}
    i = 0
    while i < len(words):
        if i in spans:
            end, form = spans[i]
            tokens.append(Token(form, LEGAL, " ".join(words[i:end]), WEIGHTS[LEGAL], form))
            i = end
            continue
        word = words[i]
        if word in rigour_forms:
            form = known["legal"].get((word,), word)
            tokens.append(Token(form, LEGAL, word, WEIGHTS[LEGAL], form))
            i += 1
            continue
        kind = (
            NUMBER
            if any(c.isdigit() for c in word)
            else "generic"
            if word in known["generic"]
            else NAME
        )
        tokens.append(
            Token(
                word,
                NAME if kind == "generic" else kind,
                word,
                WEIGHTS[kind],
                skeleton(word),
                translit,
                syllables=own,
            )
        )
        i += 1
    return tuple(tokens)
