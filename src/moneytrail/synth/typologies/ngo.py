"""Diversion through an NGO: a foreign donation reaches an NGO's bank account; part of it goes
to the NGO's wallet and out as "aid" to a few beneficiaries who forward it to one controller;
part is withdrawn in cash. The controller shares a phone number with the NGO (an identifier
link the analyst can find).

>>> callable(ngo_diversion)
True
"""

from __future__ import annotations

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


def ngo_diversion(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Donor -> NGO bank -> NGO wallet -> fake beneficiaries -> controller; cash withdrawals."""
    ngo_bank = ctx.one("ngo_bank")
    ngo_party = ctx.pop.account_party[ngo_bank]
    wallets = [
        a for a in ctx.pop.pools.get("ngo_wallet", []) if ctx.pop.account_party[a] == ngo_party
    ]
    donor = ctx.one("foreign_business_ext")
    ts = ctx.start(60)
    donation = ctx.amount(15_000_000, 100_000)
    ts = b.tx(
        ctx,
        ts,
        donor,
        ngo_bank,
        donation,
        channel="wire",
        tx_type="donation",
        role="donation",
        roles=("donor", "ngo"),
    )
    diverted = donation * 4 // 10 // 5000 * 5000
    controller = ctx.one("person_wallet")
    fakes = ctx.pick("person_wallet", int(ctx.rng.integers(3, 8)), exclude=(controller,))
    source = wallets[0] if wallets else ngo_bank
    for fake in fakes:
        share = diverted // len(fakes) // 5000 * 5000
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            source,
            fake,
            share,
            tx_type="payment",
            role="fake_aid",
            roles=("ngo", "fake_beneficiary"),
        )
        b.tx(
            ctx,
            ts + ctx.gap(),
            fake,
            controller,
            share * 9 // 10 // 1000 * 1000,
            role="diversion",
            roles=("fake_beneficiary", "controller"),
        )
    cash = ctx.pick("business_cash", 1)
    if cash:
        b.tx(
            ctx,
            ts + ctx.gap(),
            ngo_bank,
            cash[0],
            donation // 5 // 5000 * 5000,
            channel="cash_withdrawal",
            tx_type="withdrawal",
            role="cash_withdrawal",
            roles=("ngo", "cash_recipient"),
        )
    phone = ctx.pop.accounts[controller]["number"]
    ctx.pop.add_identifier(ngo_party, "phone", phone)
    b.parameters.update(donation=donation, diverted=diverted, shared_phone=phone)
