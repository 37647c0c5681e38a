"""Every user-facing text exists in French and English."""

from __future__ import annotations

import string

from moneytrail.i18n import LANGS, catalogue, translate


def test_every_key_has_french_and_english_with_the_same_placeholders() -> None:
    fmt = string.Formatter()
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGS), key
        fields = [{f for _, f, _, _ in fmt.parse(texts[lang]) if f} for lang in LANGS]
        assert fields[0] == fields[1], key


def test_translate_falls_back_to_key_when_unknown() -> None:
    assert translate("no.such.key", "fr") == "no.such.key"
    assert "espace de travail" in translate("error.workspace_missing", "fr", path="x").lower()
