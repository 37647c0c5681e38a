"""The eight graph patterns of AMLSim / IBM AMLworld: fan-in, fan-out, cycle, scatter-gather,
gather-scatter, bipartite, stack and random walk.

Parameters: the number of accounts grows with difficulty (3..12), amounts stay below the
declaration threshold (median 20 % of it), steps are separated by :meth:`TypologyContext.gap`.
Accounts are ordinary person wallets (mobile money).

>>> sorted(GRAPH_PATTERNS)[:3]
['bipartite', 'cycle', 'fan_in']
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext

POOL = "person_wallet"


def _size(ctx: TypologyContext, low: int = 3, high: int = 12) -> int:
    top = low + int((high - low) * (0.3 + 0.7 * ctx.difficulty))
    return int(ctx.rng.integers(low, top + 1))


def _median(ctx: TypologyContext) -> float:
    return ctx.threshold * 0.2


def fan_in(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Many accounts pay one."""
    target = ctx.one(POOL)
    sources = ctx.pick(POOL, _size(ctx), exclude=(target,))
    ts = ctx.start(30)
    for src in sources:
        ts = b.tx(
            ctx, ts + ctx.gap(), src, target, ctx.amount(_median(ctx)), roles=("source", "target")
        )
    b.parameters.update(degree=len(sources))


def fan_out(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """One account pays many."""
    origin = ctx.one(POOL)
    targets = ctx.pick(POOL, _size(ctx), exclude=(origin,))
    ts = ctx.start(30)
    for dst in targets:
        ts = b.tx(
            ctx, ts + ctx.gap(), origin, dst, ctx.amount(_median(ctx)), roles=("origin", "target")
        )
    b.parameters.update(degree=len(targets))


def cycle(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Money goes round a ring of accounts back to where it started, minus small fees."""
    ring = ctx.pick(POOL, _size(ctx))
    amount = ctx.amount(_median(ctx) * 2)
    ts = ctx.start(30)
    for i, src in enumerate(ring):
        dst = ring[(i + 1) % len(ring)]
        ts = b.tx(ctx, ts + ctx.gap(), src, dst, amount, roles=("ring", "ring"))
        amount = max(1000, amount - int(amount * ctx.rng.uniform(0.0, 0.03)) // 100 * 100)
    b.parameters.update(length=len(ring))


def scatter_gather(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """An origin scatters to intermediaries who all pay one beneficiary."""
    origin, beneficiary = ctx.pick(POOL, 2)
    middle = ctx.pick(POOL, _size(ctx), exclude=(origin, beneficiary))
    ts = ctx.start(30)
    for mid in middle:
        amount = ctx.amount(_median(ctx))
        ts = b.tx(ctx, ts + ctx.gap(), origin, mid, amount, roles=("origin", "intermediary"))
        fee = int(amount * ctx.rng.uniform(0.0, 0.05)) // 100 * 100
        b.tx(
            ctx,
            ts + ctx.gap(),
            mid,
            beneficiary,
            amount - fee,
            roles=("intermediary", "beneficiary"),
        )
    b.parameters.update(width=len(middle))


def gather_scatter(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Many sources pay a hub that pays many destinations."""
    hub = ctx.one(POOL)
    n = _size(ctx)
    sources = ctx.pick(POOL, n, exclude=(hub,))
    targets = ctx.pick(POOL, n, exclude=(hub, *sources))
    ts = ctx.start(30)
    total = 0
    for src in sources:
        amount = ctx.amount(_median(ctx))
        total += amount
        ts = b.tx(ctx, ts + ctx.gap(), src, hub, amount, roles=("source", "hub"))
    share = max(1000, total // max(1, len(targets)) // 1000 * 1000)
    for dst in targets:
        ts = b.tx(ctx, ts + ctx.gap(), hub, dst, share, roles=("hub", "target"))
    b.parameters.update(sources=len(sources), targets=len(targets))


def bipartite(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Every account of one group pays every account of another."""
    left = ctx.pick(POOL, max(2, _size(ctx, 2, 5)))
    right = ctx.pick(POOL, max(2, _size(ctx, 2, 5)), exclude=tuple(left))
    ts = ctx.start(30)
    for src in left:
        for dst in right:
            ts = b.tx(
                ctx,
                ts + ctx.gap() // 2,
                src,
                dst,
                ctx.amount(_median(ctx) / 2),
                roles=("left", "right"),
            )
    b.parameters.update(left=len(left), right=len(right))


def stack(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Three layers fully connected layer to layer (a stacked bipartite)."""
    layers: list[list[int]] = []
    used: tuple[int, ...] = ()
    for _ in range(3):
        layer = ctx.pick(POOL, max(2, _size(ctx, 2, 4)), exclude=used)
        layers.append(layer)
        used += tuple(layer)
    ts = ctx.start(45)
    for depth, (upper, lower) in enumerate(itertools.pairwise(layers)):
        for src in upper:
            for dst in lower:
                roles = (f"layer{depth}", f"layer{depth + 1}")
                ts = b.tx(
                    ctx, ts + ctx.gap() // 2, src, dst, ctx.amount(_median(ctx) / 2), roles=roles
                )
    b.parameters.update(layers=[len(x) for x in layers])


def random_walk(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Money hops between a small set of accounts at random."""
    group = ctx.pick(POOL, _size(ctx, 4, 10))
    ts = ctx.start(30)
    here = group[0]
    hops = len(group) + int(ctx.rng.integers(1, 6))
    amount = ctx.amount(_median(ctx))
    for _ in range(hops):
        there = group[int(ctx.rng.integers(len(group)))]
        if there == here:
            continue
        ts = b.tx(ctx, ts + ctx.gap(), here, there, amount, roles=("member", "member"))
        here = there
    b.parameters.update(accounts=len(group), hops=hops)


GRAPH_PATTERNS: dict[str, Callable[[TypologyContext, InstanceBuilder], None]] = {
    "fan_in": fan_in,
    "fan_out": fan_out,
    "cycle": cycle,
    "scatter_gather": scatter_gather,
    "gather_scatter": gather_scatter,
    "bipartite": bipartite,
    "stack": stack,
    "random": random_walk,
}
