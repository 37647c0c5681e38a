"""Link a hawala pay-in at one hawaladar to its pay-out at another: by code, else by amount.

Why: in hawala the customer's money does not move. A pays in at hawaladar A (Bamako), the
beneficiary is paid out of hawaladar B's own cash (Niamey, Dubai), and A and B settle later,
netted, by trade invoices or cash runs. A trace must still go from the sender to the
beneficiary: the link is that step, a *value transfer without money movement*, and it shows
its evidence and its confidence (decision 0134).

* **by code** (the password or reference the beneficiary gives): confidence 1.0, or 0.8 when
  the ledgers name another counterpart than the one that paid;
* **by amount**: the pay-out equals the pay-in less its commission, in the same currency, at a
  hawaladar other than A (A's named counterpart when A's ledger names one), from ``slack``
  before to ``window`` after the pay-in. Confidence 0.9 when a counterpart is named and agrees,
  0.7 when none is named, less up to half for the delay, divided by the number of rival
  candidates (on either side). Pairs are taken best first, each leg once; pairs below
  ``min_confidence`` are not linked. Two legs that both carry codes, different ones, are never
  linked by amount.

>>> from datetime import datetime
>>> a = Leg("in1", datetime(2024, 3, 1), Decimal(100000), "XOF", Decimal(2000), None, "A", "B")
>>> b = Leg("out1", datetime(2024, 3, 2), Decimal(98000), "XOF", None, None, "B", None)
>>> [(x.method, x.confidence) for x in link_legs([a], [b])]
[('amount', 0.84)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Leg:
    """One customer leg: ``hawaladar`` is the reference of its hawaladar; ``counterpart`` the
    other hawaladar's reference when the ledger names it."""

    id: str
    ts: datetime
    amount: Decimal
    currency: str
    fee: Decimal | None
    code: str | None
    hawaladar: str
    counterpart: str | None
    account: str = ""
    """The leg's own (earmarked) position account: where the link starts or ends."""


@dataclass(frozen=True)
class LinkSettings:
    """How far the amount match looks: ``window_days`` after the pay-in, ``slack_hours``
    before it (a trusted customer may be paid before A is), and the lowest confidence kept."""

    window_days: float = 7.0
    slack_hours: float = 24.0
    min_confidence: float = 0.1


@dataclass(frozen=True)
class Link:
    """A pay-in and the pay-out it paid for, how they were matched and how sure that is."""

    pay_in: Leg
    pay_out: Leg
    method: str
    confidence: float

    @property
    def delay_hours(self) -> float:
        """Hours from the pay-in to the pay-out (negative when paid out first)."""
        return (self.pay_out.ts - self.pay_in.ts).total_seconds() / 3600


def link_legs(
    pay_ins: Sequence[Leg], pay_outs: Sequence[Leg], settings: LinkSettings | None = None
) -> list[Link]:
    """Links between ``pay_ins`` and ``pay_outs``, each leg in at most one link."""
    settings = settings or LinkSettings()
    links = _by_code(pay_ins, pay_outs)
    used = {x.pay_in.id for x in links} | {x.pay_out.id for x in links}
    rest_in = [leg for leg in pay_ins if leg.id not in used]
    rest_out = [leg for leg in pay_outs if leg.id not in used]
    return links + _by_amount(rest_in, rest_out, settings)


def _by_code(pay_ins: Sequence[Leg], pay_outs: Sequence[Leg]) -> list[Link]:
    outs: dict[str, list[Leg]] = {}
    for leg in pay_outs:
        if leg.code:
            outs.setdefault(_code(leg.code), []).append(leg)
    links: list[Link] = []
    used: set[str] = set()
    for leg in sorted(pay_ins, key=lambda x: (x.ts, x.id)):
        if not leg.code:
            continue
        rivals = [
            o
            for o in outs.get(_code(leg.code), [])
            if o.hawaladar != leg.hawaladar and o.id not in used
        ]
        if not rivals:
            continue
        best = min(rivals, key=lambda o: (abs((o.ts - leg.ts).total_seconds()), o.id))
        used.add(best.id)
        agree = leg.counterpart in (None, best.hawaladar) and best.counterpart in (
            None,
            leg.hawaladar,
        )
        links.append(Link(leg, best, "code", 1.0 if agree else 0.8))
    return links


def _by_amount(
    pay_ins: Sequence[Leg], pay_outs: Sequence[Leg], settings: LinkSettings
) -> list[Link]:
    window = timedelta(days=settings.window_days)
    slack = timedelta(hours=settings.slack_hours)
    by_key: dict[tuple[Decimal, str], list[Leg]] = {}
    for leg in pay_outs:
        by_key.setdefault((leg.amount, leg.currency), []).append(leg)
    pairs: list[tuple[Leg, Leg, float]] = []
    for leg in pay_ins:
        due = leg.amount - (leg.fee or Decimal(0))
        for out in by_key.get((due, leg.currency), []):
            if not _compatible(leg, out) or not (leg.ts - slack <= out.ts <= leg.ts + window):
                continue
            named = leg.counterpart is not None or out.counterpart is not None
            delay = max(0.0, (out.ts - leg.ts).total_seconds()) / window.total_seconds()
            pairs.append((leg, out, (0.9 if named else 0.7) * (1 - 0.5 * delay)))
    rivals_in = Counter(p[0].id for p in pairs)
    rivals_out = Counter(p[1].id for p in pairs)
    scored = [(round(s / max(rivals_in[a.id], rivals_out[b.id]), 2), a, b) for a, b, s in pairs]
    scored.sort(key=lambda p: (-p[0], abs((p[2].ts - p[1].ts).total_seconds()), p[1].id, p[2].id))
    links: list[Link] = []
    used: set[str] = set()
    for confidence, a, b in scored:
        if confidence < settings.min_confidence or a.id in used or b.id in used:
            continue
        used.update((a.id, b.id))
        links.append(Link(a, b, "amount", confidence))
    return links


def _compatible(pay_in: Leg, pay_out: Leg) -> bool:
    if pay_out.hawaladar == pay_in.hawaladar:
        return False
    if pay_in.counterpart is not None and pay_in.counterpart != pay_out.hawaladar:
        return False
    if pay_out.counterpart is not None and pay_out.counterpart != pay_in.hawaladar:
        return False
    return not (pay_in.code and pay_out.code and _code(pay_in.code) != _code(pay_out.code))


def _code(text: str) -> str:
    return "".join(text.split()).upper()
