"""Hawala ledgers (seized or handed over by a hawaladar) from the CSV/XLSX template.

Why: in the Sahel, hawala moves value across borders without moving money (FATF 2013, "The
Role of Hawala and Other Similar Service Providers in ML/TF"). The reader keeps each customer
leg as its own transaction and never mixes them with the hawaladars' settlements:

* pay-in (versement): the sender's cash (or wallet, ``via: mobile_money``) -> the leg's own
  *earmarked position* at the hawaladar, ``tx_type = hawala_pay_in``, ``fee`` = commission,
  ``ext_id`` = code; when the row names the hawaladar's own wallet (``hawaladar_phone``), a
  mobile-money pay-in starts from that wallet instead (the operator's export holds sender ->
  wallet: no double count); a mobile-money pay-out likewise ends on the hawaladar's wallet;
* pay-out (paiement): the leg's own position -> the receiver's cash (or wallet),
  ``tx_type = hawala_pay_out``;
* commission of a pay-in: the leg's position -> the hawaladar's *house* position (its own
  funds), ``tx_type = hawala_commission``;
* settlement (règlement, compensation): the hawaladar's house position <-> the counterpart's
  house position, ``tx_type = hawala_settlement``, its means (netting, trade invoice, cash run,
  bank) in the reference. Settlements never touch a customer's position, so a trace of a
  customer's money does not wander into the netting, and no two customers share a position.

Then :mod:`moneytrail.ingest.hawala_links` links pay-ins to pay-outs (this file's and those
already in the workspace) with a transaction of ``tx_type`` ``hawala_link_code`` or
``hawala_link_amount`` between the two legs' positions: the value transfer without money
movement that a trace follows across the border. Template and quarantine reasons:
docs/formats/hawala.md; decision 0134. Example::

    moneytrail ingest -w ws registre_hawaladar_gao.xlsx
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from moneytrail.cash import keys
from moneytrail.cash.linking import Leg
from moneytrail.cash.table import Template, head_header, header_score, template
from moneytrail.cash.values import parse_country, parse_currency, parse_money, parse_when
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.cash_declarations import (
    Bad,
    Cell,
    account_row,
    cells,
    open_template,
    read,
    read_phone,
)
from moneytrail.ingest.hawala_links import stage_links
from moneytrail.ingest.ledger import merge_row
from moneytrail.model.ids import natural_key

TEMPLATE = "hawala"


class Hawaladar(NamedTuple):
    """A hawaladar named by a row: its reference (an id, never an account), its house
    position (own funds, settlements), its country and its party."""

    ref: str
    house: str
    country: str | None
    party: str


class HawalaLedgerReader:
    """The hawala ledger template (``--format hawala``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """90 when the header names the template's required fields and two more."""
        return header_score(template(TEMPLATE), head_header(path, head))

    def stage(self, ctx: StageContext) -> None:
        """Stage legs and settlements, quarantine bad rows, then link pay-ins to pay-outs."""
        tpl, fields, rows = open_template(ctx, TEMPLATE)
        state = _State(ctx, tpl)
        for line, values in rows:
            cell = cells(fields, values)
            try:
                state.row(cell, line)
            except Bad as bad:
                ctx.reject(line, bad.field, cell(bad.field), bad.code, bad.detail)
        ctx.add_many("parties", state.parties.values())
        ctx.add_many("accounts", state.accounts.values())
        ctx.add_many("transactions", state.transactions)
        stage_links(ctx, state.pay_ins, state.pay_outs, state.lines, state.countries)


class _State:
    """What one ledger file adds, row by row."""

    def __init__(self, ctx: StageContext, tpl: Template) -> None:
        self.ctx, self.tpl = ctx, tpl
        self.parties: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.transactions: list[dict[str, Any]] = []
        self.pay_ins: list[Leg] = []
        self.pay_outs: list[Leg] = []
        self.lines: dict[str, int] = {}
        self.countries: dict[str, str | None] = {}
        self.seen: dict[tuple[Any, ...], int] = {}

    def row(self, cell: Cell, line: int) -> None:
        for fld in self.tpl.required:
            if not cell(fld):
                raise Bad(fld, "field_missing")
        ts = read(cell, "date", lambda t: parse_when(t, self.ctx.options.timezone))
        currency = read(cell, "currency", parse_currency)
        money: Callable[[str], Any] = lambda t: parse_money(t, currency)  # noqa: E731
        paid_in, paid_out = read(cell, "amount_in", money), read(cell, "amount_out", money)
        fee = read(cell, "commission", money)
        entry = self._entry(cell, paid_in, paid_out)
        country = read(cell, "hawaladar_country", parse_country) or self.ctx.options.country
        own = self._hawaladar(cell("hawaladar"), country, line)
        other = None
        if cell("counterpart"):
            other_country = read(cell, "counterpart_country", parse_country)
            other = self._hawaladar(cell("counterpart"), other_country, line)
        code = cell("code") or None
        if entry == "settlement":
            self._settlement(cell, line, ts, currency, paid_in, paid_out, own, other)
            return
        amount = paid_in if entry == "pay_in" else paid_out
        person_field = "sender" if entry == "pay_in" else "receiver"
        if amount is None:
            raise Bad("amount_in" if entry == "pay_in" else "amount_out", "field_missing")
        if not cell(person_field):
            raise Bad(person_field, "field_missing")
        customer = self._customer(cell, person_field, line, own)
        position = self._position(own, customer, ts, amount, currency, entry, code, cell, line)
        src, dst = (customer, position) if entry == "pay_in" else (position, customer)
        tx_id = self._tx(
            line,
            ts,
            src,
            dst,
            amount,
            currency,
            f"hawala_{entry}",
            code,
            fee,
            country,
            country,
            _reference(code, other, cell("counterpart")),
        )
        self.countries[tx_id] = country
        if entry == "pay_in" and fee:
            self._tx(
                line,
                ts,
                position,
                own.house,
                fee,
                currency,
                "hawala_commission",
                None,
                None,
                country,
                country,
                "commission: the hawaladar's own funds",
            )
        leg = Leg(
            tx_id,
            ts,
            amount,
            currency,
            fee,
            code,
            own.ref,
            other.ref if other else None,
            position,
        )
        (self.pay_ins if entry == "pay_in" else self.pay_outs).append(leg)

    def _entry(self, cell: Cell, paid_in: Any, paid_out: Any) -> str:
        if cell("entry"):
            entry = self.tpl.code("entry", cell("entry"))
            if entry is None:
                raise Bad(
                    "entry",
                    "value_invalid",
                    "(pay_in/versement, pay_out/paiement, settlement/règlement)",
                )
            return entry
        if cell("settlement_means"):
            return "settlement"
        if (paid_in is None) == (paid_out is None):
            raise Bad("amount_in", "hawala_entry_unclear")
        return "pay_in" if paid_in is not None else "pay_out"

    def _settlement(
        self,
        cell: Cell,
        line: int,
        ts: Any,
        currency: str,
        paid_in: Any,
        paid_out: Any,
        own: Hawaladar,
        other: Hawaladar | None,
    ) -> None:
        if other is None:
            raise Bad("counterpart", "field_missing")
        if (paid_in is None) == (paid_out is None):
            raise Bad("amount_in", "hawala_entry_unclear")
        means = (
            self.tpl.code("settlement_means", cell("settlement_means"))
            if cell("settlement_means")
            else "unknown"
        )
        if means is None:
            raise Bad(
                "settlement_means", "value_invalid", "(netting, trade, cash, bank, mobile_money)"
            )
        src, dst = (own.house, other.house) if paid_out is not None else (other.house, own.house)
        src_c, dst_c = (
            (own.country, other.country) if paid_out is not None else (other.country, own.country)
        )
        reference = f"settlement: {means}" + (f" | {cell('note')}" if cell("note") else "")
        self._tx(
            line,
            ts,
            src,
            dst,
            paid_out if paid_out is not None else paid_in,
            currency,
            "hawala_settlement",
            cell("code") or None,
            None,
            src_c,
            dst_c,
            reference,
        )

    def _hawaladar(self, name: str, country: str | None, line: int) -> Hawaladar:
        hkey = keys.hawaladar_key(name, country)
        pid = keys.party_id(f"hawaladar:{hkey}")
        party = {"id": pid, "kind": "legal_entity", "name": name, "country": country}
        merge_row(self.parties, {**party, "source_row": line})
        house = keys.hawala_house(hkey)
        row = account_row(
            house, "hawala", keys.hawaladar_ref(hkey), f"HOUSE:{hkey}", name, pid, line
        )
        row["country"] = country
        merge_row(self.accounts, row)
        return Hawaladar(keys.hawaladar_ref(hkey), house, country, pid)

    def _position(
        self,
        own: Hawaladar,
        customer: str,
        ts: Any,
        amount: Any,
        currency: str,
        entry: str,
        code: str | None,
        cell: Cell,
        line: int,
    ) -> str:
        """The earmarked position of one customer leg (decision 0134): the pay-in's value
        waits there for its link, the pay-out's arrives there by its link, and no other
        customer's money is ever mixed with it, so a FIFO trace cannot swap beneficiaries."""
        natural = (customer, own.ref, ts.isoformat(), str(amount), currency, entry, code or "")
        occurrence = self.seen.get(natural, 0)
        self.seen[natural] = occurrence + 1
        aid = keys.hawala_position(natural_key("leg", *natural, occurrence))
        name = f"{cell('hawaladar')}: {code or line}"
        row = account_row(aid, "hawala", own.ref, f"LEG:{aid}", name, own.party, line)
        row["country"] = own.country
        merge_row(self.accounts, row)
        return aid

    def _customer(self, cell: Cell, person_field: str, line: int, own: Hawaladar) -> str:
        name = cell(person_field)
        phone = read(cell, f"{person_field}_phone", read_phone(self.ctx.options.country))
        pkey = keys.person_key(None, phone, name, self.ctx.source.id)
        pid = keys.party_id(pkey)
        merge_row(self.parties, {"id": pid, "kind": "person", "name": name, "source_row": line})
        if phone:
            self.ctx.add(
                "identifiers",
                {"owner_id": pid, "scheme": "phone", "value": phone, "source_row": line},
            )
        via = self.tpl.code("via", cell("via")) if cell("via") else "cash"
        if via is None:
            raise Bad("via", "value_invalid", "(cash, mobile_money)")
        if via == "mobile_money" and cell("hawaladar_phone"):
            return self._wallet(cell, line, own)
        if via == "mobile_money":
            if not phone:
                raise Bad(f"{person_field}_phone", "field_missing")
            aid = natural_key("account", "mobile_money", "", phone)
            merge_row(self.accounts, account_row(aid, "mobile_money", None, phone, name, pid, line))
            return aid
        aid = keys.cash_account(pkey)
        merge_row(self.accounts, account_row(aid, "cash", None, f"CASH:{pkey}", name, pid, line))
        return aid

    def _wallet(self, cell: Cell, line: int, own: Hawaladar) -> str:
        """The hawaladar's own wallet: a customer paid by mobile money moved the money on the
        operator's books (the export shows sender -> this wallet); the ledger only says that
        this wallet's money is the pay-in, so the leg is wallet -> customer position and the
        money is never counted twice when both files are loaded."""
        number = read(cell, "hawaladar_phone", read_phone(self.ctx.options.country))
        aid = natural_key("account", "mobile_money", "", number)
        holder = own.party
        merge_row(
            self.accounts,
            account_row(aid, "mobile_money", None, number, cell("hawaladar"), holder, line),
        )
        return aid

    def _tx(
        self,
        line: int,
        ts: Any,
        src: str,
        dst: str,
        amount: Any,
        currency: str,
        tx_type: str,
        code: str | None,
        fee: Any,
        src_country: str | None,
        dst_country: str | None,
        reference: str,
    ) -> str:
        natural = (src, dst, ts.isoformat(), str(amount), currency, tx_type, code or "")
        occurrence = self.seen.get(natural, 0)
        self.seen[natural] = occurrence + 1
        tx_id = natural_key("tx", "hawala", *natural, occurrence)
        self.lines[tx_id] = line
        self.transactions.append(
            {
                "id": tx_id,
                "ext_id": code,
                "ts": ts,
                "src_account_id": src,
                "dst_account_id": dst,
                "amount": amount,
                "currency": currency,
                "channel": "hawala",
                "tx_type": tx_type,
                "fee": fee,
                "src_country": src_country,
                "dst_country": dst_country,
                "reference": reference,
                "source_row": line,
            }
        )
        return tx_id


def _reference(code: str | None, other: Hawaladar | None, name: str) -> str:
    """``code=K7Q2; counterpart: Bureau Al Amana (NE) [<its reference>]``: the
    bracketed id is what :mod:`moneytrail.ingest.hawala_links` reads back from the workspace."""
    parts = [f"code={code}"] if code else []
    parts += [f"counterpart: {name} ({other.country or '?'}) [{other.ref}]"] if other else []
    return "; ".join(parts) or "-"
