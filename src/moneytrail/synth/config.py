"""Settings of one synthetic scenario and the package data it is built from.

Everything that shapes the economy (names, countries, sectors, activity rates, typology rates)
is YAML in ``moneytrail/synth/data`` so that a trainer can read and change it without code.

>>> SynthConfig(scale=500, seed=7).days
365
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from moneytrail.errors import UsageError

MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class SynthConfig:
    """One scenario: ``scale`` residents over ``days`` days from ``start``.

    ``typology_rate`` multiplies the per-typology rates of ``typologies.yaml``; ``difficulty``
    (0 easy .. 1 hard) spreads criminal flows over more time, more hops and amounts closer to
    normal ones; ``typologies`` restricts injection to these names (empty: all);
    ``sanctions_list`` is a UN consolidated XML file (default: the extract shipped with the
    package); ``chunk_days`` bounds memory: transactions are generated and written that many
    days at a time; ``duplicate_rate`` is the share of residents who also appear as one or two
    extra party records spelled another way (see :mod:`moneytrail.synth.duplicates`);
    ``cash_sources`` also writes a ransom's mobile-money export, hawala ledgers and border
    declarations in the documented templates (see :mod:`moneytrail.synth.cash_output`).

    ``fresh_periods`` (issue 19: detection judged on accounts never seen in training) cuts the
    ``days`` into that many equal periods, spreads each typology's instances evenly over them,
    and gives each period its own criminals: an instance of period ``p`` draws its accounts only
    from the residents whose party falls in share ``p`` of a seeded hash of party numbers, so
    no person or business (hence none of their accounts) takes part in the schemes of two
    periods; their ordinary activity goes on all year. Pools too small to split (agents,
    hawaladars, bureaux de change, NGOs, commodity traders: fewer than 8 accounts per period)
    stay shared, as the infrastructure of real schemes is. 1 (the default): one period, every
    instance anywhere in the year from the whole population, the scenario as before.
    """

    scale: int = 1000
    seed: int = 0
    days: int = 365
    start: date = date(2025, 1, 1)
    typology_rate: float = 1.0
    difficulty: float = 0.5
    typologies: tuple[str, ...] = ()
    sanctions_list: Path | None = None
    chunk_days: int = 7
    row_group_size: int = 131_072
    duplicate_rate: float = 0.05
    extra: dict[str, Any] = field(default_factory=dict)
    cash_sources: bool = False
    fresh_periods: int = 1

    def __post_init__(self) -> None:
        """Refuse settings that would silently give another scenario (NaN, negative rates)."""
        for name, low, high in (
            ("difficulty", 0.0, 1.0),
            ("duplicate_rate", 0.0, 1.0),
            ("typology_rate", 0.0, math.inf),
        ):
            value = getattr(self, name)
            if not (
                isinstance(value, int | float) and math.isfinite(value) and low <= value <= high
            ):
                raise UsageError("synth.bad_setting", name=name, value=value)
        for name, low, high in (
            ("scale", 1, 10_000_000),
            ("seed", 0, MAX_SEED),
            ("days", 1, 3_660),
            ("chunk_days", 1, 3_660),
            ("row_group_size", 1, 2**31 - 1),
            ("fresh_periods", 1, 366),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise UsageError("synth.bad_setting", name=name, value=value)

    @property
    def scope(self) -> str:
        """Scope of the natural keys of this scenario's parties and transactions."""
        return f"synth-{self.seed}"


@cache
def load_data(name: str) -> Any:
    """Parsed YAML file ``name`` of the package data (cached, read-only by convention)."""
    text = resources.files("moneytrail.synth").joinpath("data").joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)


def data_path(name: str) -> Path:
    """Filesystem path of package data file ``name``."""
    return Path(str(resources.files("moneytrail.synth").joinpath("data").joinpath(name)))
