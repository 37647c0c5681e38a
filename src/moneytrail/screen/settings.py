"""Typed settings of screening: thresholds and corroboration weights, one object passed down.

Why typed and explicit: a threshold decides who gets reviewed; it must be visible, versioned with
the findings, and loadable from a file an FIU signs off
(``ScreenSettings.from_file("screen.toml")``).

Example::

    >>> ScreenSettings().threshold
    0.8
    >>> ScreenSettings.from_mapping({"threshold": 0.85}).threshold
    0.85
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field


class ScreenSettings(BaseModel):
    """Thresholds (scores are 0..1) and the weight of each corroborating fact."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float = Field(default=0.8, ge=0, le=1, description="match from this score")
    review_threshold: float = Field(
        default=0.7, ge=0, le=1, description="score from which a hit is shown for review"
    )
    max_candidates: int = Field(default=200, ge=1, description="entries scored per query")
    max_results: int = Field(default=10, ge=1, description="hits returned per query")
    dob_match_bonus: float = Field(default=0.05, ge=0, le=1)
    dob_mismatch_penalty: float = Field(default=0.15, ge=0, le=1)
    dob_year_tolerance: int = Field(default=1, ge=0, description="years apart still a match")
    country_match_bonus: float = Field(default=0.02, ge=0, le=1)
    country_mismatch_penalty: float = Field(default=0.05, ge=0, le=1)
    identifier_match_bonus: float = Field(default=0.2, ge=0, le=1)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> ScreenSettings:
        """Settings from a dict (unknown keys are refused, so a typo never goes unnoticed)."""
        return cls.model_validate(data)

    @classmethod
    def from_file(cls, path: Path) -> ScreenSettings:
        """Settings from a TOML or YAML file (a ``[screen]`` table/section is accepted)."""
        text = path.read_text(encoding="utf-8")
        data: dict[str, Any] = (
            tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text) or {}
        )
        return cls.from_mapping(dict(data.get("screen", data)))
