"""Normal activity: salaries, merchant payments, agent cash-in/cash-out, remittances, supplier
payments, legitimate large cash deposits, herd and gold purchases, NGO aid...

Why it matters: a detector is only worth something if crime is not trivially separable from
ordinary life. So normal activity also has large payments (supplier wires, gold exports),
structured-looking cash deposits, bursts (Tabaski, harvest) and heavy-tailed account activity.
Every rate, median and season lives in ``data/behaviour.yaml``.

Assumptions: days are UTC days; time of day is centred on 13:00 (sd 3.5 h, clipped 06:00-22:59);
counts per day are Poisson; amounts are log-normal rounded to a unit, never below it.

>>> from moneytrail.synth.config import SynthConfig
>>> from moneytrail.synth.population import build_population
>>> cfg = SynthConfig(scale=100, seed=3)
>>> model = NormalActivity(build_population(cfg), cfg)
>>> batch = model.chunk(0, 7)
>>> len(batch) > 0
True
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from moneytrail.synth.batch import MICROS_PER_DAY, TxBatch
from moneytrail.synth.config import SynthConfig, load_data
from moneytrail.synth.population import Population

EPOCH = date(1970, 1, 1)


def day_micros(day: date) -> int:
    """Microseconds from the epoch to midnight UTC of ``day``."""
    return (day - EPOCH).days * MICROS_PER_DAY


def round_amounts(raw: np.ndarray, unit: int) -> np.ndarray:
    """``raw`` XOF rounded to ``unit``, at least one unit, as int64."""
    return np.maximum(np.rint(raw / unit), 1).astype(np.int64) * unit


def time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Microseconds after midnight, business-hours shaped, whole seconds."""
    seconds = rng.normal(13 * 3600, 3.5 * 3600, size=n)
    return np.clip(seconds, 6 * 3600, 23 * 3600 - 1).astype(np.int64) * 1_000_000


class Seasons:
    """Day multipliers: the run-up to Tabaski, the harvest, the lean season."""

    def __init__(self, spec: dict[str, Any]) -> None:
        window = int(spec["tabaski_window_days"])
        feasts = [date.fromisoformat(d) for d in spec["tabaski"]]
        self.tabaski = {f - timedelta(days=k) for f in feasts for k in range(window)}
        self.harvest = set(spec["harvest_months"])
        self.lean = set(spec["lean_months"])

    def factor(self, day: date, season: dict[str, float]) -> float:
        """Multiplier of an activity with ``season`` modifiers on ``day``."""
        value = 1.0
        if day in self.tabaski:
            value *= season.get("tabaski", 1.0)
        if day.month in self.harvest:
            value *= season.get("harvest", 1.0)
        if day.month in self.lean:
            value *= season.get("lean", 1.0)
        return value


class NormalActivity:
    """Generates the normal transactions of any span of days, independently per chunk."""

    def __init__(self, pop: Population, config: SynthConfig) -> None:
        spec = load_data("behaviour.yaml")
        self.pop = pop
        self.config = config
        self.seasons = Seasons(spec["seasons"])
        self.activities: list[tuple[str, dict[str, Any]]] = list(spec["activities"].items())
        weights = np.asarray(pop.weights)
        self.cdf: dict[str, np.ndarray] = {}
        for name, accounts in pop.pools.items():
            self.cdf[name] = np.cumsum(weights[np.asarray(accounts, dtype=np.int64)])

    def draw(self, rng: np.random.Generator, pool: str, n: int) -> np.ndarray:
        """``n`` positions in ``pool``, more active accounts more often."""
        cdf = self.cdf[pool]
        found: np.ndarray = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
        return found

    def chunk(self, first_day: int, ndays: int) -> TxBatch:
        """Normal transactions of days ``first_day`` .. ``first_day + ndays - 1`` (0 = start).

        Each day draws from its own random stream, so the chunk size changes nothing.
        """
        batches = []
        for offset in range(first_day, first_day + ndays):
            rng = np.random.Generator(np.random.PCG64([self.config.seed, 2, offset]))
            day = self.config.start + timedelta(days=offset)
            batches += [self._activity(rng, [day], spec) for _, spec in self.activities]
        return TxBatch.concat([b for b in batches if b is not None])

    def _activity(
        self, rng: np.random.Generator, days: list[date], spec: dict[str, Any]
    ) -> TxBatch | None:
        src_pool, dst_pool = spec["src"], spec["dst"]
        if not all(self.pop.pools.get(p) for p in (src_pool, dst_pool, spec["per"])):
            return None
        base = float(spec["rate"]) * len(self.pop.pools[spec["per"]]) / 30.0
        dom = spec.get("days_of_month")
        season = spec.get("season", {})
        lam = []
        for day in days:
            if dom is not None:
                lam.append(base * 30.0 / len(dom) if day.day in dom else 0.0)
            else:
                lam.append(base * self.seasons.factor(day, season))
        counts = rng.poisson(np.asarray(lam))
        n = int(counts.sum())
        if n == 0:
            return None
        midnight = np.asarray([day_micros(d) for d in days], dtype=np.int64)
        ts = np.repeat(midnight, counts) + time_of_day(rng, n)
        src_accounts, dst_accounts = self.pop.pool(src_pool), self.pop.pool(dst_pool)
        if spec.get("pair") == "same_holder":
            pos = self.draw(rng, dst_pool, n)
            src, dst = src_accounts[pos], dst_accounts[pos]
        else:
            src = src_accounts[self.draw(rng, src_pool, n)]
            dst = dst_accounts[self.draw(rng, dst_pool, n)]
            clash = src == dst
            dst[clash] = dst_accounts[
                (self.draw(rng, dst_pool, int(clash.sum())) + 1) % len(dst_accounts)
            ]
        raw = float(spec["median"]) * np.exp(float(spec["sigma"]) * rng.standard_normal(n))
        amount = round_amounts(raw, int(spec["round"]))
        return TxBatch(
            ts=ts,
            src=src,
            dst=dst,
            amount=amount,
            channel=np.full(n, spec["channel"], dtype=object),
            tx_type=np.full(n, spec["tx_type"], dtype=object),
            ext_id=np.full(n, None, dtype=object),
            reference=np.full(n, None, dtype=object),
        )
