"""What every typology gets (:class:`TypologyContext`) and builds (:class:`InstanceBuilder`).

A typology is a function ``inject(ctx, builder)`` that adds the transactions of one instance and
labels every transaction, account and party it involves with a role (``collector``, ``mule``,
``sanctioned``...). Criminals use accounts of the normal population, so their accounts also have
ordinary activity: what makes an instance is the pattern, not the account.

``difficulty`` (0..1) is read by each typology: at 0 flows are fast, few hops, round amounts; at
1 they are spread over weeks, with more hops and amounts jittered like normal ones.

>>> InstanceBuilder("ti-1", "fan_in", 0.5).parameters
{}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moneytrail.model.ids import natural_key
from moneytrail.synth.batch import MICROS_PER_DAY, TxBatch
from moneytrail.synth.config import SynthConfig, load_data
from moneytrail.synth.population import Population

HOUR = 3_600_000_000
MIN_SHARE = 8
"""Accounts a pool needs per period to be split between fresh periods (``TypologyContext.pool``)."""


def party_share(party: int, seed: int, periods: int) -> int:
    """The period whose schemes may use party ``party`` (a multiplicative hash of its number
    and the seed: shares of about equal size, none favouring early or late parties).

    >>> sorted({party_share(p, 0, 4) for p in range(100)})
    [0, 1, 2, 3]
    """
    return ((party * 2_654_435_761 + seed * 97) & 0xFFFFFFFF) * periods >> 32


@dataclass
class TypologyContext:
    """The population, the random stream of one instance, the period and the thresholds."""

    pop: Population
    config: SynthConfig
    rng: np.random.Generator
    period_start: int
    period_end: int
    share: tuple[int, int] = (0, 1)
    """(this instance's period, the number of periods): see ``SynthConfig.fresh_periods``."""

    @property
    def difficulty(self) -> float:
        """0 (easy) .. 1 (hard)."""
        return self.config.difficulty

    @property
    def threshold(self) -> int:
        """Cash-transaction declaration threshold (XOF), from ``typologies.yaml``."""
        return int(load_data("typologies.yaml")["threshold"])

    def pool(self, name: str) -> list[int]:
        """The accounts of pool ``name`` this instance may use: all of them, or with fresh
        periods those whose party is in this period's share.

        A pool of fewer than :data:`MIN_SHARE` accounts per period is not split: it holds the
        few agents, hawaladars, bureaux de change, NGOs and commodity traders every scheme of
        a region goes through (shared infrastructure, as in real cases); the people who run
        the schemes (persons' wallets and bank accounts, businesses) come from pools of
        hundreds and are split.
        """
        accounts = self.pop.pools.get(name, [])
        period, periods = self.share
        if periods == 1 or len(accounts) < MIN_SHARE * periods:
            return accounts
        owner = self.pop.account_party
        seed = self.config.seed
        return [a for a in accounts if party_share(owner[a], seed, periods) == period]

    def pick(self, pool: str, n: int = 1, exclude: tuple[int, ...] = ()) -> list[int]:
        """``n`` distinct accounts of ``pool`` (fewer if the pool is small), not in ``exclude``."""
        accounts = [a for a in self.pool(pool) if a not in exclude]
        if not accounts:
            return []
        chosen = self.rng.choice(len(accounts), size=min(n, len(accounts)), replace=False)
        return [accounts[int(i)] for i in chosen]

    def one(self, pool: str, exclude: tuple[int, ...] = ()) -> int:
        """One account of ``pool`` (the pool must not be empty)."""
        return self.pick(pool, 1, exclude)[0]

    def start(self, span_days: float) -> int:
        """A start time leaving ``span_days`` before the end of the period."""
        last = max(self.period_start, self.period_end - int(span_days * MICROS_PER_DAY))
        return int(self.rng.integers(self.period_start, last + 1))

    def gap(self) -> int:
        """Delay between two steps of a flow: minutes when easy, days when hard."""
        mean_hours = 0.5 + 48.0 * self.difficulty
        return int(self.rng.exponential(mean_hours) * HOUR) + 60_000_000

    def amount(self, median: float, unit: int = 5000) -> int:
        """A criminal amount around ``median``, rounder when easy, jittered when hard."""
        sigma = 0.05 + 0.6 * self.difficulty
        value = median * float(np.exp(sigma * self.rng.standard_normal()))
        unit = unit if self.difficulty > 0.3 else unit * 20
        return max(unit, round(value / unit) * unit)

    def below(self, limit: int, unit: int = 5000) -> int:
        """An amount just below ``limit`` (structuring): 80-99 % of it."""
        low = 0.80 if self.difficulty < 0.5 else 0.55
        value = int(limit * self.rng.uniform(low, 0.99))
        return max(unit, value // unit * unit)


@dataclass
class InstanceBuilder:
    """Collects the transactions and labelled members of one typology instance."""

    instance_id: str
    typology: str
    difficulty: float
    parameters: dict[str, Any] = field(default_factory=dict)
    rows: list[tuple[int, int, int, int, str, str, str, str | None]] = field(default_factory=list)
    members: dict[tuple[str, str, str], None] = field(default_factory=dict)

    def tx(
        self,
        ctx: TypologyContext,
        ts: int,
        src: int,
        dst: int,
        amount: int,
        channel: str = "mobile_money",
        tx_type: str = "transfer",
        role: str = "flow",
        reference: str | None = None,
        roles: tuple[str, str] | None = None,
    ) -> int:
        """Add one transaction (whole XOF) labelled ``role``; ``roles`` labels its source and
        destination accounts (and their holders); returns the timestamp used.

        A zero amount adds nothing (a tiny population may leave nothing to forward)."""
        if amount <= 0:  # nothing left to move (tiny pools): no empty transfer
            return ts
        ext_id = f"{self.instance_id}-{len(self.rows):04d}"
        ts = min(ts, ctx.period_end - 1) // 1_000_000 * 1_000_000  # whole seconds
        self.rows.append((ts, src, dst, int(amount), channel, tx_type, ext_id, reference))
        tx_id = natural_key("tx", ctx.config.scope, ext_id)
        self.members[("transaction", tx_id, role)] = None
        if roles is not None:
            self.account(ctx, src, roles[0])
            self.account(ctx, dst, roles[1])
        return ts

    def account(self, ctx: TypologyContext, account: int, role: str) -> None:
        """Label an account and its holder with ``role``."""
        self.members[("account", ctx.pop.accounts[account]["id"], role)] = None
        self.members[("party", ctx.pop.party_of(account)["id"], role)] = None

    def party(self, ctx: TypologyContext, party: int, role: str) -> None:
        """Label a party with ``role``."""
        self.members[("party", ctx.pop.parties[party]["id"], role)] = None

    def batch(self) -> TxBatch:
        """The instance's transactions as a batch."""
        if not self.rows:
            return TxBatch.empty()
        cols = list(zip(*self.rows, strict=True))
        ints = [np.asarray(c, dtype=np.int64) for c in cols[:4]]
        objs = [np.asarray(c, dtype=object) for c in cols[4:]]
        return TxBatch(*ints, *objs)

    def window(self) -> tuple[int, int]:
        """First and last timestamp of the instance (microseconds)."""
        times = [r[0] for r in self.rows]
        return min(times), max(times)
