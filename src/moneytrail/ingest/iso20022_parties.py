"""Accounts and parties of ISO 20022 messages: who holds which account, keyed how.

A statement names its own account (``Acct``) and, per transaction, the other side
(``RltdPties``); payment messages name debtor and creditor. :class:`Ledger` turns each into one
staged account and one holder party, once per file, with the natural keys documented in
docs/formats/iso20022.md, so the same IBAN seen in two files is one account.

>>> normalise_name("  Aïssata   MAÏGA ")
'aïssata maïga'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.iso20022_common import Element, RowError, first_text, text
from moneytrail.ingest.ledger import merge_row, stage_ledger
from moneytrail.model.dates import DateError, parse_date
from moneytrail.model.identifiers import IdentifierError, normalise_bic, normalise_iban
from moneytrail.model.ids import natural_key
from moneytrail.model.vocab import AccountKind, IdentifierScheme, PartyKind

# The same few IBANs and BICs recur on every line of a statement: validate each once.
_iban = lru_cache(maxsize=4096)(normalise_iban)
_bic = lru_cache(maxsize=1024)(normalise_bic)


def normalise_name(name: str) -> str:
    """Key form of a name: NFC, case-folded, single spaces (accents and scripts are kept).

    >>> normalise_name("  Aïssata   MAÏGA ")
    'aïssata maïga'
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def bic_of(element: Element | None) -> str | None:
    """A valid BIC under a financial institution or party id element, else ``None``."""
    raw = first_text(element, ".//BICFI", ".//BIC", ".//AnyBIC", ".//BICOrBEI")
    if raw is None:
        return None
    try:
        return _bic(raw)
    except IdentifierError:
        return None


_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}$")


def iban_as_written(raw: str, line: int | None) -> str:
    """Compact IBAN; one with a wrong checksum is kept as the bank wrote it (not guessed).

    A statement is evidence: a checksum typo (or a bank's test IBAN) still names one account,
    and dropping the statement would lose every entry on it. Text that is not IBAN-shaped at
    all is refused for the record (``iban_invalid``).

    >>> iban_as_written("lt00 7180 0000 0000 0000", None)
    'LT007180000000000000'
    """
    try:
        return _iban(raw)
    except IdentifierError:
        compact = "".join(raw.split()).upper()
        if _IBAN_SHAPE.match(compact):
            return compact
        raise RowError("iban_invalid", "Id/IBAN", raw, line) from None


@dataclass(frozen=True)
class PartyInfo:
    """What a message says about one party (``Dbtr``, ``Cdtr``, ``Ownr``...)."""

    name: str | None
    kind: str
    country: str | None
    identifiers: tuple[tuple[str, str], ...] = ()
    birth_date: date | None = None


_SCHEMES = {"NIDN": "national_id", "CCPT": "passport", "TXID": "tax_id"}
_PROPRIETARY = {s.value for s in IdentifierScheme}


def _scheme(other: Element) -> str:
    """Identifier scheme of an ``Othr`` id: ISO code (NIDN, CCPT, TXID), or a proprietary name
    that is one of ours ("RCCM", "NINA"), else ``other``."""
    code = text(other, "SchmeNm/Cd")
    if code in _SCHEMES:
        return _SCHEMES[code]
    proprietary = (text(other, "SchmeNm/Prtry") or "").casefold()
    return proprietary if proprietary in _PROPRIETARY else IdentifierScheme.OTHER.value


def party_of(element: Element | None) -> PartyInfo | None:
    """Read a party (v08+ ``Pty`` wrappers and ``Agt`` choices included); ``None`` if empty."""
    if element is None:
        return None
    inner = element.find("Pty")
    if inner is not None:
        element = inner
    institution = element.find("FinInstnId")
    if institution is None and element.find("Agt/FinInstnId") is not None:
        institution = element.find("Agt/FinInstnId")
    if institution is not None:
        bic = bic_of(institution)
        name = text(institution, "Nm") or bic
        ids = ((IdentifierScheme.BIC.value, bic),) if bic else ()
        country = text(institution, "PstlAdr/Ctry")
        return PartyInfo(name, PartyKind.ORGANIZATION.value, country, ids) if name else None
    name = text(element, "Nm")
    kind = PartyKind.LEGAL_ENTITY.value
    identifiers: list[tuple[str, str]] = []
    birth_date = None
    if element.find("Id/PrvtId") is not None:
        kind = PartyKind.PERSON.value
        birth_date = _birth_date(text(element, "Id/PrvtId/DtAndPlcOfBirth/BirthDt"))
        for other in element.iterfind("Id/PrvtId/Othr"):
            value = text(other, "Id")
            scheme = _scheme(other)
            if value:
                identifiers.append((scheme, value))
    elif element.find("Id/OrgId") is not None:
        kind = PartyKind.ORGANIZATION.value
        bic = bic_of(element.find("Id/OrgId"))
        if bic:
            identifiers.append((IdentifierScheme.BIC.value, bic))
        lei = text(element, "Id/OrgId/LEI")
        if lei:
            identifiers.append((IdentifierScheme.OTHER.value, f"LEI:{lei}"))
        for other in element.iterfind("Id/OrgId/Othr"):
            value = text(other, "Id")
            scheme = _scheme(other)
            if value:
                identifiers.append((scheme, value))
    country = first_text(element, "PstlAdr/Ctry", "CtryOfRes")
    if name is None and not identifiers:
        return None
    return PartyInfo(name, kind, country, tuple(identifiers), birth_date)


def _birth_date(raw: str | None) -> date | None:
    """A birth date is a detail of a party, not a reason to drop a payment: unreadable -> None."""
    try:
        return parse_date(raw) if raw else None
    except DateError:
        return None


@dataclass
class Ledger:
    """Collects the accounts and parties of one file, merged per id, and mints their ids.

    Natural keys (docs/formats/iso20022.md): an IBAN account is ``("account", "bank", "", IBAN)``;
    another account number is scoped by its servicer's BIC (or name, else ``fallback_scope``);
    a counterparty known only by name gets an ``external`` account scoped by ``fallback_scope``
    (the statement's account); a party is ``("party", account id, normalised name)``.

    The same account or party often appears many times in one file, each time with a different
    part of what is known (a salary line without the person's id, a later transfer with it), so
    rows are merged (first non-empty value wins, a specific party kind beats ``legal_entity``) and
    staged once by :meth:`finish`.
    """

    ctx: StageContext
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    identifiers: dict[tuple[str, str, str], int | None] = field(default_factory=dict)
    countries: dict[str, str | None] = field(default_factory=dict)

    def account(
        self,
        acct: Element | None,
        agent: Element | None,
        owner: PartyInfo | None,
        fallback_scope: str,
        line: int | None,
        currency: str | None = None,
        by_name: bool = True,
    ) -> str | None:
        """Record the account ``acct`` held by ``owner`` at ``agent``; its id or ``None``.

        ``by_name`` allows an ``external`` account keyed by the owner's name when ``acct`` has no
        number (counterparties); a statement's own account must have a number.
        """
        bic = bic_of(agent)
        institution = bic or text(agent, ".//Nm")
        iban_raw = text(acct, "Id/IBAN")
        other = first_text(acct, "Id/Othr/Id", "Id/PrxyId/Id")
        number: str | None
        if iban_raw:
            number = iban_as_written(iban_raw, line)
            kind = AccountKind.BANK.value
            key = natural_key("account", kind, "", number)
        elif other:
            number = other
            kind = AccountKind.BANK.value
            key = natural_key("account", kind, institution or fallback_scope, number)
        elif by_name and owner is not None and owner.name:
            number = None
            kind = AccountKind.EXTERNAL.value
            key = natural_key("account", kind, fallback_scope, normalise_name(owner.name))
        else:
            return None
        country = number[:2] if iban_raw and number else None
        row = {
            "id": key,
            "kind": kind,
            "institution": institution,
            "number": number,
            "name": owner.name if owner else None,
            "currency": currency or text(acct, "Ccy"),
            "country": country,
            "holder_party_id": self.party(owner, key, line),
            "source_row": line,
        }
        merge_row(self.accounts, row)
        if self.countries.get(key) is None:
            self.countries[key] = country or (owner.country if owner else None)
        return key

    def party(self, info: PartyInfo | None, account_id: str, line: int | None) -> str | None:
        """Record the holder of ``account_id`` and its identifiers; its id or ``None``."""
        if info is None:
            return None
        label = info.name or info.identifiers[0][1]
        key = natural_key("party", account_id, normalise_name(label))
        row = {
            "id": key,
            "kind": info.kind,
            "name": unicodedata.normalize("NFC", label),
            "country": info.country,
            "birth_date": info.birth_date,
            "source_row": line,
        }
        merge_row(self.parties, row)
        for scheme, value in info.identifiers:
            self.identifiers.setdefault((key, scheme, value), line)
        return key

    def finish(self) -> None:
        """Stage every merged account, party and identifier."""
        stage_ledger(self.ctx, self.parties, self.accounts, self.identifiers)
