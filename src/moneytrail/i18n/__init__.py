"""French and English texts for everything a user reads.

Catalogues are YAML files in ``messages/``, one per area, each key holding ``fr`` and ``en``.
Splitting by area lets each module own its texts; :func:`translate` merges them once. French is the
default (the working language of the Sahel FIUs); English is the second language.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("fr", "en")
# libyaml's safe loader when PyYAML was built with it (ten times faster: the catalogue is read
# by every command that prints a sentence), else the pure-Python one; both are safe loaders.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages: key -> {lang -> text}. Loaded once from the package data."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("moneytrail.i18n") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for key, texts in data.items():
            if key in merged:
                raise RuntimeError(f"duplicate i18n key {key!r} in {entry.name}")
            merged[key] = {str(k): str(v) for k, v in texts.items()}
    return merged


def default_lang() -> str:
    """``MONEYTRAIL_LANG``, else the language of ``LC_ALL``/``LC_MESSAGES``/``LANG`` if French or
    English, else French (the working language of the users; a "C" locale says nothing)."""
    env = os.environ.get("MONEYTRAIL_LANG")
    if env in LANGS:
        return env
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value[:2] in LANGS:
            return value[:2]
    return "fr"


def translate(key: str, lang: str | None = None, **params: Any) -> str:
    """The text of ``key`` in ``lang`` with ``params`` filled in; the key itself if unknown."""
    texts = catalogue().get(key)
    if texts is None:
        return key + (" " + repr(params) if params else "")
    text = texts.get(lang or default_lang()) or texts.get("en") or key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


t = translate
