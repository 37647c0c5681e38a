"""Split the alias strings lists publish into the names they hold.

Why: lists write several names in one field. The UN writes ``Qasim Soleimani; Qasem Sulaimani``,
``Jin Tiesan (金铁三)``, ``حسن غول (Hassan Ghul; Hassan Gul)``, ``Hay'at Tahrir al-Sham (HTS)
(هيئة تحرير الشام (original script); ...)`` and ``Safia Farkash, born 1 Jan. 1953 (Oman passport
no. 03825239 ...)``. Indexed whole, such a string is one long "name" that no query resembles and
that matches anything sharing a few of its words. Every loader's names go through
:func:`split_name` (``load_list``), so every list format gains it.

Rules, each general: ``;`` separates names; a parenthesised part is a name of its own unless it
is a note (``birth name``, ``COMBAT NAME``, ``third``, a passport or birth detail) or a single
word qualifying a longer name that is not its acronym (``FOUNDATION (KENYA)`` stays whole and
gains ``FOUNDATION``; ``... PENINSULA (AQAP)`` gains ``AQAP``); the part before it stays a name
too; ``(original script)`` is dropped; a tail ``, born ...`` is dropped. A string without
separator is kept as it is.

Example::

    >>> split_name("Qasim Soleimani; Qasem Sulaimani")
    ('Qasim Soleimani', 'Qasem Sulaimani')
    >>> split_name("Abdelali Abou Dher (عبد العالي ابو ذر)")
    ('Abdelali Abou Dher', 'عبد العالي ابو ذر')
    >>> split_name("Safia Farkash, born 1 Jan. 1953 (Oman passport no.03825239)")
    ('Safia Farkash',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from moneytrail.screen.entry import ListEntry

_SCRIPT_NOTE = re.compile(r"\(\s*original\s+script\s*\)|\boriginal\s+script\s*:", re.IGNORECASE)
_ENUMERATOR = re.compile(r"(?:^|\s)[a-h]\)\s")  # "a) Name; b) Other name"
_BORN_TAIL = re.compile(r",?\s+born\b.*$", re.IGNORECASE | re.DOTALL)
_NOTE = re.compile(
    r"\b(?:birth\s+name|combat\s+name|name|third|second|first|false\s+identity|passport|born"
    r"|identification|formerly|previously|nee|née|alias|a\.k\.a|f\.k\.a|also|known)\b",
    re.IGNORECASE,
)


def _groups(text: str) -> tuple[str, list[str]]:
    """The text outside any parentheses and each top-level parenthesised part (nested
    parentheses stay inside their part; an unbalanced ``)`` or ``(`` is read as a space)."""
    outside: list[str] = []
    inside: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            if depth:
                current.append(char)
            depth += 1
        elif char == ")":
            if depth == 0:
                outside.append(" ")
                continue
            depth -= 1
            if depth:
                current.append(char)
            else:
                inside.append("".join(current))
                current = []
                outside.append(" ; ")
        elif depth:
            current.append(char)
        else:
            outside.append(char)
    if current:
        inside.append("".join(current))
    return "".join(outside), inside


def _clean(part: str) -> str:
    return " ".join(part.split()).strip(" ,.;:-")


def _is_note(part: str) -> bool:
    """A parenthesised part that is no name: a note or a detail with numbers."""
    return not part or bool(_NOTE.search(part)) or any(c.isdigit() for c in part)


def _initials(head: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-]+", head.upper()) if w and w[0].isalpha())


def _is_acronym(word: str, head: str) -> bool:
    """``AQAP`` of ``AL-QAIDA IN THE ARABIAN PENINSULA``: its letters, in order, are initials
    of the name's words."""
    letters = iter(_initials(head))
    return word.isalpha() and len(word) >= 2 and all(c in letters for c in word.upper())


def split_name(raw: str) -> tuple[str, ...]:
    """The names one published name string holds (see the module docstring)."""
    text = _ENUMERATOR.sub(" ; ", _SCRIPT_NOTE.sub(" ", raw))
    if not any(sep in text for sep in ";()") and not _BORN_TAIL.search(text):
        return (_clean(text),) if text != raw else (raw,)
    text = _BORN_TAIL.sub("", text)
    outside, inside = _groups(text)
    names = [p for p in (_clean(p) for p in outside.split(";")) if p]
    head = names[0] if names else ""
    for part in inside:
        if ";" in part or "(" in part:
            names.extend(split_name(part))
            continue
        cleaned = _clean(part)
        if _is_note(cleaned):
            continue
        qualifier = " " not in cleaned and cleaned.isascii() and len(head.split()) >= 2
        if qualifier and not _is_acronym(cleaned, head):
            # one word qualifying a longer name ("AL-HARAMAIN FOUNDATION (KENYA)"): the
            # qualified name is the name; the bare one stays too (a branch of one network)
            names.insert(0, f"{head} ({cleaned})")
            continue
        names.append(cleaned)
    kept = tuple(dict.fromkeys(n for n in names if any(c.isalnum() for c in n)))
    return kept or (raw,)


def split_names(names: Iterable[str]) -> tuple[str, ...]:
    """Every name of ``names`` split, first-seen order, duplicates dropped."""
    return tuple(dict.fromkeys(n for name in names for n in split_name(name)))


def split_entry_names(entries: list[ListEntry]) -> list[ListEntry]:
    """Entries whose names are split (:func:`split_name`); the primary name stays first."""
    out = []
    for entry in entries:
        names = split_names(entry.names)
        out.append(entry if names == entry.names else replace(entry, names=names))
    return out
