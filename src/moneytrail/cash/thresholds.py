"""Cross-border cash declaration thresholds, as data (``data/thresholds.yaml``).

Why data: the figure and the text behind it differ by zone (UEMOA, EU, the FATF ceiling) and
change with the law; an FIU edits the YAML, not the code. Each threshold says whether it is the
law, a standard, or this tool's assumption, and cites its texts.

>>> threshold_for("ML", "NE").zone
'uemoa'
>>> threshold_for("FR", "DZ").amount
Decimal('10000')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Threshold:
    """The declaration threshold of one crossing and where it comes from."""

    zone: str
    amount: Decimal
    currency: str
    status: str
    texts: tuple[str, ...]
    name: dict[str, str]


@cache
def threshold_data() -> dict[str, Any]:
    """The parsed ``data/thresholds.yaml`` (cached; read-only by convention)."""
    text = (resources.files("moneytrail.cash") / "data" / "thresholds.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _threshold(spec: dict[str, Any]) -> Threshold:
    return Threshold(
        zone=str(spec["id"]),
        amount=Decimal(str(spec["threshold"])),
        currency=str(spec["currency"]),
        status=str(spec["status"]),
        texts=tuple(str(t) for t in spec.get("texts", ())),
        name={str(k): str(v) for k, v in spec["name"].items()},
    )


def threshold_for(country_from: str | None, country_to: str | None) -> Threshold:
    """The threshold of a crossing from ``country_from`` to ``country_to`` (ISO alpha-2).

    A zone applies when one side is a member and, for ``scope: external``, the other is not.
    """
    data = threshold_data()
    sides = {c.upper() for c in (country_from, country_to) if c}
    for zone in data["zones"]:
        members = set(zone["countries"])
        inside = sides & members
        if not inside:
            continue
        if zone["scope"] == "external" and sides <= members:
            continue
        return _threshold(zone)
    return _threshold(data["default"])


def zones() -> list[Threshold]:
    """Every zone's threshold, then the default (for docs and the rule's parameters)."""
    data = threshold_data()
    return [_threshold(z) for z in data["zones"]] + [_threshold(data["default"])]
