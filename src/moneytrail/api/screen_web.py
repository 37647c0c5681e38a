"""Screening hits told in sentences, for the workbench's screening page.

Why here and not in the page: the explanation of a hit (``NameHit.explanation``) is data made
for a machine — feature names and numbers. An analyst must read *which name variant matched
which* and *what each part added or took away* in their language, and the JSON twin of the page
should carry the same sentences, so both faces take them from this one function. The texts are
the workbench's (``web.screen.why.*`` in ``web_screen.yaml``). Example::

    with Workspace.open("enquete") as ws:
        found = screen_explained(ws, "Iyad Ag Ghaly", dob="1958", lang="fr")
        found.hits[0].band, found.hits[0].sentences[0]
        # ('match', '« Iyad Ag Ghaly » rapproché de « IYAD AG GHALI » ...')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from moneytrail.i18n import translate

if TYPE_CHECKING:
    from moneytrail.api.screening import NameHit, ScreenedQuery
    from moneytrail.api.workspace import Workspace

__all__ = ["BANDS", "ExplainedHit", "ExplainedScreening", "explain_hit", "screen_explained"]

BANDS = ("match", "review")
"""A hit at or above the threshold is a ``match``; a lower one (above the review floor) is to
``review``."""

_KNOWN = frozenset(
    {
        "name_variant",
        "phonetic",
        "transliteration",
        "phonetic_close",
        "spelling_close",
        "name_symbol",
        "abd_prefix",
        "initial",
        "acronym",
        "word_split",
        "other_syllables",
        "number_mismatch",
        "extra_words",
        "unmatched_words",
        "words_joined",
        "single_word_name",
        "different_father",
        "roles_swapped",
        "legal_form_differs",
        "dob_match",
        "dob_mismatch",
        "country_match",
        "country_mismatch",
        "identifier_match",
    }
)


@dataclass
class ExplainedHit:
    """A list entry that scored, its decision band and its explanation in sentences."""

    hit: NameHit
    band: str
    sentences: list[str]


@dataclass
class ExplainedScreening:
    """One name screened against the workspace's lists, every hit explained, best first."""

    query: ScreenedQuery
    threshold: float
    entries_indexed: int
    hits: list[ExplainedHit]


def _number(value: Any, lang: str, signed: bool = False) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:+.2f}" if signed else f"{number:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def _words(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _feature_sentence(feature: dict[str, Any], lang: str) -> str:
    name = str(feature.get("feature", ""))
    params = {
        "query": _words(feature.get("query")),
        "list": _words(feature.get("list")),
        "words": _words(feature.get("words")),
        "values": _words(feature.get("values")),
        "value": _number(feature.get("value", 0), lang, signed=True),
        "plain": _number(feature.get("value", 0), lang),
        "feature": name,
    }
    key = f"web.screen.why.{name}" if name in _KNOWN else "web.screen.why.other"
    return translate(key, lang, **params)


def explain_hit(hit: NameHit, query: str, lang: str) -> list[str]:
    """The hit in sentences: which name matched which, then one sentence per score part."""
    why = hit.explanation
    alias = hit.matched_name != hit.name
    first = translate(
        "web.screen.why.pairing_alias" if alias else "web.screen.why.pairing",
        lang,
        query=query,
        matched=hit.matched_name,
        name=hit.name,
        entry=hit.entry_id,
        source=hit.source,
        name_score=_number(why.get("name_score", hit.score), lang),
        score=_number(hit.score, lang),
    )
    features: Iterable[dict[str, Any]] = why.get("features", [])
    rest = [_feature_sentence(f, lang) for f in features]
    if not rest:
        rest = [translate("web.screen.why.exact", lang)]
    return [first, *rest]


def screen_explained(
    ws: Workspace,
    name: str,
    *,
    dob: str | None = None,
    countries: Iterable[str] = (),
    schema: str | None = None,
    lang: str = "fr",
) -> ExplainedScreening:
    """``ws.screening.name`` with each hit's band and sentences (a usage error for an unreadable
    date, country or kind, or when the workspace holds no list)."""
    found = ws.screening.name(name, dob=dob, countries=countries, schema=schema)
    hits = [
        ExplainedHit(hit, "match" if hit.match else "review", explain_hit(hit, name, lang))
        for hit in found.hits
    ]
    return ExplainedScreening(found.query, found.threshold, found.entries_indexed, hits)
