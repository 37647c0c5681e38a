"""pain.001 / pain.008 initiations and pacs.008 / pacs.009 interbank transfers.

These messages list payments, not bookings: each ``CdtTrfTxInf`` (``DrctDbtTxInf`` for pain.008)
becomes one canonical transaction from the debtor's account to the creditor's. The date is the
requested execution (collection) date for pain, the interbank settlement date for pacs: the day
the money was meant to move, which is what an investigator lines up with statements.

Example: a pain.001 ``PmtInf`` of "Société Sahel Commerce" paying 75000 XOF to "Fatoumata Diarra"
becomes ``IBAN of the company -> account of Fatoumata Diarra, 75000 XOF, wire``.
"""

from __future__ import annotations

from datetime import datetime

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
    reject,
    remittance,
    text,
)
from moneytrail.ingest.iso20022_parties import Ledger, bic_of, party_of
from moneytrail.model.vocab import Channel

_AMOUNTS = ("IntrBkSttlmAmt", "InstdAmt", "Amt/InstdAmt", "Amt/EqvtAmt/Amt")
_REFS = ("PmtId/UETR", "PmtId/EndToEndId", "PmtId/TxId", "PmtId/InstrId")


def stage_initiations(ctx: StageContext, message: Element, ledger: Ledger, kind: str) -> int:
    """pain.001 (credit transfers) and pain.008 (direct debits): ``PmtInf`` x transactions.

    In pain.001 the ``PmtInf`` holds the debtor (the initiator) and each transaction a creditor;
    in pain.008 the ``PmtInf`` holds the creditor (the collector) and each transaction a debtor.
    """
    ids = TxIds()
    staged = 0
    debit = kind == "pain.008"
    own_role, other_role = ("Cdtr", "Dbtr") if debit else ("Dbtr", "Cdtr")
    tx_tag = "DrctDbtTxInf" if debit else "CdtTrfTxInf"
    date_tag = "ReqdColltnDt" if debit else "ReqdExctnDt"
    for info in message.iterfind("PmtInf"):
        line = line_of(info)
        method = text(info, "PmtMtd")
        purpose = first_text(info, "PmtTpInf/CtgyPurp/Cd", "PmtTpInf/LclInstrm/Cd")
        try:
            own_party = party_of(info.find(own_role))
            own = ledger.account(
                info.find(f"{own_role}Acct"), info.find(f"{own_role}Agt"), own_party, "", line
            )
            ts = date_of(info.find(date_tag), f"PmtInf/{date_tag}", ctx.options.timezone)
        except RowError as exc:
            ctx.reject(exc.line or line, exc.field, exc.value, exc.code)
            continue
        for tx in info.iterfind(tx_tag):
            try:
                row = _payment(
                    tx, ts, own, own_role, other_role, ledger, ids, date_tag, ctx.options.timezone
                )
            except RowError as exc:
                reject(ctx, exc, line_of(tx))
                continue
            tx_purpose = first_text(tx, "PmtTpInf/CtgyPurp/Cd", "Purp/Cd") or purpose
            row["tx_type"] = f"{kind}:{tx_purpose}" if tx_purpose else kind
            row["channel"] = Channel.CHEQUE.value if method == "CHK" else Channel.WIRE.value
            ctx.add("transactions", row)
            staged += 1
    return staged


def stage_interbank(ctx: StageContext, message: Element, ledger: Ledger, kind: str) -> int:
    """pacs.008 (customer transfers) and pacs.009 (transfers between institutions)."""
    ids = TxIds()
    staged = 0
    group_date = message.find("GrpHdr/IntrBkSttlmDt")
    for tx in message.iterfind("CdtTrfTxInf"):
        date_element = tx.find("IntrBkSttlmDt")
        try:
            ts = date_of(
                date_element if date_element is not None else group_date,
                "IntrBkSttlmDt",
                ctx.options.timezone,
            )
            own_party = party_of(tx.find("Dbtr"))
            agent = tx.find("DbtrAgt")
            scope = bic_of(agent) or ""
            own = ledger.account(tx.find("DbtrAcct"), agent, own_party, scope, line_of(tx))
            row = _payment(
                tx, ts, own, "Dbtr", "Cdtr", ledger, ids, "IntrBkSttlmDt", ctx.options.timezone
            )
        except RowError as exc:
            reject(ctx, exc, line_of(tx))
            continue
        purpose = first_text(tx, "PmtTpInf/CtgyPurp/Cd", "Purp/Cd")
        row["tx_type"] = f"{kind}:{purpose}" if purpose else kind
        row["channel"] = Channel.WIRE.value
        ctx.add("transactions", row)
        staged += 1
    return staged


def _payment(
    tx: Element,
    ts: datetime | None,
    own: str | None,
    own_role: str,
    other_role: str,
    ledger: Ledger,
    ids: TxIds,
    date_tag: str,
    timezone: str,
) -> dict[str, object]:
    """One payment between the ``own_role`` side (already staged) and the ``other_role`` side."""
    line = line_of(tx)
    amount_element = first_element(
        tx, "IntrBkSttlmAmt", "InstdAmt", "Amt/InstdAmt", "Amt/EqvtAmt/Amt"
    )
    amount, currency = amount_of(amount_element, f"{tx.tag}/Amt")
    if ts is None:
        ts = date_of(tx.find("AccptncDtTm"), "AccptncDtTm", timezone)
    if ts is None:
        raise RowError("date_missing", date_tag, None, line)
    info = party_of(tx.find(other_role))
    agent = tx.find(f"{other_role}Agt")
    scope = own or bic_of(agent) or ""
    other = ledger.account(tx.find(f"{other_role}Acct"), agent, info, scope, line)
    src, dst = (own, other) if own_role == "Dbtr" else (other, own)
    ext_id = reference(first_text(tx, *_REFS))
    ref_text = remittance(tx)
    content = (ts, amount, currency, src, dst, ref_text)
    return {
        "id": ids.mint(src or dst or "", ext_id, content),
        "ext_id": ext_id,
        "ts": ts,
        "src_account_id": src,
        "dst_account_id": dst,
        "amount": amount,
        "currency": currency,
        "src_country": ledger.countries.get(src) if src else None,
        "dst_country": ledger.countries.get(dst) if dst else None,
        "reference": ref_text,
        "source_row": line,
    }


def first_element(parent: Element, *paths: str) -> Element | None:
    """The first of ``paths`` present under ``parent``."""
    for path in paths:
        found = parent.find(path)
        if found is not None:
            return found
    return None
