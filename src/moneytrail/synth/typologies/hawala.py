"""Hawala netting between two hawaladars with cash settlement.

Clients of hawaladar A (at home) pay A for beneficiaries near hawaladar B (abroad: a new
counterpart in the UAE, Saudi Arabia, Algeria or Côte d'Ivoire); clients of B pay B for
beneficiaries near A. Each pays out the other's beneficiaries from local cash, so no money
crosses the border except the net balance, settled in cash between the two hawala positions
(``channel = hawala``). The data shows only the local legs: that is the point.

>>> callable(hawala_netting)
True
"""

from __future__ import annotations

from moneytrail.synth.names import NameBook
from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext

PARTNER_COUNTRIES = ("AE", "SA", "DZ", "CI")


def hawala_netting(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Local legs on both sides, then one cash settlement of the net balance."""
    wallet_a = ctx.one("hawala_wallet")
    party_a = ctx.pop.account_party[wallet_a]
    owned = [a for a, p in enumerate(ctx.pop.account_party) if p == party_a]
    position_a = next(a for a in owned if ctx.pop.accounts[a]["kind"] == "hawala")
    cash_a = next(a for a in owned if ctx.pop.accounts[a]["kind"] == "cash")
    country = PARTNER_COUNTRIES[int(ctx.rng.integers(len(PARTNER_COUNTRIES)))]
    name = f"{NameBook().abroad(ctx.rng, country)} Exchange"
    party_b = ctx.pop.add_party("company", name, country)
    position_b = ctx.pop.add_account(party_b, "hawala", "", f"HAWALA-{b.instance_id}", country, ())
    senders_b = ctx.pick("diaspora_ext", 4)
    ts = ctx.start(30)
    owed_by_a = owed_by_b = 0
    for client in ctx.pick("person_wallet", int(ctx.rng.integers(3, 8))):
        amount = ctx.amount(400_000)
        owed_by_b += amount
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            client,
            wallet_a,
            amount,
            role="client_deposit",
            roles=("client", "hawaladar_a"),
        )
    for sender in senders_b:
        amount = ctx.amount(350_000)
        owed_by_a += amount
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            sender,
            position_b,
            amount,
            channel="hawala",
            role="client_deposit",
            roles=("client", "hawaladar_b"),
        )
    for beneficiary in ctx.pick("person_wallet", len(senders_b)):
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            wallet_a,
            beneficiary,
            owed_by_a // len(senders_b) // 1000 * 1000,
            tx_type="payout",
            role="payout",
            roles=("hawaladar_a", "beneficiary"),
        )
    net = owed_by_b - owed_by_a
    src, dst = (cash_a, position_b) if net > 0 else (position_b, cash_a)
    b.tx(
        ctx,
        ts + 3 * ctx.gap(),
        src,
        dst,
        abs(net) or 1000,
        channel="hawala",
        tx_type="settlement",
        role="net_settlement",
        roles=("hawaladar", "hawaladar"),
    )
    b.account(ctx, position_a, "hawaladar_a")
    b.parameters.update(owed_by_a=owed_by_a, owed_by_b=owed_by_b, net=net, partner_country=country)
