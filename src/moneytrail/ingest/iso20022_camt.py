"""camt.052 / camt.053 / camt.054: account reports, statements and debit/credit notifications.

Each ``Rpt`` / ``Stmt`` / ``Ntfctn`` names one account; each booked ``Ntry`` on it becomes one
canonical transaction, or one per ``TxDtls`` when the entry is a batch whose details carry their
own amounts adding up to the entry's (better for tracing: each salary of a payroll batch goes to
its own beneficiary). A credit moves money from the counterparty (``RltdPties/Dbtr``) to the
account; a debit from the account to the counterparty (``RltdPties/Cdtr``). The rules and their
reasons are in docs/formats/iso20022.md.

Example: a ``CRDT`` entry of 150000 XOF whose ``TxDtls`` name "Mahamadou Traoré" as ``Dbtr``
becomes ``external(Mahamadou Traoré) -> statement account, 150000 XOF``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.iso20022_common import (
    Element,
    RowError,
    TxIds,
    amount_of,
    date_of,
    first_text,
    line_of,
    reference,
    refuse,
    reject,
    remittance,
    text,
)
from moneytrail.ingest.iso20022_parties import Ledger, party_of
from moneytrail.model.vocab import Channel

REPORT_TAGS = ("Rpt", "Stmt", "Ntfctn")
BOOKED = "BOOK"
_CASH_DEPOSIT = {"CDPT", "FCDP"}
_CASH_WITHDRAWAL = {"CWDL", "FCWD"}
_CARD_FAMILIES = {"CCRD", "MCRD", "POSD"}
_CHEQUE_FAMILIES = {"ICHQ", "RCHQ", "CCHQ", "DRFT"}
_DETAIL_REFS = (
    "Refs/AcctSvcrRef",
    "Refs/UETR",
    "Refs/EndToEndId",
    "Refs/TxId",
    "Refs/InstrId",
    "Refs/PmtInfId",
)


@dataclass(frozen=True)
class Entry:
    """The facts of one ``Ntry`` every transaction cut from it shares."""

    line: int | None
    amount: Decimal
    currency: str
    credit: bool
    reversal: bool
    ts: datetime
    tx_type: str | None
    channel: str
    ref: str | None
    info: str | None


def stage_statements(ctx: StageContext, message: Element, ledger: Ledger) -> int:
    """Stage every entry of every report in ``message``; the number of transactions staged."""
    ids = TxIds()
    staged = 0
    for report in message:
        if report.tag not in REPORT_TAGS:
            continue
        acct = report.find("Acct")
        owner = party_of(acct.find("Ownr") if acct is not None else None)
        servicer = acct.find("Svcr") if acct is not None else None
        line = line_of(acct) if acct is not None else line_of(report)
        try:
            own = ledger.account(acct, servicer, owner, "", line, by_name=False)
        except RowError as exc:
            raise refuse(ctx, exc.code, exc.line, exc.field, exc.value) from exc
        if own is None:
            raise refuse(ctx, "field_missing", line, f"{report.tag}/Acct/Id")
        for ntry in report.iterfind("Ntry"):
            staged += _stage_entry(ctx, ntry, own, ledger, ids)
    return staged


def _stage_entry(ctx: StageContext, ntry: Element, own: str, ledger: Ledger, ids: TxIds) -> int:
    line = line_of(ntry)
    status = first_text(ntry, "Sts/Cd", "Sts/Prtry", "Sts")
    if status is not None and status.upper() != BOOKED:
        ctx.reject(line, "Ntry/Sts", status, "iso20022_entry_not_booked")
        return 0
    try:
        entry = _read_entry(ntry, ctx.options.timezone)
        details = ntry.findall("NtryDtls/TxDtls")
        parts = _split(details, entry)
        rows = [_row(entry, detail, amount, own, ledger, ids, k) for k, (detail, amount) in parts]
    except RowError as exc:
        reject(ctx, exc, line)
        return 0
    for row in rows:
        ctx.add("transactions", row)
    return len(rows)


def _read_entry(ntry: Element, timezone: str) -> Entry:
    amount, currency = amount_of(ntry.find("Amt"), "Ntry/Amt")
    indicator = text(ntry, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise RowError("value_invalid", "Ntry/CdtDbtInd", indicator, line_of(ntry))
    ts = date_of(ntry.find("BookgDt"), "Ntry/BookgDt", timezone)
    ts = ts or date_of(ntry.find("ValDt"), "Ntry/ValDt", timezone)
    if ts is None:
        raise RowError("date_missing", "Ntry/BookgDt", None, line_of(ntry))
    code = ntry.find("BkTxCd")
    reversal = (text(ntry, "RvslInd") or "").lower() in ("true", "1")
    tx_type = _bank_code(code)
    if reversal:
        tx_type = f"RVSL {tx_type}" if tx_type else "RVSL"
    return Entry(
        line=line_of(ntry),
        amount=amount,
        currency=currency,
        credit=indicator == "CRDT",
        reversal=reversal,
        ts=ts,
        tx_type=tx_type,
        channel=_channel(code, indicator == "CRDT"),
        ref=reference(text(ntry, "AcctSvcrRef")),
        info=text(ntry, "AddtlNtryInf"),
    )


def _split(
    details: list[Element], entry: Entry
) -> list[tuple[int, tuple[Element | None, Decimal]]]:
    """One part per ``TxDtls`` when a batch's details carry amounts that add up to the entry's,
    else the whole entry (with its only detail, if it has exactly one)."""
    if len(details) >= 2:
        amounts: list[Decimal] = []
        for detail in details:
            amt = detail.find("Amt")
            amt = amt if amt is not None else detail.find("AmtDtls/TxAmt/Amt")
            if amt is None:
                break
            value, currency = amount_of(amt, "TxDtls/Amt")
            if currency != entry.currency:
                break
            amounts.append(value)
        if len(amounts) == len(details) and sum(amounts, Decimal(0)) == entry.amount:
            return list(enumerate(zip(details, amounts, strict=True), start=1))
    only = details[0] if len(details) == 1 else None
    return [(0, (only, entry.amount))]


def _row(
    entry: Entry,
    detail: Element | None,
    amount: Decimal,
    own: str,
    ledger: Ledger,
    ids: TxIds,
    part: int,
) -> dict[str, object]:
    # A reversal's details describe the original payment: the other side is the opposite role.
    other_is_debtor = entry.credit != entry.reversal
    role = "Dbtr" if other_is_debtor else "Cdtr"
    line = line_of(detail) if detail is not None and part else entry.line
    counterparty = None
    if detail is not None:
        info = party_of(detail.find(f"RltdPties/{role}"))
        counterparty = ledger.account(
            detail.find(f"RltdPties/{role}Acct"),
            detail.find(f"RltdAgts/{role}Agt"),
            info,
            own,
            line,
        )
    detail_ref = reference(first_text(detail, *_DETAIL_REFS))
    if part:
        ext_id = detail_ref or (f"{entry.ref}#{part}" if entry.ref else None)
    else:
        ext_id = entry.ref or detail_ref
    ref_text = remittance(detail) or text(detail, "AddtlTxInf") or entry.info
    src, dst = (counterparty, own) if entry.credit else (own, counterparty)
    content = (entry.ts, amount, entry.currency, entry.credit, counterparty, ref_text)
    return {
        "id": ids.mint(own, ext_id, content),
        "ext_id": ext_id,
        "ts": entry.ts,
        "src_account_id": src,
        "dst_account_id": dst,
        "amount": amount,
        "currency": entry.currency,
        "channel": entry.channel,
        "tx_type": entry.tx_type,
        "src_country": ledger.countries.get(src) if src else None,
        "dst_country": ledger.countries.get(dst) if dst else None,
        "reference": ref_text,
        "source_row": line,
    }


def _bank_code(code: Element | None) -> str | None:
    """``Domn/Cd/Fmly/SubFmlyCd`` ("PMNT/RCDT/ESCT"), else the proprietary code."""
    domain = text(code, "Domn/Cd")
    if domain:
        parts = [domain, text(code, "Domn/Fmly/Cd"), text(code, "Domn/Fmly/SubFmlyCd")]
        return "/".join(p for p in parts if p)
    return text(code, "Prtry/Cd")


def _channel(code: Element | None, credit: bool) -> str:
    """Channel from the bank transaction code family (ISO external code list)."""
    family = text(code, "Domn/Fmly/Cd") or ""
    sub = text(code, "Domn/Fmly/SubFmlyCd") or ""
    if sub in _CASH_DEPOSIT:
        return Channel.CASH_DEPOSIT.value
    if sub in _CASH_WITHDRAWAL:
        return Channel.CASH_WITHDRAWAL.value
    if family == "CNTR":
        return Channel.CASH_DEPOSIT.value if credit else Channel.CASH_WITHDRAWAL.value
    if family in _CARD_FAMILIES or sub == "POSD":
        return Channel.CARD.value
    if family in _CHEQUE_FAMILIES:
        return Channel.CHEQUE.value
    return Channel.WIRE.value
