"""Stage the links between hawala pay-ins and pay-outs (value transfers without money movement).

Why a step of the hawala reader: the pay-in is often in one hawaladar's ledger and the pay-out
in another's, loaded on another day. Each load therefore matches its own legs against each
other *and* against the legs already in the workspace that no link uses yet, with the rules of
:mod:`moneytrail.cash.linking`, and stages one transaction per link (decision 0134):

* from the pay-in's earmarked position (at hawaladar A) to the pay-out's (at hawaladar B), for
  the amount paid out, in its currency, channel ``hawala``, ``fee`` = the commission;
* ``tx_type`` ``hawala_link_code`` or ``hawala_link_amount``; ``ext_id``
  ``hawala-link:<pay-in id>:<pay-out id>`` (the evidence: both legs' ids); ``reference`` gives
  the facts that matched and ``confidence=0.84`` (:func:`evidence`);
* at the midpoint between pay-in and pay-out (so a trace sees it after the money arrived at A
  and before B paid out); a pay-out made *before* the pay-in (credit between hawaladars) is
  linked at the pay-in's time, and a forward trace does not reach that beneficiary.

A link is never made twice: legs used by a link already in the workspace are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from moneytrail.cash.linking import Leg, Link, LinkSettings, link_legs
from moneytrail.ingest.base import StageContext
from moneytrail.model.ids import natural_key

LINK_TYPES = ("hawala_link_code", "hawala_link_amount")
LEG_TYPES = ("hawala_pay_in", "hawala_pay_out")
_COUNTERPART = re.compile(r"counterpart: .*\[([0-9a-f]{32})\]")


def settings_of(ctx: StageContext) -> LinkSettings:
    """Link settings from the ingest options' extras (``hawala_window_days``...), else defaults."""
    extra = ctx.options.extra
    base = LinkSettings()
    return LinkSettings(
        window_days=float(extra.get("hawala_window_days", base.window_days)),
        slack_hours=float(extra.get("hawala_slack_hours", base.slack_hours)),
        min_confidence=float(extra.get("hawala_min_confidence", base.min_confidence)),
    )


def stage_links(
    ctx: StageContext,
    pay_ins: Sequence[Leg],
    pay_outs: Sequence[Leg],
    lines: Mapping[str, int],
    countries: Mapping[str, str | None],
) -> list[Link]:
    """Match this file's legs (and the workspace's unlinked ones); stage one row per link."""
    mine = {leg.id for leg in (*pay_ins, *pay_outs)}
    old_in, old_out, old_countries = _workspace_legs(ctx, mine)
    every_country = {**old_countries, **countries}
    links = [
        x
        for x in link_legs([*pay_ins, *old_in], [*pay_outs, *old_out], settings_of(ctx))
        if x.pay_in.id in mine or x.pay_out.id in mine
    ]
    for link in links:
        ctx.add("transactions", link_row(link, lines, every_country))
    return links


def link_row(
    link: Link, lines: Mapping[str, int], countries: Mapping[str, str | None]
) -> dict[str, Any]:
    """The canonical transaction of one link."""
    a, b = link.pay_in, link.pay_out
    ts = a.ts + (b.ts - a.ts) / 2 if b.ts > a.ts else a.ts
    return {
        "id": natural_key("tx", "hawala_link", a.id, b.id),
        "ext_id": f"hawala-link:{a.id}:{b.id}",
        "ts": ts,
        "src_account_id": a.account or a.hawaladar,
        "dst_account_id": b.account or b.hawaladar,
        "amount": b.amount,
        "currency": b.currency,
        "channel": "hawala",
        "tx_type": f"hawala_link_{link.method}",
        "fee": a.fee,
        "src_country": countries.get(a.id),
        "dst_country": countries.get(b.id),
        "reference": evidence(link),
        "source_row": lines.get(b.id, lines.get(a.id)),
    }


def evidence(link: Link) -> str:
    """Why the two legs were linked, as ``key=value`` facts (the same in French and English:
    stored data, not a sentence) an analyst checks against the ledgers.

    ``hawala_link: code=K7Q2; delay_h=5.5; confidence=1.00`` or ``hawala_link: out=980000 XOF
    = in=1000000 - fee=20000; delay_h=26.0; confidence=0.83``.
    """
    a, b = link.pay_in, link.pay_out
    if link.method == "code":
        why = f"code={a.code}"
    else:
        fee = _plain(a.fee or Decimal(0))
        why = f"out={_plain(b.amount)} {b.currency} = in={_plain(a.amount)} - fee={fee}"
    return f"hawala_link: {why}; delay_h={link.delay_hours:.1f}; confidence={link.confidence:.2f}"


def _plain(value: Decimal) -> str:
    """``Decimal('980000.00000000')`` -> ``980000`` (workspace amounts carry 8 decimals)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _workspace_legs(
    ctx: StageContext, mine: set[str]
) -> tuple[list[Leg], list[Leg], dict[str, str | None]]:
    engine = ctx.engine
    linked: set[str] = set()
    for (ext,) in engine.fetchall(
        "SELECT ext_id FROM transactions WHERE tx_type IN (?, ?)", list(LINK_TYPES)
    ):
        linked.update(str(ext).split(":")[1:])
    rows = engine.fetchall(
        "SELECT t.id, t.ts, t.amount, t.currency, t.fee, t.ext_id, p.id, p.institution,"
        " t.reference, t.tx_type, t.src_country, t.dst_country FROM transactions t"
        " JOIN accounts p ON p.id = CASE t.tx_type WHEN 'hawala_pay_in' THEN t.dst_account_id"
        " ELSE t.src_account_id END"
        " WHERE t.tx_type IN (?, ?) ORDER BY t.ts, t.id",
        list(LEG_TYPES),
    )
    pay_ins: list[Leg] = []
    pay_outs: list[Leg] = []
    countries: dict[str, str | None] = {}
    for tid, ts, amount, cur, fee, code, position, owner, ref, kind, sc, dc in rows:
        if tid in linked or tid in mine:
            continue
        found = _COUNTERPART.search(ref or "")
        other = found.group(1) if found else None
        when = ts if isinstance(ts, datetime) else datetime.fromisoformat(str(ts))
        fee_value = None if fee is None else Decimal(fee)
        leg = Leg(tid, when, Decimal(amount), cur, fee_value, code, owner, other, position)
        (pay_ins if kind == "hawala_pay_in" else pay_outs).append(leg)
        countries[tid] = dc if kind == "hawala_pay_in" else sc
    return pay_ins, pay_outs, countries
