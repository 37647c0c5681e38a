"""SWIFT MT940 customer statements (and MT942 interim reports) into canonical rows.

The statement account (``:25:``) is the own account; each ``:61:`` statement line is one
transaction between it and the counterparty named by the ``:86:`` that follows. Structure checks
(:mod:`moneytrail.ingest.mt940_scan`) refuse a broken file as a whole; a single unreadable
``:61:`` (impossible date, amount that is not a number) goes to quarantine with its line.

Decisions (documented in docs/formats/mt940.md):

* direction: ``D`` and ``RC`` (reversal of a credit) take money out of the own account, ``C`` and
  ``RD`` (reversal of a debit) bring money in; a reversal is its own transaction, its
  ``tx_type`` is the type code prefixed by ``R:`` (``R:NTRF``);
* time: the entry (booking) date when given, else the value date, at midnight; the entry date
  takes the year of the value date, moved by one year when that puts it more than 180 days away
  (a December value date booked in January); two-digit years are 1980-2079;
* ids: ``("tx", own account id, statement number, value date, amount, mark, customer reference,
  bank reference, occurrence)``, occurrence counting identical keys in the file, so the same
  statement read from another export adds nothing.

>>> Mt940Reader("mt940").sniff(Path("x.sta"), b":20:X\\r\\n:25:123\\r\\n:28C:1\\r\\n:60F:C")
90
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.mt940_details import (
    Details,
    account_reference,
    clean,
    iban_or_none,
    read_details,
)
from moneytrail.ingest.mt940_line import LineError, parse_statement_line
from moneytrail.ingest.mt940_scan import Field, Statement, decode, scan_statements
from moneytrail.model.ids import natural_key
from moneytrail.model.vocab import AccountKind, Channel, PartyKind

_SNIFF = re.compile(rb"^:(20|25|28C?|60F|61|86|62F|34F):", re.MULTILINE)
_CHANNELS = {
    "TRF": Channel.WIRE,
    "STO": Channel.WIRE,
    "DDT": Channel.WIRE,
    "BRF": Channel.WIRE,
    "RTI": Channel.WIRE,
    "CHK": Channel.CHEQUE,
    "ECK": Channel.CHEQUE,
    "TCK": Channel.CHEQUE,
}
_OUTGOING = {"D", "RC"}


class Mt940Reader:
    """Reads SWIFT MT940 statements and MT942 interim reports (``.sta``, ``.txt``, ``.940``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """90 when the head shows the statement tags, 50 with a few tags, else 0."""
        if b"\x00" in head[:4096]:
            return 0
        found = {m.group(1) for m in _SNIFF.finditer(head.replace(b"\r", b"\n"))}
        if {b"20", b"25", b"61"} <= found or (b"25" in found and found & {b"60F", b"34F"}):
            return 90
        return 50 if len(found) >= 2 else 0

    def stage(self, ctx: StageContext) -> None:
        """Stage the own accounts, counterparties and transactions of every statement."""
        path = str(ctx.path)
        text = decode(path, ctx.path.read_bytes(), ctx.options.encoding)
        statements = scan_statements(path, text)
        if all(s.interim for s in statements):
            ctx.format = "mt942"
        seen: Counter[tuple[object, ...]] = Counter()
        for done, statement in enumerate(statements, start=1):
            self._stage_statement(ctx, statement, seen)
            ctx.report(done, len(statements))
        ctx.mapping_used = {"reader": "mt940", "statements": len(statements)}

    def _stage_statement(
        self, ctx: StageContext, statement: Statement, seen: Counter[tuple[object, ...]]
    ) -> None:
        own = _own_account(statement)
        ctx.add("accounts", own)
        fields = statement.fields
        for index, item in enumerate(fields):
            if item.tag != "61":
                continue
            following = fields[index + 1] if index + 1 < len(fields) else None
            note = following if following is not None and following.tag == "86" else None
            _stage_line(ctx, statement, own, item, note, seen)


def _own_account(statement: Statement) -> dict[str, Any]:
    """Canonical row of the statement account from ``:25:`` (IBAN, or bank code/number)."""
    account = statement.account
    raw = clean(account.value.replace("\n", " ")) or ""
    currency = statement.currency
    if len(raw) > 3 and raw[-3:] == currency and not raw[-4].isalpha():
        raw = raw[:-3].rstrip("/ ")
    iban = iban_or_none(raw)
    institution = None
    number = iban or raw
    if iban is None and "/" in raw:
        institution, _, number = raw.partition("/")
    key = natural_key("account", AccountKind.BANK, institution or "", number)
    return {
        "id": key,
        "kind": AccountKind.BANK.value,
        "institution": institution,
        "number": number,
        "currency": currency,
        "country": iban[:2] if iban else None,
        "source_row": account.line,
    }


def _stage_line(
    ctx: StageContext,
    statement: Statement,
    own: dict[str, Any],
    item: Field,
    note: Field | None,
    seen: Counter[tuple[object, ...]],
) -> None:
    try:
        line = parse_statement_line(item.value)
    except LineError as exc:
        ctx.reject(item.line, exc.field, exc.value, exc.code)
        return
    details = read_details(note.value) if note else Details()
    if details.iban is None and details.number is None and line.supplementary:
        details = _with_account(details, line.supplementary.split(" ")[0])
    other = _counterparty(ctx, own["id"], details, note.line if note else item.line)
    key = (
        own["id"],
        statement.number,
        line.value_date,
        line.amount,
        line.mark,
        line.customer_ref,
        line.bank_ref,
    )
    seen[key] += 1
    outgoing = line.mark in _OUTGOING
    ctx.add(
        "transactions",
        {
            "id": natural_key("tx", *key, seen[key]),
            "ext_id": line.bank_ref or line.customer_ref,
            "ts": datetime(line.booked.year, line.booked.month, line.booked.day),
            "src_account_id": own["id"] if outgoing else other,
            "dst_account_id": other if outgoing else own["id"],
            "amount": line.amount,
            "currency": statement.currency,
            "channel": _CHANNELS.get(line.type_code[1:], Channel.UNKNOWN).value,
            "tx_type": f"R:{line.type_code}" if line.mark.startswith("R") else line.type_code,
            "reference": details.remittance or line.supplementary,
            "source_row": item.line,
        },
    )


def _counterparty(ctx: StageContext, own_id: str, details: Details, line: int) -> str | None:
    """Stage the counterparty account (and its named holder); its id, ``None`` if unknown."""
    row: dict[str, Any] = {"name": details.name, "source_row": line}
    if details.iban:
        key = natural_key("account", AccountKind.BANK, "", details.iban)
        row |= {"kind": "bank", "number": details.iban, "country": details.iban[:2]}
        row["institution"] = details.bic
    elif details.number:
        institution = details.bic or details.bank_code
        key = natural_key("account", AccountKind.BANK, institution or "", details.number)
        row |= {"kind": "bank", "number": details.number, "institution": institution}
    elif details.name:
        key = natural_key("account", AccountKind.EXTERNAL, own_id, _normal(details.name))
        row["kind"] = AccountKind.EXTERNAL.value
    else:
        return None
    if details.name:
        party = natural_key("party", key, _normal(details.name))
        row["holder_party_id"] = party
        ctx.add(
            "parties",
            {
                "id": party,
                "kind": PartyKind.LEGAL_ENTITY.value,
                "name": details.name,
                "source_row": line,
            },
        )
    ctx.add("accounts", {"id": key, **row})
    return key


def _normal(name: str) -> str:
    """Key form of a name: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _with_account(details: Details, text: str) -> Details:
    """``details`` with the account written in the ``:61:`` supplementary details (Rabobank)."""
    iban, number = account_reference(text)
    return Details(
        name=details.name,
        iban=iban,
        number=number,
        bic=details.bic,
        remittance=details.remittance,
        layout=details.layout,
    )
