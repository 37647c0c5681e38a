"""Persons, entities and accounts of goAML reports as canonical parties, identifiers, accounts.

The mapping is documented field by field in docs/goaml.md. Natural keys:

* a person is ``("party", "goaml-person", scheme, value)`` for its first strong identifier
  (``ssn``, then passport with its country, then ``id_number``), else its name and birth date;
* an entity is ``("party", "goaml-entity", country, incorporation_number)``, else its name;
* an account with an IBAN is ``("account", "bank", "", IBAN)`` and another account
  ``("account", "bank", institution, number)``: the keys of the ISO 20022 reader, so the same
  account in a camt.053 statement and in a goAML report is one account;
* a person or entity on a side of a transaction without an account gets an ``external``
  account ``("account", "external", "goaml", party id)`` that it holds: the walk-in customer
  who deposits cash stays on the money trail.

Names are kept as the report writes them (NFC): ``full_name_frn`` (the name in its own script,
Arabic for instance) and ``alias`` become aliases.

>>> person_name({"first_name": "Aminata", "middle_name": None, "last_name": "Traoré"})
'Aminata Traoré'
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.iso20022_parties import iban_as_written, normalise_name
from moneytrail.ingest.ledger import merge_row, stage_ledger
from moneytrail.model.dates import DateError, parse_date
from moneytrail.model.ids import natural_key
from moneytrail.model.vocab import AccountKind, IdentifierScheme, PartyKind
from moneytrail.model.xml import element_line

Element = etree._Element


def children(element: Element | None) -> dict[Any, Element]:
    """The first direct child of each tag (what ``element.find(tag)`` gives), read in one pass."""
    kids: dict[Any, Element] = {}
    if element is not None:
        for child in element:
            kids.setdefault(child.tag, child)
    return kids


def kid_text(kids: dict[Any, Element], tag: str) -> str | None:
    """:func:`child_text` from the children read by :func:`children`."""
    child = kids.get(tag)
    if child is None:
        return None
    text = child.text
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _digest(element: Element) -> bytes:
    """What identifies a block's content: equal digests, equal mapping (but for lines)."""
    return hashlib.blake2b(etree.tostring(element, with_tail=False), digest_size=16).digest()


def child_text(element: Element | None, tag: str) -> str | None:
    """Stripped text of the direct child ``tag`` (``None`` when absent or empty)."""
    if element is None:
        return None
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    value = child.text.strip()
    return unicodedata.normalize("NFC", value) if value else None


def person_name(values: dict[str, str | None]) -> str:
    """First, middle and last names joined by single spaces (title and prefix left out)."""
    parts = (values.get("first_name"), values.get("middle_name"), values.get("last_name"))
    return " ".join(p for p in parts if p)


def _date(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return parse_date(raw[:10])
    except DateError:
        return None


def _address(element: Element) -> str | None:
    parts = [
        child_text(element, tag)
        for tag in ("address", "town", "city", "zip", "state", "country_code")
    ]
    text = ", ".join(p for p in parts if p)
    return text or None


def _phone(element: Element) -> str | None:
    number = child_text(element, "tph_number")
    if not number:
        return None
    prefix = child_text(element, "tph_country_prefix")
    return f"+{prefix.lstrip('+')} {number}" if prefix else number


_ID_TYPES = {"A": IdentifierScheme.PASSPORT.value, "PASSPORT": IdentifierScheme.PASSPORT.value}


@dataclass
class Ledger:
    """Collects a file's parties, accounts and identifiers, merged per id, staged once."""

    ctx: StageContext | None
    """Where :meth:`finish` stages (``None`` in a worker process, whose ledger is merged into
    the reader's: :meth:`absorb`)."""
    parties: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    identifiers: dict[tuple[str, str, str], int | None] = field(default_factory=dict)
    offset: int = 0
    """Added to every element's line (ZIP members: see docs/goaml.md)."""
    _touched: dict[str, set[str]] = field(default_factory=lambda: {"p": set(), "a": set()})
    """Ids of the parties (``p``) and accounts (``a``) merged since the last :meth:`delta`."""
    _new_identifiers: list[tuple[str, str, str]] = field(default_factory=list)
    _known: dict[tuple[str, bytes], str | None] = field(default_factory=dict)
    """(kind, digest of a block) → its id: a block already staged is not read again (merging
    it again would change nothing: rows merge by filling empty fields, identifiers keep their
    first line)."""

    def _once(self, kind: str, element: Element, stage: Any) -> str | None:
        known = (kind, _digest(element))
        if known in self._known:
            return self._known[known]
        key: str | None = stage(element)
        self._known[known] = key
        return key

    def row(self, element: Element) -> int | None:
        """``source_row`` of ``element``: its line plus the current member's offset."""
        line = element_line(element)
        return line + self.offset if line is not None else None

    def _identify(self, owner: str, scheme: str, value: str | None, line: int | None) -> None:
        if value:
            key = (owner, scheme, value)
            if key not in self.identifiers:
                self.identifiers[key] = line
                self._new_identifiers.append(key)

    def _contacts(self, owner: str, element: Element, line: int | None) -> None:
        for phone in element.iterfind("phones/phone"):
            self._identify(owner, IdentifierScheme.PHONE.value, _phone(phone), self.row(phone))
        for address in element.iterfind("addresses/address"):
            self._identify(owner, IdentifierScheme.ADDRESS.value, _address(address), line)
        for email in (*element.iterfind("email"), *element.iterfind("emails/email")):
            value = (email.text or "").strip()
            self._identify(owner, IdentifierScheme.EMAIL.value, value or None, line)
        self._identify(
            owner, IdentifierScheme.TAX_ID.value, child_text(element, "tax_number"), line
        )

    def person(self, element: Element | None) -> str | None:
        """:meth:`_person` once per distinct block."""
        if element is None:
            return None
        return self._once("person", element, self._person)

    def _person(self, element: Element | None) -> str | None:
        """Stage a ``t_person`` (or my-client person, conductor, signatory); its party id."""
        if element is None:
            return None
        line = self.row(element)
        kids = children(element)
        names = {t: kid_text(kids, t) for t in ("first_name", "middle_name", "last_name")}
        name = person_name(names)
        ssn = kid_text(kids, "ssn")
        passport = kid_text(kids, "passport_number")
        passport_country = kid_text(kids, "passport_country") or ""
        id_number = kid_text(kids, "id_number")
        birth = _date(kid_text(kids, "birthdate"))
        if ssn:
            key = natural_key("party", "goaml-person", "ssn", ssn)
        elif passport:
            key = natural_key("party", "goaml-person", "passport", passport_country, passport)
        elif id_number:
            key = natural_key("party", "goaml-person", "id_number", id_number)
        elif name:
            key = natural_key("party", "goaml-person", normalise_name(name), birth)
        else:
            return None
        aliases = [a for a in (kid_text(kids, "full_name_frn"), kid_text(kids, "alias")) if a]
        aliases += [
            person_name({t: child_text(p, t) for t in ("first_name", "last_name")})
            for p in element.iterfind("previous_names/previous_name")
        ]
        self._merge(
            self.parties,
            {
                "id": key,
                "kind": PartyKind.PERSON.value,
                "name": name or ssn or passport or id_number,
                "aliases": [a for a in aliases if a] or None,
                "birth_date": birth,
                "nationality": kid_text(kids, "nationality1"),
                "country": kid_text(kids, "residence"),
                "source_row": line,
            },
        )
        self._identify(key, IdentifierScheme.NATIONAL_ID.value, ssn, line)
        self._identify(key, IdentifierScheme.PASSPORT.value, passport, line)
        self._identify(key, IdentifierScheme.NATIONAL_ID.value, id_number, line)
        for ident in (
            *element.iterfind("identification"),
            *element.iterfind("identifications/identification"),
        ):
            kind = (child_text(ident, "type") or "").upper()
            scheme = _ID_TYPES.get(kind, IdentifierScheme.NATIONAL_ID.value)
            self._identify(key, scheme, child_text(ident, "number"), self.row(ident))
        self._contacts(key, element, line)
        return key

    def entity(self, element: Element | None) -> str | None:
        """:meth:`_entity` once per distinct block."""
        if element is None:
            return None
        return self._once("entity", element, self._entity)

    def _entity(self, element: Element | None) -> str | None:
        """Stage a ``t_entity`` (or my-client entity); its party id."""
        if element is None:
            return None
        line = self.row(element)
        kids = children(element)
        name = kid_text(kids, "name")
        number = kid_text(kids, "incorporation_number")
        country = kid_text(kids, "incorporation_country_code")
        if number:
            key = natural_key("party", "goaml-entity", country or "", number)
        elif name:
            key = natural_key("party", "goaml-entity", normalise_name(name))
        else:
            return None
        commercial = kid_text(kids, "commercial_name")
        self._merge(
            self.parties,
            {
                "id": key,
                "kind": PartyKind.COMPANY.value,
                "name": name or number,
                "aliases": [commercial] if commercial else None,
                "country": country,
                "source_row": line,
            },
        )
        self._identify(key, IdentifierScheme.RCCM.value, number, line)
        self._contacts(key, element, line)
        for director in element.iterfind("director_id"):
            self.person(director)
        return key

    def account(self, element: Element | None) -> str | None:
        """:meth:`_account` once per distinct block."""
        if element is None:
            return None
        return self._once("account", element, self._account)

    def _account(self, element: Element | None) -> str | None:
        """Stage a ``t_account`` (or my-client account) and its holder; its account id."""
        if element is None:
            return None
        line = self.row(element)
        kids = children(element)
        institution = (
            kid_text(kids, "swift")
            or kid_text(kids, "institution_code")
            or kid_text(kids, "institution_name")
        )
        iban_raw = kid_text(kids, "iban")
        number = kid_text(kids, "account")
        if iban_raw:
            number = iban_as_written(iban_raw, line)
            key = natural_key("account", AccountKind.BANK.value, "", number)
        elif number:
            key = natural_key("account", AccountKind.BANK.value, institution or "", number)
        else:
            return None
        holder = self.entity(kids.get("t_entity"))
        signatories = list(element.iterfind("signatory"))
        primary = [s for s in signatories if child_text(s, "is_primary") in ("true", "1")]
        people = [self.person(s.find("t_person")) for s in signatories]
        if holder is None and signatories:
            chosen = (primary or signatories)[0]
            holder = people[signatories.index(chosen)]
        self._merge(
            self.accounts,
            {
                "id": key,
                "kind": AccountKind.BANK.value,
                "institution": institution,
                "number": number,
                "name": kid_text(kids, "account_name"),
                "currency": kid_text(kids, "currency_code"),
                "country": kid_text(kids, "institution_country"),
                "holder_party_id": holder,
                "source_row": line,
            },
        )
        return key

    def outside(self, party: str, name: str | None, line: int | None) -> str:
        """The ``external`` account of a party that appears on a side without an account."""
        key = natural_key("account", AccountKind.EXTERNAL.value, "goaml", party)
        self._merge(
            self.accounts,
            {
                "id": key,
                "kind": AccountKind.EXTERNAL.value,
                "name": name,
                "holder_party_id": party,
                "source_row": line,
            },
        )
        return key

    def absorb(self, other: Ledger, shift: int = 0) -> None:
        """Merge what ``other`` collected from the reports that follow this ledger's, its
        lines moved by ``shift`` (a worker numbers them from the start of its byte range).

        Merging keeps the first non-empty value of each field, so folding the reports in runs
        and the runs in file order gives the rows one ledger reading every report would give.
        """
        for rows, into in ((other.parties, self.parties), (other.accounts, self.accounts)):
            for row in rows.values():
                if shift and row.get("source_row") is not None:
                    row["source_row"] += shift
                merge_row(into, row)
        for key, line in other.identifiers.items():
            self.identifiers.setdefault(key, None if line is None else line + shift)

    def _merge(self, rows: dict[str, dict[str, Any]], row: dict[str, Any]) -> None:
        merge_row(rows, row)
        self._touched["p" if rows is self.parties else "a"].add(row["id"])

    def delta(self) -> Ledger:
        """What this ledger merged since the last call: the rows it touched (whole) and the
        identifiers it added, with their lines as they were read.

        A worker keeps one ledger over its byte ranges, so a block read in an earlier range
        is not mapped again, and sends each range's delta. A row sent again carries a line of
        an earlier range, which the reader shifts wrongly but never uses: the reader merged
        that earlier range first, so the row's id already has its line.
        """
        out = Ledger(None)
        parties, accounts = self._touched["p"], self._touched["a"]
        out.parties = {k: row for k, row in self.parties.items() if k in parties}
        out.accounts = {k: row for k, row in self.accounts.items() if k in accounts}
        out.identifiers = {key: self.identifiers[key] for key in self._new_identifiers}
        self._touched = {"p": set(), "a": set()}
        self._new_identifiers = []
        return out

    def finish(self) -> None:
        """Stage every merged party, account and identifier."""
        assert self.ctx is not None, "a worker's ledger is absorbed, not staged"
        stage_ledger(self.ctx, self.parties, self.accounts, self.identifiers)
