"""Reader of FollowTheMoney entities as JSON lines (format ``ftm``).

FtM is the entity format of Aleph, OpenSanctions and many investigative teams: one JSON object
per line, ``{"id": ..., "schema": ..., "properties": {prop: [values]}}``. Each entity is cleaned
by the ``followthemoney`` library itself (``cleaned=False``), so phone numbers, countries and
dates are read as FtM reads them. Mapping (tables in docs/formats/ftm.md):

* Person, Company, Organization, LegalEntity (and their descendants) -> parties, their
  idNumber, passportNumber, taxNumber, registrationNumber, phone, email, address... ->
  identifiers;
* BankAccount -> accounts (iban, else accountNumber, else the iban as written: FtM drops IBANs
  it cannot check, Mali's among them; bic, else bankName); its holder comes from an Ownership
  entity (owner -> asset) in the same file;
* Payment -> transactions: payerAccount / beneficiaryAccount, else a pseudo-account of the payer
  / beneficiary party (see :mod:`ftm_map`), else NULL (outside the data); ``date`` (else
  ``startDate``; a partial date "2024-03" means its first day; no zone: UTC); ``amount``;
  ``currency``; ``purpose``, else ``summary``, -> reference; ``transactionNumber`` -> ext_id.

Other schemata (Address, Note, Sanction...) are counted in the source's mapping record and
otherwise skipped. Entities are held in memory until the end of the file (payments may name
accounts defined later), which suits FtM exports of an investigation, not billion-row dumps.

>>> FtmReader("ftm").sniff(Path("x.jsonl"), b'{"id": "a", "schema": "Person", "properties": {}}')
90
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from moneytrail.errors import BadInputError
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.ftm_map import (
    ACCOUNT_KINDS,
    PARTY_IDENTIFIERS,
    moneytrail_id,
    party_kind,
    pseudo_account_id,
)
from moneytrail.model.money import AmountError, normalise_currency
from moneytrail.model.vocab import AccountKind, Channel

SNIFF_SCORE = 90
_DATE_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H", "%Y-%m-%d", "%Y-%m", "%Y")


def parse_ftm_date(text: str) -> datetime | None:
    """FtM date text (any precision) as a naive UTC datetime at the start of its period.

    >>> parse_ftm_date("2024-03")
    datetime.datetime(2024, 3, 1, 0, 0)
    """
    value = text.strip().removesuffix("Z")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


class FtmReader:
    """FollowTheMoney JSON lines -> parties, identifiers, accounts, transactions."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """Sure when the first non-blank line is a JSON object with ``id`` and ``schema``."""
        for raw in head.splitlines():
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                return 0
            ok = isinstance(data, dict) and "schema" in data and "id" in data
            return SNIFF_SCORE if ok and model.get(str(data["schema"])) is not None else 0
        return 0

    def stage(self, ctx: StageContext) -> None:
        """Read every entity, then stage accounts (with holders) and payments."""
        state = _State(ctx)
        with ctx.path.open("r", encoding="utf-8-sig", errors="strict") as handle:
            try:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        state.read_line(number, line)
            except UnicodeDecodeError as exc:
                raise BadInputError(
                    "error.file_refused",
                    problems=[ctx.problem("encoding_invalid", params={"detail": str(exc)})],
                    file=str(ctx.path),
                ) from exc
        if not state.entities_seen:
            raise BadInputError(
                "error.file_refused",
                problems=[ctx.problem("ftm_no_entity")],
                file=str(ctx.path),
            )
        state.finish()
        ctx.mapping_used = {"skipped_schemata": dict(sorted(state.skipped.items()))}


class _State:
    """What one file has shown so far (payments resolve once every entity is known)."""

    def __init__(self, ctx: StageContext) -> None:
        self.ctx = ctx
        self.entities_seen = 0
        self.skipped: Counter[str] = Counter()
        self.party_names: dict[str, str] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.holders: dict[str, str] = {}
        self.payments: list[tuple[int, EntityProxy]] = []

    def read_line(self, number: int, line: str) -> None:
        ctx = self.ctx
        try:
            data = json.loads(line)
        except ValueError as exc:
            ctx.reject(number, None, line.strip()[:200], "ftm_json_invalid", str(exc))
            return
        if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
            ctx.reject(number, "schema", line.strip()[:200], "ftm_entity_invalid", "id, schema")
            return
        try:
            proxy = model.get_proxy(data, cleaned=False)
        except (InvalidData, TypeError, ValueError) as exc:
            ctx.reject(number, "schema", data.get("schema"), "ftm_entity_invalid", str(exc))
            return
        self.entities_seen += 1
        schema = proxy.schema
        if schema.is_a("LegalEntity"):
            self._party(number, proxy)
        elif schema.is_a("BankAccount"):
            self._account(number, proxy, _raw_iban(data))
        elif schema.is_a("Payment"):
            self.payments.append((number, proxy))
        elif schema.is_a("Ownership"):
            owner, asset = proxy.first("owner"), proxy.first("asset")
            if owner and asset:
                self.holders.setdefault(asset, moneytrail_id("party", owner))
        else:
            self.skipped[schema.name] += 1

    def _party(self, number: int, proxy: EntityProxy) -> None:
        names = proxy.get("name")
        if not names:
            self.ctx.reject(number, "name", proxy.id, "field_missing")
            return
        assert proxy.id is not None
        party_id = moneytrail_id("party", proxy.id)
        self.party_names[party_id] = names[0]
        aliases = [*names[1:], *proxy.get("alias", quiet=True)]
        birth = proxy.first("birthDate", quiet=True)
        nationality = proxy.first("nationality", quiet=True)
        country = proxy.first("country", quiet=True) or proxy.first("jurisdiction", quiet=True)
        self.ctx.add(
            "parties",
            {
                "id": party_id,
                "kind": party_kind(set(proxy.schema.names)),
                "name": names[0],
                "aliases": aliases or None,
                "birth_date": _full_date(birth),
                "nationality": nationality.upper() if nationality else None,
                "country": country.upper() if country else None,
                "source_row": number,
            },
        )
        for prop, scheme in PARTY_IDENTIFIERS.items():
            for value in proxy.get(prop, quiet=True):
                self.ctx.add(
                    "identifiers",
                    {"owner_id": party_id, "scheme": scheme, "value": value, "source_row": number},
                )

    def _account(self, number: int, proxy: EntityProxy, raw_iban: str | None) -> None:
        assert proxy.id is not None
        kind = proxy.first("accountType")
        currency = proxy.first("currency")
        country = proxy.first("country")
        self.accounts[proxy.id] = {
            "id": moneytrail_id("account", proxy.id),
            "kind": kind if kind in ACCOUNT_KINDS else AccountKind.BANK,
            "institution": proxy.first("bic") or proxy.first("bankName"),
            "number": proxy.first("iban") or proxy.first("accountNumber") or raw_iban,
            "name": proxy.first("name"),
            "currency": currency.upper() if currency else None,
            "country": country.upper() if country else None,
            "source_row": number,
        }

    def finish(self) -> None:
        ctx = self.ctx
        for ftm_id, row in self.accounts.items():
            ctx.add("accounts", {**row, "holder_party_id": self.holders.get(ftm_id)})
        for number, proxy in self.payments:
            self._payment(number, proxy)

    def _side(self, number: int, proxy: EntityProxy, party_prop: str) -> str | None:
        """Account id of one side of a payment (named account, else the party's pseudo-account)."""
        account = proxy.first(f"{party_prop}Account")
        if account:
            return moneytrail_id("account", account)
        party = proxy.first(party_prop)
        if not party:
            return None
        party_id = moneytrail_id("party", party)
        account_id = pseudo_account_id(party_id)
        self.ctx.add(
            "accounts",
            {
                "id": account_id,
                "kind": AccountKind.UNKNOWN,
                "name": self.party_names.get(party_id),
                "holder_party_id": party_id,
                "source_row": number,
            },
        )
        return account_id

    def _payment(self, number: int, proxy: EntityProxy) -> None:
        ctx = self.ctx
        assert proxy.id is not None
        raw_date = proxy.first("date") or proxy.first("startDate")
        ts = parse_ftm_date(raw_date) if raw_date else None
        if ts is None:
            ctx.reject(number, "date", raw_date, "date_invalid" if raw_date else "date_missing")
            return
        raw_amount = proxy.first("amount")
        try:
            amount = Decimal(raw_amount.replace(",", "")) if raw_amount else None
        except InvalidOperation:
            ctx.reject(number, "amount", raw_amount, "amount_not_number")
            return
        raw_currency = proxy.first("currency") or ctx.options.currency
        try:
            currency = normalise_currency(raw_currency) if raw_currency else None
        except AmountError:
            ctx.reject(number, "currency", raw_currency, "currency_unknown")
            return
        ctx.add(
            "transactions",
            {
                "id": moneytrail_id("tx", proxy.id),
                "ext_id": proxy.first("transactionNumber"),
                "ts": ts,
                "src_account_id": self._side(number, proxy, "payer"),
                "dst_account_id": self._side(number, proxy, "beneficiary"),
                "amount": amount,
                "currency": currency,
                "channel": Channel.UNKNOWN,
                "reference": proxy.first("purpose") or proxy.first("summary"),
                "source_row": number,
            },
        )


def _raw_iban(data: dict[str, Any]) -> str | None:
    """The IBAN as written (compacted): FtM drops IBANs it cannot check, such as Mali's."""
    values = data.get("properties", {}).get("iban") or []
    text = str(values[0]) if isinstance(values, list) and values else ""
    compact = "".join(text.split()).upper()
    return compact or None


def _full_date(text: str | None) -> date | None:
    """A birth date only when FtM gives the day (a year alone is not a date of birth)."""
    if text is None or len(text) < 10:
        return None
    parsed = parse_ftm_date(text[:10])
    return parsed.date() if parsed else None
