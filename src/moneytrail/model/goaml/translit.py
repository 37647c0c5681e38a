"""Names on the way out to goAML: the documented transliteration to the schema's ASCII set.

goAML schemas restrict names to a few ASCII characters (UAE 5.0.2: ``[a-zA-Z0-9 .'-]``; Sri
Lanka 2.0: letters and single spaces), so "Aïssata Maïga" or "محمد ولد عبد القادر" must be
written in Latin letters. The rule, applied in this order (docs/goaml-profiles.md):

1. NFC normalisation (a decomposed "ï" and a precomposed one give the same result);
2. anyascii (ISC licence) turns every character into ASCII: "ï" -> "i", "ß" -> "ss",
   Arabic letters -> their usual Latin letters (the short vowels Arabic does not write stay
   unwritten: "محمد" -> "mhmd");
3. a word written in a script without capitals (Arabic, N'Ko, Tifinagh...) gets a capital
   on its first letter, as a name in Latin letters would ("عبد" -> "`Bd");
4. the marks anyascii uses for the Arabic ʿayn and hamza (`` ` `` and ``'``) and typographic
   apostrophes become ``'`` when the profile allows it, else disappear;
5. any other character outside the profile's set becomes a space when it is punctuation, a
   symbol or a separator ("Jean-Baptiste" with no hyphen allowed -> "Jean Baptiste"), else
   disappears;
6. runs of spaces collapse to one and the ends are trimmed.

The result always matches the profile's character set. Whether anything changed is returned
too (:func:`transliterate_name`): the writer keeps the original spelling in the report's
comment field when it did, so no information is lost for the analyst at the FIU.

>>> goaml_ascii("Aïssata Maïga")
'Aissata Maiga'
>>> goaml_ascii("محمد ولد عبد القادر")
"Mhmd Wld 'Bd Lqdr"
>>> goaml_ascii("Ousmane N’Diaye", allowed="a-zA-Z ")
'Ousmane NDiaye'
>>> goaml_ascii("Jean-Baptiste Koné", allowed="a-zA-Z ")
'Jean Baptiste Kone'
>>> transliterate_name("Moussa Traoré").changed
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

UAE_NAME_CHARACTERS = "a-zA-Z0-9 .'-"
"""The characters of the UAE 5.0.2 name pattern ``[a-zA-Z0-9 .'-]*`` (the default)."""

_APOSTROPHES = frozenset("`'\u2018\u2019\u02bc\u02be\u02bf\u00b4")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Transliteration:
    """A name as the schema allows it, the original, and whether they differ."""

    text: str
    original: str
    changed: bool


@cache
def _allowed_class(allowed: str) -> re.Pattern[str]:
    return re.compile(f"[{allowed}]")


def _capitalised(word: str) -> str:
    """Title-case ``word``'s transliteration when the original script has no capitals."""
    ascii_word = anyascii(word)
    if any(ch.isalpha() for ch in word) and not any(ch.isupper() or ch.islower() for ch in word):
        for i, ch in enumerate(ascii_word):
            if ch.isalpha():
                return ascii_word[:i] + ch.upper() + ascii_word[i + 1 :]
    return ascii_word


def goaml_ascii(text: str, allowed: str = UAE_NAME_CHARACTERS) -> str:
    """``text`` written with the characters of the regex class ``[allowed]`` only.

    >>> goaml_ascii("  Ségou   Café ")
    'Segou Cafe'
    >>> goaml_ascii("Ибрагим")
    'Ibragim'
    """
    keep = _allowed_class(allowed)
    apostrophe = "'" if keep.fullmatch("'") else ""
    words = unicodedata.normalize("NFC", text).split()
    ascii_text = " ".join(_capitalised(word) for word in words)
    out: list[str] = []
    for ch in ascii_text:
        if keep.fullmatch(ch):
            out.append(ch)
        elif ch in _APOSTROPHES:
            out.append(apostrophe)
        elif unicodedata.category(ch)[0] in "PZSC":
            out.append(" ")
    return _SPACES.sub(" ", "".join(out)).strip()


def transliterate_name(text: str, allowed: str = UAE_NAME_CHARACTERS) -> Transliteration:
    """:func:`goaml_ascii` with the original and whether it changed (then the writer keeps
    the original in the report's comment field).

    >>> transliterate_name("Amadou Diallo")
    Transliteration(text='Amadou Diallo', original='Amadou Diallo', changed=False)
    """
    result = goaml_ascii(text, allowed)
    return Transliteration(text=result, original=text, changed=result != text)
