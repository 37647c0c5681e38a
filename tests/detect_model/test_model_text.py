"""A model alert's stored explanation read as sentences (FR/EN), without LightGBM."""

from __future__ import annotations

from typing import Any

from moneytrail.detect.model_text import model_sentence

STORED: dict[str, Any] = {
    "model": "sahel",
    "probability": 0.934567,
    "threshold": 0.41,
    "typology_hint": "fan_in",
    "features": [
        {"name": "fan_in_7d", "value": 12.0, "contribution": 0.812},
        {"name": "src_out_amount_mean", "value": 1234567.5, "contribution": 0.2},
    ],
    "neighbourhood": [
        {"account": "sender", "transaction": "TX-41", "first_stage_score": 0.97},
        {"account": "receiver", "transaction": "TX-07", "first_stage_score": 0.5},
    ],
}


def test_english_sentence_names_score_features_pattern_and_neighbours() -> None:
    text = model_sentence(STORED, "en")
    assert text.startswith("model 'sahel' gives probability 0.93 (threshold 0.41)")
    assert "fan_in_7d = 12 (+0.81)" in text
    assert "src_out_amount_mean = 1\u202f234\u202f567.500 (+0.20)" in text
    assert "dominant pattern: fan-in" in text
    assert "the sender's most suspicious earlier transaction TX-41 (score 0.97)" in text
    assert "the receiver's most suspicious earlier transaction TX-07 (score 0.50)" in text


def test_french_uses_decimal_commas_and_french_words() -> None:
    text = model_sentence(STORED, "fr")
    assert "probabilité de 0,93 (seuil 0,41)" in text
    assert "1\u202f234\u202f567,500" in text
    assert "concentration (nombreux payeurs vers un compte)" in text
    assert "de l'émetteur TX-41 (score 0,97)" in text


def test_one_stage_alert_without_hint_or_features_still_reads() -> None:
    stored = {"model": "m", "probability": 0.5, "threshold": 0.5, "typology_hint": None}
    text = model_sentence(stored, "en")
    assert (
        text
        == "model 'm' gives probability 0.50 (threshold 0.50); what weighed most: no feature stands out"
    )
    assert "follow the money" not in text


def test_an_explanation_of_another_shape_is_left_to_the_caller() -> None:
    assert model_sentence({"features": {"out_degree": 7}}, "en") is None
    assert model_sentence({"probability": 0.9, "features": "x"}, "fr") is None
