"""Closed vocabularies of the canonical model (channels, account kinds, party kinds, schemes)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How money moved. ``unknown`` is honest, not an error."""

    WIRE = "wire"
    MOBILE_MONEY = "mobile_money"
    CASH_DEPOSIT = "cash_deposit"
    CASH_WITHDRAWAL = "cash_withdrawal"
    HAWALA = "hawala"
    CARD = "card"
    CHEQUE = "cheque"
    CRYPTO = "crypto"
    UNKNOWN = "unknown"


class AccountKind(StrEnum):
    """What an account is. ``cash`` is a pseudo-account per party for cash in/out;
    ``external`` is a counterparty known only by name from a statement."""

    BANK = "bank"
    MOBILE_MONEY = "mobile_money"
    HAWALA = "hawala"
    CASH = "cash"
    CRYPTO = "crypto"
    EXTERNAL = "external"
    UNKNOWN = "unknown"


class PartyKind(StrEnum):
    """Persons and organisations, aligned with followthemoney schemata."""

    PERSON = "person"
    COMPANY = "company"
    ORGANIZATION = "organization"
    LEGAL_ENTITY = "legal_entity"


class IdentifierScheme(StrEnum):
    """Kinds of identifiers shared between parties (the basis of shared-identifier links)."""

    PHONE = "phone"
    NATIONAL_ID = "national_id"
    PASSPORT = "passport"
    NINA = "nina"
    RCCM = "rccm"
    TAX_ID = "tax_id"
    ADDRESS = "address"
    EMAIL = "email"
    DEVICE = "device"
    BIC = "bic"
    OTHER = "other"
