"""The ``sahel-names`` scorer (version 4): one query against one list entry, explained.

Why a named, versioned scorer: a finding says which algorithm produced it, so when the rules
change (v2, v3) old findings stay interpretable and can be re-run. The name score is the best
:func:`~moneytrail.screen.compare.compare_tokens` over the entry's names; facts corroborate or
penalise it: a date of birth within ``dob_year_tolerance`` years (bonus) or only far-off dates
(penalty), a shared or disjoint country/nationality, a shared identifier (strong bonus). Every
step is a feature in the explanation.

Example::

    >>> from moneytrail.screen.entry import ListEntry
    >>> e = ListEntry("QDi.316", "Person", ("IYAD AG GHALI",), birth_dates=("1958",))
    >>> hit = score_entry(Query("Iyad Ag Ghaly", birth_date="1958-01-01"), e, ScreenSettings())
    >>> hit.score >= 0.9, [f["feature"] for f in hit.features][-1]
    (True, 'dob_match')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from moneytrail.errors import UsageError
from moneytrail.model.names import Token
from moneytrail.screen.compare import compare_tokens
from moneytrail.screen.entry import (
    MAX_NAME_CHARS,
    ListEntry,
    country_code,
    iso_partial,
    usable_name,
)
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.tokens import screen_tokens

SCORER_NAME = "sahel-names"
SCORER_VERSION = 6  # v6: an initial and a sound-alike word are one word (decision 0156)
PERSON_ONLY = frozenset({"Person"})
_ID_CLEAN = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Query:
    """What is screened: a name and, when known, facts that corroborate a hit."""

    name: str
    schema: str | None = None  # Person | Organization | None (compare with the entry's rules)
    birth_date: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


_KINDS = {"person": "Person", "organization": "Organization", "organisation": "Organization"}


def checked_query(
    name: str,
    schema: str | None = None,
    dob: str | None = None,
    countries: Iterable[str] = (),
) -> Query:
    """The screened name and its facts as a user wrote them, each checked.

    Why refuse rather than ignore: a fact that cannot be read would be silently dropped
    (``--dob 21/03/58``) or turn the rules (``person`` read as a company), so each is a
    :class:`~moneytrail.errors.UsageError` naming the value. ``schema`` is ``Person`` or
    ``Organization`` in any case (``organisation`` too); ``dob`` a full or partial date;
    ``countries`` ISO codes or country names, kept once each in order.

    >>> query = checked_query("Iyad Ag Ghaly", "person", "1958", ["Mali", "ML"])
    >>> query.schema, query.birth_date, query.countries
    ('Person', '1958', ('ML',))
    """
    if not usable_name(name):
        raise UsageError("error.screen_name_empty")
    if len(name) > MAX_NAME_CHARS:
        raise UsageError("error.screen_name_too_long", length=len(name), max=MAX_NAME_CHARS)
    kind = _KINDS.get(schema.strip().lower()) if schema is not None else None
    if schema is not None and kind is None:
        raise UsageError("error.screen_schema_invalid", value=schema)
    birth = iso_partial(dob) if dob is not None else None
    if dob is not None and birth is None:
        raise UsageError("error.screen_dob_invalid", value=dob)
    codes = []
    for raw in countries:
        code = country_code(raw)
        if code is None:
            raise UsageError("error.screen_country_invalid", value=raw)
        codes.append(code)
    return Query(name, kind, birth, tuple(dict.fromkeys(codes)))


@dataclass
class Hit:
    """A scored list entry: overall score, best name, and the explanation."""

    entry: ListEntry
    score: float
    name_score: float
    matched_name: str
    features: list[dict[str, Any]] = field(default_factory=list)
    tag: str = ""  # which list (version) the entry came from, set by the candidate index
    # the same person on other lists, (tag, entry id), merged into this hit (screen.merge)
    also: list[tuple[str, str]] = field(default_factory=list)

    def explanation(self) -> dict[str, Any]:
        """JSON-ready explanation stored with a finding."""
        return {
            "scorer": SCORER_NAME,
            "version": SCORER_VERSION,
            "matched_name": self.matched_name,
            "name_score": round(self.name_score, 4),
            "score": round(self.score, 4),
            "features": self.features,
            **({"also_listed": [list(x) for x in self.also]} if self.also else {}),
        }


def rules_for(query: Query, entry: ListEntry) -> str | None:
    """Which name rules apply; ``None`` when a person is compared with a company or vessel."""
    return rules_for_schema(query.schema, entry.schema)


def rules_for_schema(query_schema: str | None, entry_schema: str) -> str | None:
    """:func:`rules_for` from the two schemas alone (the index keeps entries' schemas)."""
    if query_schema is None or entry_schema == "LegalEntity":
        return "Person" if entry_schema in PERSON_ONLY else "Organization"
    if (query_schema in PERSON_ONLY) != (entry_schema in PERSON_ONLY):
        return None
    return "Person" if query_schema in PERSON_ONLY else "Organization"


def _years(values: tuple[str, ...]) -> list[int]:
    return [int(v[:4]) for v in values if v[:4].isdigit()]


def corroborate(
    query: Query, entry: ListEntry, settings: ScreenSettings
) -> tuple[float, list[dict[str, Any]]]:
    """Score change and features from the query's facts (birth date, countries, identifiers)."""
    delta = 0.0
    features: list[dict[str, Any]] = []
    if query.birth_date and entry.birth_dates and query.birth_date[:4].isdigit():
        year = int(query.birth_date[:4])
        close = [
            y for y in _years(entry.birth_dates) if abs(y - year) <= settings.dob_year_tolerance
        ]
        if close:
            delta += settings.dob_match_bonus
            features.append(
                {
                    "feature": "dob_match",
                    "query": query.birth_date,
                    "list": list(entry.birth_dates),
                    "value": settings.dob_match_bonus,
                }
            )
        elif _years(entry.birth_dates):
            delta -= settings.dob_mismatch_penalty
            features.append(
                {
                    "feature": "dob_mismatch",
                    "query": query.birth_date,
                    "list": list(entry.birth_dates),
                    "value": -settings.dob_mismatch_penalty,
                }
            )
    places = set(entry.nationalities) | set(entry.countries)
    # a country as a name, ISO2 or ISO3 ("Mali", "ML", "MLI"); one nobody knows is no evidence
    asked = {code for code in map(country_code, query.countries) if code}
    if asked and places:
        shared = sorted(asked & places)
        if shared:
            delta += settings.country_match_bonus
            features.append(
                {
                    "feature": "country_match",
                    "values": shared,
                    "value": settings.country_match_bonus,
                }
            )
        else:
            delta -= settings.country_mismatch_penalty
            features.append(
                {
                    "feature": "country_mismatch",
                    "query": sorted(asked),
                    "list": sorted(places),
                    "value": -settings.country_mismatch_penalty,
                }
            )
    if query.identifiers and entry.identifiers:
        mine = {_ID_CLEAN.sub("", i.upper()) for i in query.identifiers} - {""}
        shared_ids = [v for _, v in entry.identifiers if _ID_CLEAN.sub("", v.upper()) in mine]
        if shared_ids:
            delta += settings.identifier_match_bonus
            features.append(
                {
                    "feature": "identifier_match",
                    "values": shared_ids,
                    "value": settings.identifier_match_bonus,
                }
            )
    return delta, features


def score_names(
    query: Query,
    entry: ListEntry,
    names: list[str],
    rules: str,
    tokens: list[tuple[Token, ...]] | None = None,
) -> Hit:
    """The best name score of ``query`` over ``names`` (some names of ``entry``), no facts;
    ``tokens``: the names already tokenised with ``rules`` (a stored index keeps them)."""
    best = Hit(entry, 0.0, 0.0, entry.primary_name)
    q_tokens = screen_tokens(query.name, rules)
    if tokens is None:
        tokens = [screen_tokens(name, rules) for name in names]
    for name, name_tokens in zip(names, tokens, strict=True):
        score, features = compare_tokens(q_tokens, name_tokens, rules == "Person")
        if score > best.name_score:
            best = Hit(entry, score, score, name, features)
    return best


def score_entry(query: Query, entry: ListEntry, settings: ScreenSettings) -> Hit:
    """Score ``query`` against every name of ``entry`` and corroborate with the other facts."""
    rules = rules_for(query, entry)
    if rules is None:
        return Hit(entry, 0.0, 0.0, entry.primary_name)
    best = score_names(query, entry, list(entry.names), rules)
    if best.name_score <= 0:
        return best
    delta, facts = corroborate(query, entry, settings)
    best.score = max(0.0, min(1.0, best.name_score + delta))
    best.features = [*best.features, *facts]
    return best
