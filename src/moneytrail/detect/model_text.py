"""A model alert's explanation as sentences an analyst reads, in French or English.

Why a module of its own: the scoring model stores its explanation as JSON (probability,
threshold, the features that pushed the score up, the pattern family, the neighbours to follow;
see :mod:`moneytrail.detect.model.alerts`). Printed raw, that JSON reads as ``features =
[{"name": ...}]``; the analyst needs "probability 0.93 (threshold 0.41); what weighed most:
...; follow the money: the sender's earlier transaction T (score 0.97)". This module only reads
the stored JSON, so listing alerts never loads LightGBM.

Numbers are written in the reader's convention (decimal comma in French). Feature names stay as
the model knows them (``fan_in_7d``): they are the names docs/detection-model.md defines, and
the analyst must be able to look them up.

>>> text = model_sentence({"model": "m", "probability": 0.93, "threshold": 0.4,
...     "features": [{"name": "fan_in_7d", "value": 12, "contribution": 0.8}]}, "en")
>>> text.startswith("model 'm' gives probability 0.93 (threshold 0.40)")
True
"""

from __future__ import annotations

from typing import Any

from moneytrail.i18n import translate

FAMILIES = ("memory", "neighbourhood", "scatter_gather", "cycle", "fan_in", "fan_out")
SOURCES = ("label", "confirmed_alert", "goaml_report", "screening_hit", "case_subject")


def _number(value: Any, lang: str, digits: int = 2) -> str:
    """A number with ``digits`` decimals (whole numbers without), comma decimals in French."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.{digits}f}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text.replace(",", "\u202f")


def _features(features: list[Any], lang: str) -> str:
    parts = []
    for item in features:
        if not isinstance(item, dict):
            continue
        value = _number(item.get("value"), lang, 3)
        gain = _number(item.get("contribution"), lang, 2)
        parts.append(f"{item.get('name')} = {value} (+{gain})")
    return ", ".join(parts) if parts else translate("detect_model.explain_no_feature", lang)


def model_sentence(explanation: dict[str, Any], lang: str) -> str | None:
    """The stored explanation of a model alert, as one paragraph in ``lang``.

    ``None`` when the explanation does not have the scoring model's shape (an alert written by
    another tool, or by hand): the caller then shows its values as they are.
    """
    features = explanation.get("features", [])
    if "probability" not in explanation or not isinstance(features, list):
        return None
    parts = [
        translate(
            "detect_model.explain_score",
            lang,
            model=explanation.get("model", "?"),
            probability=_number(explanation.get("probability"), lang),
            threshold=_number(explanation.get("threshold"), lang),
            features=_features(features, lang),
        )
    ]
    hint = explanation.get("typology_hint")
    if hint in FAMILIES:
        family = translate(f"detect_model.family_{hint}", lang)
        parts.append(translate("detect_model.explain_hint", lang, family=family))
    neighbourhood = explanation.get("neighbourhood")
    for entry in neighbourhood if isinstance(neighbourhood, list) else []:
        role = entry.get("account") if isinstance(entry, dict) else None
        if role not in ("sender", "receiver"):
            continue
        parts.append(
            translate(
                f"detect_model.explain_follow_{role}",
                lang,
                transaction=entry.get("transaction", "?"),
                score=_number(entry.get("first_stage_score"), lang),
            )
        )
    parts += _memory(explanation.get("memory"), lang)
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def _memory(entries: Any, lang: str) -> list[str]:
    """ "account X was in a labelled positive on D" for the sender and the receiver (issue 19)."""
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("account") not in ("sender", "receiver"):
            continue
        source = entry.get("source") if entry.get("source") in SOURCES else "label"
        out.append(
            translate(
                f"detect_model.explain_memory_{entry['account']}",
                lang,
                account=entry.get("account_id") or "?",
                source=translate(f"detect_model.memory_source_{source}", lang),
                reference=entry.get("reference") or "?",
                date=entry.get("date") or "?",
            )
        )
    return out
