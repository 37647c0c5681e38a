"""Proceeds of armed-group-controlled artisanal gold and of cattle rustling, laundered through
the trade that normally buys them: gold comptoirs and livestock traders.

Gold: a comptoir pays front sellers for gold from a site under armed-group control; the fronts
forward most of it to a financier; the comptoir exports to a buyer abroad (UAE most often).
Cattle: a livestock trader buys stolen herds from fronts at markets; the fronts pay a
coordinator who buys fuel and motorbikes from general traders. Amounts look like the normal
``gold_purchase`` / ``herd_purchase`` activities, only more concentrated.

>>> callable(gold_proceeds) and callable(cattle_rustling)
True
"""

from __future__ import annotations

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


def gold_proceeds(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Comptoir -> front sellers -> financier; comptoir -> foreign buyer."""
    comptoir = ctx.one("gold_bank")
    fronts = ctx.pick("person_wallet", int(ctx.rng.integers(2, 6)))
    financier = ctx.one("person_wallet", exclude=tuple(fronts))
    ts = ctx.start(60)
    total = 0
    for _ in range(int(ctx.rng.integers(4, 12))):
        front = fronts[int(ctx.rng.integers(len(fronts)))]
        amount = ctx.amount(900_000)
        total += amount
        ts = b.tx(
            ctx,
            ts + ctx.gap() * 2,
            comptoir,
            front,
            amount,
            tx_type="payment",
            role="gold_payment",
            roles=("comptoir", "front_seller"),
        )
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            front,
            financier,
            amount * 8 // 10 // 1000 * 1000,
            role="proceeds",
            roles=("front_seller", "financier"),
        )
    buyer = ctx.one("foreign_business_ext")
    b.tx(
        ctx,
        ts + ctx.gap(),
        comptoir,
        buyer,
        total * 13 // 10 // 100_000 * 100_000,
        channel="wire",
        tx_type="payment",
        role="export",
        roles=("comptoir", "foreign_buyer"),
    )
    b.parameters.update(purchases_total=total, fronts=len(fronts))


def cattle_rustling(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Livestock trader -> fronts -> coordinator -> purchases of fuel and motorbikes."""
    trader = ctx.one("livestock_wallet")
    fronts = ctx.pick("person_wallet", int(ctx.rng.integers(2, 5)))
    coordinator = ctx.one("person_wallet", exclude=tuple(fronts))
    ts = ctx.start(45)
    collected = 0
    for front in fronts:
        heads = int(ctx.rng.integers(5, 30))
        amount = ctx.amount(heads * 150_000 / 3)
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            trader,
            front,
            amount,
            tx_type="payment",
            role="herd_sale",
            roles=("livestock_trader", "front_seller"),
        )
        kept = amount * 85 // 100 // 1000 * 1000
        collected += kept
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            front,
            coordinator,
            kept,
            role="proceeds",
            roles=("front_seller", "coordinator"),
        )
    for shop in ctx.pick("merchant_wallet", 2):
        b.tx(
            ctx,
            ts + ctx.gap(),
            coordinator,
            shop,
            collected // 3 // 1000 * 1000,
            tx_type="payment",
            role="logistics_purchase",
            roles=("coordinator", "supplier"),
        )
    b.parameters.update(fronts=len(fronts), collected=collected)
