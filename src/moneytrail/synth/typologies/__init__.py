"""Injected typologies: the eight AMLSim/AMLworld graph patterns and the Sahel TF/ML typologies.

The order of :data:`TYPOLOGIES` is part of determinism (each instance draws from a random stream
keyed by its position), so new typologies are appended, never inserted.

>>> list(TYPOLOGIES)[:2]
['fan_in', 'fan_out']
"""

from __future__ import annotations

from collections.abc import Callable

from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext
from moneytrail.synth.typologies.cash import cash_courier, structuring
from moneytrail.synth.typologies.commodities import cattle_rustling, gold_proceeds
from moneytrail.synth.typologies.extortion import zakat_extortion
from moneytrail.synth.typologies.graph import GRAPH_PATTERNS
from moneytrail.synth.typologies.hawala import hawala_netting
from moneytrail.synth.typologies.kidnapping import kidnap_ransom
from moneytrail.synth.typologies.mules import mule_chain
from moneytrail.synth.typologies.ngo import ngo_diversion
from moneytrail.synth.typologies.sanctions import sanctioned_proxy

Typology = Callable[[TypologyContext, InstanceBuilder], None]

TYPOLOGIES: dict[str, Typology] = {
    **GRAPH_PATTERNS,
    "kidnap_ransom": kidnap_ransom,
    "gold_proceeds": gold_proceeds,
    "cattle_rustling": cattle_rustling,
    "zakat_extortion": zakat_extortion,
    "ngo_diversion": ngo_diversion,
    "structuring": structuring,
    "mule_chain": mule_chain,
    "hawala_netting": hawala_netting,
    "cash_courier": cash_courier,
    "sanctioned_proxy": sanctioned_proxy,
}

__all__ = ["TYPOLOGIES", "InstanceBuilder", "Typology", "TypologyContext"]
