"""Mule chains: money passes through a chain of person wallets, each forwarding almost all of it
within minutes (hours when hard), and the last mule cashes out at an agent.

Parameters: ``hops`` (3-8, more when hard), commission kept by each mule (1-5 %).

>>> callable(mule_chain)
True
"""

from __future__ import annotations

import itertools

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


def mule_chain(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Origin -> mule 1 -> ... -> mule k -> agent (cash out)."""
    hops = int(ctx.rng.integers(3, 5 + int(4 * ctx.difficulty)))
    chain = ctx.pick("person_wallet", hops + 1)
    amount = ctx.amount(ctx.threshold * 0.25)
    ts = ctx.start(10)
    b.account(ctx, chain[0], "origin")
    for src, dst in itertools.pairwise(chain):
        ts = b.tx(
            ctx,
            ts + ctx.gap() // 6,
            src,
            dst,
            amount,
            role="pass_through",
            roles=("mule" if src != chain[0] else "origin", "mule"),
        )
        amount = amount * (100 - int(ctx.rng.integers(1, 6))) // 100 // 500 * 500
    agent = ctx.one("agent_wallet")
    b.tx(
        ctx,
        ts + ctx.gap() // 6,
        chain[-1],
        agent,
        amount,
        tx_type="cash_out",
        role="cash_out",
        roles=("mule", "cash_out_agent"),
    )
    b.parameters.update(hops=hops)
