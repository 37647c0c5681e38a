"""How FollowTheMoney entities map to moneytrail's canonical rows, in both directions.

One home for the vocabulary shared by the FtM reader (:mod:`moneytrail.ingest.ftm`) and the FtM
export (:mod:`moneytrail.export.ftm`), so that a round trip (FtM -> workspace -> FtM -> workspace)
gives the same rows.

What a line must be to be read as an entity is decided here too (:func:`parse_entity_line`): a
JSON object with a text ``id`` and ``schema`` and ``properties`` mapping names to lists of texts,
nested no deeper than :data:`MAX_DEPTH`. Numbers are kept as written, never turned into floats,
so ``1e999999`` cannot become infinity; ``NaN`` and ``Infinity`` are not JSON and are refused.

Ids: a party, account or payment read from FtM gets ``natural_key(kind, "ftm", ftm_id)``; an FtM
id of the form ``mt-<32 hex>`` is a moneytrail id written by the export and is kept as is, which
is what makes the round trip exact. A payer (or beneficiary) named without an account gets one
pseudo-account per party: ``natural_key("account", "ftm-party", party id)``, kind ``unknown``,
held by that party.

>>> moneytrail_id("party", "mt-0123456789abcdef0123456789abcdef")
'0123456789abcdef0123456789abcdef'
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from moneytrail.model.ids import natural_key
from moneytrail.model.vocab import AccountKind, IdentifierScheme, PartyKind

EXPORT_PREFIX = "mt-"
_EXPORTED = re.compile(r"^mt-([0-9a-f]{32})$")

# FtM property -> identifier scheme, for parties (LegalEntity and its descendants).
PARTY_IDENTIFIERS: dict[str, str] = {
    "idNumber": IdentifierScheme.NATIONAL_ID,
    "passportNumber": IdentifierScheme.PASSPORT,
    "taxNumber": IdentifierScheme.TAX_ID,
    "innCode": IdentifierScheme.TAX_ID,
    "vatCode": IdentifierScheme.TAX_ID,
    "registrationNumber": IdentifierScheme.RCCM,
    "phone": IdentifierScheme.PHONE,
    "email": IdentifierScheme.EMAIL,
    "address": IdentifierScheme.ADDRESS,
    "swiftBic": IdentifierScheme.BIC,
}

# Identifier scheme -> FtM property on export (the first property of PARTY_IDENTIFIERS wins;
# NINA, Mali's national id number, is an idNumber).
EXPORT_IDENTIFIERS: dict[str, str] = {
    IdentifierScheme.NATIONAL_ID: "idNumber",
    IdentifierScheme.NINA: "idNumber",
    IdentifierScheme.PASSPORT: "passportNumber",
    IdentifierScheme.TAX_ID: "taxNumber",
    IdentifierScheme.RCCM: "registrationNumber",
    IdentifierScheme.PHONE: "phone",
    IdentifierScheme.EMAIL: "email",
    IdentifierScheme.ADDRESS: "address",
    IdentifierScheme.BIC: "swiftBic",
}

# Party kind <-> FtM schema.
PARTY_SCHEMA: dict[str, str] = {
    PartyKind.PERSON: "Person",
    PartyKind.COMPANY: "Company",
    PartyKind.ORGANIZATION: "Organization",
    PartyKind.LEGAL_ENTITY: "LegalEntity",
}

ACCOUNT_KINDS = frozenset(AccountKind)


def party_kind(schema_names: set[str]) -> str:
    """Party kind of an FtM entity whose schema (with its ancestors) is ``schema_names``."""
    if "Person" in schema_names:
        return PartyKind.PERSON
    if "Company" in schema_names:
        return PartyKind.COMPANY
    if "Organization" in schema_names:
        return PartyKind.ORGANIZATION
    return PartyKind.LEGAL_ENTITY


def moneytrail_id(kind: str, ftm_id: str) -> str:
    """The moneytrail id of FtM entity ``ftm_id`` of canonical ``kind`` (party, account, tx)."""
    match = _EXPORTED.match(ftm_id)
    if match:
        return match.group(1)
    return natural_key(kind, "ftm", ftm_id)


def pseudo_account_id(party_id: str) -> str:
    """The account standing for a party that pays or is paid without a named account."""
    return natural_key("account", "ftm-party", party_id)


def export_id(moneytrail_id_: str) -> str:
    """FtM id of a moneytrail row (deterministic, and read back to the same id)."""
    return EXPORT_PREFIX + moneytrail_id_


MAX_DEPTH = 32
"""Deepest nesting of arrays and objects in a line: an entity needs 3 (entity, properties, value
lists); producers' extra fields get room, the JSON parser's recursion never gets near its limit."""
# A string runs to its closing quote, or to the end when unterminated: never a failed match to
# backtrack from, so a line of 16 Mi escaped quotes is scanned once, not once per quote.
_STRING = re.compile(r'"(?:[^"\\]|\\.?)*(?:"|\Z)', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class LineError(ValueError):
    """One line that is not an FtM entity: ``code`` is an i18n problem key under ``problem.``."""

    def __init__(self, code: str, field: str | None = None, value: str = "") -> None:
        super().__init__(f"{code}: {field}: {value}")
        self.code = code
        self.field = field
        self.value = value


class _JsonNumber(str):
    """A JSON number kept as the text written (never ``inf``, never a 4,300-digit int)."""


def _refuse_constant(name: str) -> NoReturn:
    raise LineError("ftm_json_constant", None, name)


def _shown(value: object) -> str:
    """Short JSON text of ``value`` for a problem message (numbers as written, surrogates
    escaped so that the message itself can be stored)."""
    text = _json_text(value).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 80 else text[:79] + "…"


def _json_text(value: object) -> str:
    if isinstance(value, _JsonNumber):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{_json_text(k)}: {_json_text(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return json.dumps(value, ensure_ascii=False)


def _too_deep(line: str) -> bool:
    """Whether ``line`` nests arrays and objects deeper than :data:`MAX_DEPTH` (brackets inside
    strings do not count)."""
    if line.count("[") + line.count("{") <= MAX_DEPTH:
        return False  # the usual entity: too few openings to be too deep, nothing to scan
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", line)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _check_text(value: str, field: str) -> None:
    """Text the workspace can store: no lone UTF-16 surrogate (``"\\ud800"`` in JSON)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise LineError("ftm_text_invalid", field, _shown(value)) from None


def parse_entity_line(line: str) -> dict[str, Any]:
    """The entity of one JSON line, checked for shape; :class:`LineError` when it is not one.

    >>> parse_entity_line('{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}')["id"]
    'a'
    """
    if _too_deep(line):
        raise LineError("ftm_too_deep", None, str(MAX_DEPTH))
    try:
        data = json.loads(
            line,
            parse_constant=_refuse_constant,
            parse_int=_JsonNumber,
            parse_float=_JsonNumber,
        )
    except LineError:
        raise
    except ValueError as exc:
        raise LineError("ftm_json_invalid", None, str(exc)) from exc
    if not isinstance(data, dict):
        raise LineError("ftm_not_object", None, _shown(data))
    for key in ("id", "schema"):
        value = data.get(key)
        if type(value) is not str or not value.strip():
            raise LineError("ftm_entity_invalid", key, "id, schema")
        _check_text(value, key)
    properties = data.get("properties")
    if properties is None:
        return data
    if not isinstance(properties, dict):
        raise LineError("ftm_properties_invalid", "properties", _shown(properties))
    for name, values in properties.items():
        _check_text(name, "properties")
        if not isinstance(values, list):
            raise LineError("ftm_values_invalid", name, _shown(values))
        for value in values:
            if type(value) is not str:
                raise LineError("ftm_values_invalid", name, _shown(value))
            _check_text(value, name)
    return data
