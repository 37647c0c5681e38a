""" "Zakat" extortion: an armed group levies a forced tax on villages, collected by mobile money
from many villagers of one country into a collector's wallet, then cashed out and passed on to
a commander.

Parameters: ``villagers`` (10-40), levy 10,000-100,000 XOF each, collected within about two weeks
(longer when hard). Some transfers carry the reference ``zakat``.

>>> callable(zakat_extortion)
True
"""

from __future__ import annotations

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


def zakat_extortion(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Many small payments from villagers of one country to a collector, then upwards."""
    collector = ctx.one("person_wallet")
    country = ctx.pop.accounts[collector]["country"]
    same = [a for a in ctx.pool("person_wallet") if ctx.pop.accounts[a]["country"] == country]
    count = min(len(same) - 1, int(ctx.rng.integers(10, 41)))
    chosen = ctx.rng.choice(len(same), size=count + 1, replace=False)
    villagers = [same[int(i)] for i in chosen if same[int(i)] != collector][:count]
    ts0 = ctx.start(30)
    total = 0
    for villager in villagers:
        amount = int(ctx.rng.integers(2, 21)) * 5000
        total += amount
        ts = ts0 + int(ctx.rng.integers(0, 14 + int(20 * ctx.difficulty))) * 86_400_000_000
        ref = "zakat" if ctx.rng.random() < 0.3 * (1 - ctx.difficulty) else None
        b.tx(
            ctx,
            ts + ctx.gap(),
            villager,
            collector,
            amount,
            role="levy",
            reference=ref,
            roles=("victim", "collector"),
        )
    end = ts0 + 35 * 86_400_000_000
    agent = ctx.one("agent_wallet")
    b.tx(
        ctx,
        end,
        collector,
        agent,
        total // 2 // 1000 * 1000,
        tx_type="cash_out",
        role="cash_out",
        roles=("collector", "cash_out_agent"),
    )
    commander = ctx.one("person_wallet", exclude=(collector, *villagers))
    b.tx(
        ctx,
        end + ctx.gap(),
        collector,
        commander,
        total // 3 // 1000 * 1000,
        role="remittance_up",
        roles=("collector", "commander"),
    )
    b.parameters.update(villagers=len(villagers), total=total, country=country)
