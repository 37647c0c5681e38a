"""One goAML ``<report>`` as canonical transactions and one ``goaml_reports`` row.

A ``transaction`` with ``t_from``/``t_to`` (or ``t_from_my_client``/``t_to_my_client``) is one
canonical transaction: ``transactionnumber`` is its ``ext_id``, its id is
``("tx", "goaml", rentity_id, transactionnumber)`` (the same transaction in two reports of the
same reporting entity is one transaction), ``amount_local`` in the report's
``currency_code_local`` its exact amount, ``date_transaction`` its time (no offset: read in the
ingest time zone, stored UTC), ``transmode_code`` its channel (:data:`TRANSMODE_CHANNELS`,
refined by the funds codes for cash). Multi-party transactions (``involved_parties``) and
activity reports stage their parties and accounts but no movement (no direction is given).

>>> channel_of("SWIFT", None, None)
'wire'
>>> channel_of("OCT", "CASH", None)
'cash_deposit'
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from moneytrail.ingest.base import StageContext
from moneytrail.ingest.goaml_parties import Element, Ledger, child_text, children, kid_text
from moneytrail.model.dates import DateError, parse_timestamp
from moneytrail.model.ids import natural_key
from moneytrail.model.vocab import Channel

_W, _CASH, _CARD = Channel.WIRE.value, "cash", Channel.CARD.value
TRANSMODE_CHANNELS: dict[str, str] = {
    # UAE 5.0.2 conduction_type ("MB", mobile banking, is the only mobile code UAE lists: in the
    # Sahel it is mobile money, and the writer uses it for mobile money, so it reads back as such)
    "ELCFT": _W, "SWIFT": _W, "ONBNK": _W, "INTRN": _W, "MB": Channel.MOBILE_MONEY.value,
    "DSB": _W, "DTB": _W,
    "ATMWT": Channel.CASH_WITHDRAWAL.value, "CDM": Channel.CASH_DEPOSIT.value,
    "ATM": _CASH, "OCT": _CASH, "BO": _CASH, "CRNEX": _CASH,
    "CCD": _CARD, "DBCD": _CARD, "PPCD": _CARD, "LCRD": _CARD,
    "DRPCB": Channel.CHEQUE.value, "DAWLT": Channel.CRYPTO.value,
    # Sri Lanka 2.0 conduction_type
    "INTR": _W, "IPG": _W, "TLBN": _W, "BKOF": _W, "EMAL": _W, "LETR": _W,
    "BRCH": _CASH, "AGNT": _CASH, "STOR": _CASH, "POS": _CARD,
    "MBWL": Channel.MOBILE_MONEY.value, "MOAP": Channel.MOBILE_MONEY.value,
    "SMS": Channel.MOBILE_MONEY.value,
}  # fmt: skip
"""``transmode_code`` → canonical channel; ``cash`` means "cash, direction from the funds
codes"; any other code (``-``, ``NA``, ``OTH``, ``CBMNT``) is ``unknown``."""

_CASH_FUNDS = frozenset({"CASH", "K"})
_FUNDS_CHANNELS = {
    "CHQ": Channel.CHEQUE.value, "CHEQ": Channel.CHEQUE.value,
    "CRPTC": Channel.CRYPTO.value, "MOBL": Channel.MOBILE_MONEY.value,
}  # fmt: skip


def channel_of(transmode: str | None, from_funds: str | None, to_funds: str | None) -> str:
    """The canonical channel of a goAML transaction (docs/goaml.md, "transmode ↔ channel")."""
    channel = TRANSMODE_CHANNELS.get((transmode or "").upper(), Channel.UNKNOWN.value)
    if channel in (_CASH, Channel.UNKNOWN.value, _W):
        if (from_funds or "").upper() in _CASH_FUNDS:
            return Channel.CASH_DEPOSIT.value
        if (to_funds or "").upper() in _CASH_FUNDS:
            return Channel.CASH_WITHDRAWAL.value
        funds = _FUNDS_CHANNELS.get((from_funds or "").upper())
        if funds and channel != _W:
            return funds
    return Channel.UNKNOWN.value if channel == _CASH else channel


def _decimal(raw: str | None) -> Decimal | None:
    try:
        return Decimal(raw) if raw else None
    except InvalidOperation:
        return None


def _side(ledger: Ledger, kids: dict[Any, Element], prefix: str) -> tuple[str | None, str | None]:
    """(account id, country) of a ``t_from``/``t_to`` (my-client or not) read by ``children``."""
    if not kids:
        return None, None
    country = kid_text(kids, f"{prefix}_country")
    account = kids.get(f"{prefix}_account")
    if account is not None:
        return ledger.account(account), country
    person, entity = kids.get(f"{prefix}_person"), kids.get(f"{prefix}_entity")
    party = ledger.person(person) if person is not None else ledger.entity(entity)
    if party is None:
        return None, country
    holder = person if person is not None else entity
    assert holder is not None
    name = ledger.parties[party]["name"]
    return ledger.outside(party, name, ledger.row(holder)), country


def _side_element(kids: dict[Any, Element], prefix: str) -> Element | None:
    mine = kids.get(f"t_{prefix}_my_client")
    return mine if mine is not None else kids.get(f"t_{prefix}")


def stage_report_rows(
    ctx: StageContext, ledger: Ledger, report: Element, seen: set[str]
) -> list[str]:
    """Stage the transactions (and their accounts and parties) of ``report``; their ids.

    ``seen`` holds the transaction ids staged by earlier reports of the file: a transaction
    two reports both describe is staged once (the first) and listed by both.
    """
    ids, rows = report_transactions(ledger, report, ctx.options.timezone, seen)
    ctx.add_many("transactions", rows)
    return ids


def report_transactions(
    ledger: Ledger, report: Element, timezone: str, seen: set[str]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The ids of the transactions of ``report`` and the rows to stage (accounts and parties
    go to ``ledger``): :func:`stage_report_rows` without a staging context, so that a worker
    process can map reports too (:mod:`moneytrail.ingest.goaml_pool`)."""
    rentity = child_text(report, "rentity_id") or ""
    currency = child_text(report, "currency_code_local")
    ids: list[str] = []
    rows: list[dict[str, Any]] = []
    staged_here: set[str] = set()
    for tx in report.iterchildren("transaction"):
        kids = children(tx)
        number = kid_text(kids, "transactionnumber")
        key = natural_key("tx", "goaml", rentity, number)
        ids.append(key)
        line = ledger.row(tx)
        from_side, to_side = _side_element(kids, "from"), _side_element(kids, "to")
        from_kids, to_kids = children(from_side), children(to_side)
        src, src_country = _side(ledger, from_kids, "from")
        dst, dst_country = _side(ledger, to_kids, "to")
        ledger.person(from_kids.get("t_conductor"))
        if "involved_parties" in kids:
            for party in tx.iterfind("involved_parties/party"):
                _involved(ledger, party)
        if from_side is None and to_side is None:
            continue  # involved_parties: no direction, no movement
        if key in seen and key not in staged_here:
            continue
        seen.add(key)
        staged_here.add(key)
        raw_date = kid_text(kids, "date_transaction")
        try:
            ts = parse_timestamp(raw_date, tz=timezone) if raw_date else None
        except DateError:
            ts = None
        rows.append(
            {
                "id": key,
                "ext_id": number,
                "ts": ts,
                "src_account_id": src,
                "dst_account_id": dst,
                "amount": _decimal(kid_text(kids, "amount_local")),
                "currency": currency,
                "channel": channel_of(
                    kid_text(kids, "transmode_code"),
                    kid_text(from_kids, "from_funds_code"),
                    kid_text(to_kids, "to_funds_code"),
                ),
                "tx_type": kid_text(kids, "transaction_type_code"),
                "src_country": src_country,
                "dst_country": dst_country,
                "reference": kid_text(kids, "internal_ref_number")
                or kid_text(kids, "transaction_description"),
                "source_row": line,
            }
        )
    for party in report.iterfind("activity/report_parties/report_party"):
        _involved(ledger, party)
    return ids, rows


def _involved(ledger: Ledger, party: Element) -> None:
    for tag, stage in (
        ("person", ledger.person),
        ("entity", ledger.entity),
        ("account", ledger.account),
    ):
        for element in (party.find(tag), party.find(f"{tag}_my_client")):
            if element is not None:
                stage(element)


def _text(report: Element, tag: str) -> str | None:
    element = report.find(tag)
    if element is None or element.text is None:
        return None
    return unicodedata.normalize("NFC", element.text.strip()) or None


def report_row(
    report: Element, profile: str, member: str | None, ledger: Ledger, ids: list[str]
) -> dict[str, Any]:
    """The ``goaml_reports`` row of ``report`` (``source_id`` added by the caller); ``member``
    names the ZIP member that holds it."""
    rentity = child_text(report, "rentity_id") or ""
    reference = child_text(report, "entity_reference") or ""
    raw_date = child_text(report, "submission_date") or child_text(report, "report_date")
    try:
        submitted = parse_timestamp(raw_date, tz="UTC") if raw_date else None
    except DateError:
        submitted = None
    return {
        "id": natural_key("goaml_report", rentity, reference),
        "source_row": ledger.row(report),
        "member": member,
        "profile": profile,
        "report_code": child_text(report, "report_code") or "",
        "submission_code": child_text(report, "submission_code"),
        "rentity_id": rentity,
        "rentity_branch": child_text(report, "rentity_branch"),
        "entity_reference": reference,
        "fiu_ref_number": child_text(report, "fiu_ref_number"),
        "submission_date": submitted,
        "currency_local": child_text(report, "currency_code_local"),
        "reason": _text(report, "reason"),
        "action": _text(report, "action"),
        "indicators": [
            (i.text or "").strip() for i in report.iterfind("report_indicators/indicator")
        ],
        "transaction_ids": ids,
    }
