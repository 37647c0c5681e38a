"""Cash typologies: structuring below the declaration threshold, and cash couriers.

Structuring: a person deposits cash in several amounts each just below ``threshold`` (80-99 %
of it, 55-99 % when hard) within days, in total well above it. Cash couriers: an organiser
withdraws cash, a courier carries it across a border; trips at or above ``border_declaration``
are declared at customs (``tx_type = border_cash_declaration``, channel ``unknown``, source and
destination countries differ), the others are not; the cash is paid in on the other side.
Both thresholds come from ``typologies.yaml``.

>>> callable(structuring) and callable(cash_courier)
True
"""

from __future__ import annotations

from moneytrail.synth.config import load_data
from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


def structuring(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Cash deposits just under the threshold into one bank account."""
    bank = ctx.one("person_bank")
    party = ctx.pop.account_party[bank]
    cash = next(a for a in ctx.pop.pools["person_cash"] if ctx.pop.account_party[a] == party)
    ts = ctx.start(20)
    deposits = int(ctx.rng.integers(3, 9))
    total = 0
    for _ in range(deposits):
        amount = ctx.below(ctx.threshold)
        total += amount
        ts = b.tx(
            ctx,
            ts + ctx.gap() + 3_600_000_000 * 6,
            cash,
            bank,
            amount,
            channel="cash_deposit",
            tx_type="deposit",
            role="structured_deposit",
            roles=("structurer", "structurer"),
        )
    b.parameters.update(deposits=deposits, total=total, threshold=ctx.threshold)


def cash_courier(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Withdrawals by an organiser, border crossings by a courier, deposits abroad."""
    limit = int(load_data("typologies.yaml")["border_declaration"])
    organiser = ctx.one("person_bank")
    party = ctx.pop.account_party[organiser]
    home_cash = next(a for a in ctx.pop.pools["person_cash"] if ctx.pop.account_party[a] == party)
    country = ctx.pop.accounts[organiser]["country"]
    abroad = [a for a in ctx.pool("business_bank") if ctx.pop.accounts[a]["country"] != country]
    receiver = abroad[int(ctx.rng.integers(len(abroad)))] if abroad else ctx.one("business_bank")
    courier_party = ctx.pop.add_party(
        "person", ctx.pop.party_of(ctx.one("person_wallet"))["name"], country
    )
    there = ctx.pop.accounts[receiver]["country"]
    carry = ctx.pop.add_account(courier_party, "cash", "", f"CASH-C{b.instance_id}", there, ())
    ts = ctx.start(40)
    for trip in range(int(ctx.rng.integers(2, 6))):
        amount = ctx.amount(limit * (0.9 if trip % 2 else 1.4), 50_000)
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            organiser,
            home_cash,
            amount,
            channel="cash_withdrawal",
            tx_type="withdrawal",
            role="withdrawal",
            roles=("organiser", "organiser"),
        )
        if amount >= limit:
            ts = b.tx(
                ctx,
                ts + ctx.gap(),
                home_cash,
                carry,
                amount,
                channel="unknown",
                tx_type="border_cash_declaration",
                role="declared_crossing",
                roles=("organiser", "courier"),
            )
        b.tx(
            ctx,
            ts + 2 * ctx.gap(),
            carry,
            receiver,
            amount,
            channel="cash_deposit",
            tx_type="deposit",
            role="deposit_abroad",
            roles=("courier", "receiver"),
        )
    b.parameters.update(declaration_threshold=limit, destination=there)
