"""How FollowTheMoney entities map to moneytrail's canonical rows, in both directions.

One home for the vocabulary shared by the FtM reader (:mod:`moneytrail.ingest.ftm`) and the FtM
export (:mod:`moneytrail.export.ftm`), so that a round trip (FtM -> workspace -> FtM -> workspace)
gives the same rows.

Ids: a party, account or payment read from FtM gets ``natural_key(kind, "ftm", ftm_id)``; an FtM
id of the form ``mt-<32 hex>`` is a moneytrail id written by the export and is kept as is, which
is what makes the round trip exact. A payer (or beneficiary) named without an account gets one
pseudo-account per party: ``natural_key("account", "ftm-party", party id)``, kind ``unknown``,
held by that party.

>>> moneytrail_id("party", "mt-0123456789abcdef0123456789abcdef")
'0123456789abcdef0123456789abcdef'
"""

from __future__ import annotations

import re

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
