"""docs/detection-features.md names every feature, every setting and its default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from moneytrail.detect.features import FeatureConfig, feature_names, stats

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection-features.md"


def test_every_feature_and_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in feature_names(FeatureConfig()):
        documented = name in text or any(
            name in (f"{side}_{s}", f"{side}_{s}_long") and f"`{s}`" in text
            for side in stats.SIDES
            for s in stats.STATS
        )
        assert documented, name
    for field in dataclasses.fields(FeatureConfig):
        assert f"`{field.name}`" in text or field.type == "bool", field.name
    assert f"default {FeatureConfig().max_work:,}" in text
    assert f"default {FeatureConfig().max_cycle_len})" in text
