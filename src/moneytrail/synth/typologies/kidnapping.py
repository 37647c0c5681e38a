"""Kidnapping for ransom: the ransom is split across many wallets in several countries, layered
through a second ring of wallets across borders, then cashed out at agents.

Parameters: ``ransom`` (XOF, 20-150 million, rounded to the million); ``collectors`` (wallets of
the first split, in at least two countries); each split transfer stays under ``wallet_cap``
(2,000,000 XOF, an assumed per-transfer limit of mobile money). Truth: the transactions of role
``ransom_split`` add up exactly to ``ransom``.

>>> WALLET_CAP
2000000
"""

from __future__ import annotations

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext

WALLET_CAP = 2_000_000


def split(total: int, parts: int, ctx: TypologyContext, unit: int = 5000) -> list[int]:
    """``total`` cut into ``parts`` positive multiples of ``unit`` that add up to ``total``."""
    weights = ctx.rng.dirichlet([2.0] * parts)
    shares = [max(unit, int(total * w) // unit * unit) for w in weights]
    shares[-1] += total - sum(shares)
    while shares[-1] <= 0:
        biggest = shares.index(max(shares[:-1]))
        shares[biggest] -= unit
        shares[-1] += unit
    return shares


def kidnap_ransom(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Ransom paid by a family business, split, layered across borders, cashed out."""
    ransom = int(ctx.rng.integers(20, 151)) * 1_000_000
    payer = ctx.one("business_bank")
    collectors = ctx.pick("person_wallet", int(ctx.rng.integers(4, 9)))
    layer = ctx.pick("person_wallet", len(collectors), exclude=tuple(collectors))
    ts = ctx.start(40)
    shares = split(ransom, len(collectors), ctx)
    for collector, share in zip(collectors, shares, strict=True):
        pieces = split(share, -(-share // WALLET_CAP), ctx) if share > WALLET_CAP else [share]
        for piece in pieces:
            ts = b.tx(
                ctx,
                ts + ctx.gap() // 4,
                payer,
                collector,
                piece,
                role="ransom_split",
                roles=("ransom_payer", "collector"),
            )
    for collector, share, nxt in zip(collectors, shares, layer, strict=False):
        forwarded = share * 9 // 10 // 5000 * 5000
        for piece in split(forwarded, -(-forwarded // WALLET_CAP), ctx):
            ts = b.tx(
                ctx,
                ts + ctx.gap(),
                collector,
                nxt,
                piece,
                role="layering",
                roles=("collector", "layer"),
            )
        agent = ctx.one("agent_wallet")
        b.tx(
            ctx,
            ts + ctx.gap(),
            nxt,
            agent,
            min(forwarded, WALLET_CAP),
            tx_type="cash_out",
            role="cash_out",
            roles=("layer", "cash_out_agent"),
        )
    countries = sorted({ctx.pop.accounts[c]["country"] for c in collectors})
    b.parameters.update(
        ransom=ransom, collectors=len(collectors), countries=countries, wallet_cap=WALLET_CAP
    )
