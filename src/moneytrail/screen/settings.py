"""Typed settings of screening: thresholds and corroboration weights, one object passed down.

Why typed and explicit: a threshold decides who gets reviewed; it must be visible, versioned with
the findings, and loadable from a file an FIU signs off
(``ScreenSettings.from_file("screen.toml")``). Every way in refuses a value it cannot use:
``--threshold 80`` (a percentage where a share 0..1 is meant) would report an exact listed name
as *not* a match, and ``nan`` compares false with every score. So scores and weights are finite
numbers in [0, 1], counts are whole numbers, and ``review_threshold`` is never above
``threshold`` (a match must be shown). Changes go through :meth:`ScreenSettings.replace`, which
validates (pydantic's ``model_copy(update=...)`` does not); refusals are
:class:`SettingsError` (a usage error, exit code 2) naming the setting, the value and what is
expected.

Example::

    >>> ScreenSettings().threshold
    0.8
    >>> ScreenSettings.from_mapping({"threshold": 0.85}).threshold
    0.85
    >>> ScreenSettings().with_threshold(0.6).review_threshold  # lowered: every match is shown
    0.6
    >>> try:
    ...     ScreenSettings().replace(threshold=80)
    ... except SettingsError as refused:
    ...     print(refused.problems[0].render("en"))
    settings: threshold: '80' is not accepted: a number from 0 to 1 is expected (e.g. 0.8, not 80)
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from moneytrail.errors import Problem, UsageError


class SettingsError(UsageError, ValueError):
    """Screening settings refused: each problem names where (file or option), the setting, the
    value and what is expected. A ``ValueError`` too, as pydantic's own refusals are."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__("error.screen_settings_invalid", source=source)
        self.problems = problems

    def render(self, lang: str = "en") -> str:
        return "\n".join([super().render(lang), *(p.render(lang) for p in self.problems)])


class ScreenSettings(BaseModel):
    """Thresholds (scores are 0..1) and the weight of each corroborating fact."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

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

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):  # YAML/TOML ``true`` would silently become 1.0
            raise ValueError("boolean")
        return value

    @model_validator(mode="before")
    @classmethod
    def _review_follows_a_low_threshold(cls, data: Any) -> Any:
        """``review_threshold`` left out defaults to the threshold when that is below 0.7."""
        if isinstance(data, dict) and "review_threshold" not in data:
            threshold = data.get("threshold")
            default: float = cls.model_fields["review_threshold"].default
            if (
                isinstance(threshold, int | float)
                and not isinstance(threshold, bool)
                and math.isfinite(threshold)
                and 0 <= threshold < default
            ):
                data = {**data, "review_threshold": threshold}
        return data

    @model_validator(mode="after")
    def _matches_are_shown(self) -> ScreenSettings:
        if self.review_threshold > self.threshold:
            raise ValueError("review_threshold_above_threshold")
        return self

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "settings") -> ScreenSettings:
        """Settings from a dict (unknown keys are refused, so a typo never goes unnoticed)."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(source, _problems(exc, source, data)) from None

    @classmethod
    def from_file(cls, path: Path) -> ScreenSettings:
        """Settings from a TOML or YAML file (a ``[screen]`` table/section is accepted)."""
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise SettingsError(
                source, [Problem(source, "screen_settings_unreadable", params={"detail": detail})]
            ) from None
        try:
            data: Any = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
        except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise SettingsError(
                source,
                [Problem(source, "screen_settings_syntax", line=line, params={"detail": str(exc)})],
            ) from None
        data = {} if data is None else data
        if isinstance(data, dict) and "screen" in data:
            data = data["screen"]
        if not isinstance(data, dict):
            raise SettingsError(source, [Problem(source, "screen_settings_not_table")])
        return cls.from_mapping(data, source)

    def replace(self, source: str = "settings", **changes: Any) -> ScreenSettings:
        """A validated copy with ``changes``; ``source`` names where they come from in a
        refusal (an option such as ``"--threshold"``, a file name)."""
        return self.from_mapping({**self.model_dump(), **changes}, source)

    def with_threshold(self, threshold: float, source: str = "--threshold") -> ScreenSettings:
        """A copy matching from ``threshold``; ``review_threshold`` is lowered to it when above,
        so that every match is also shown (hits under ``review_threshold`` are not)."""
        changes: dict[str, Any] = {"threshold": threshold}
        if math.isfinite(threshold) and 0 <= threshold < self.review_threshold:
            changes["review_threshold"] = threshold
        return self.replace(source, **changes)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _problems(exc: ValidationError, source: str, data: dict[str, Any]) -> list[Problem]:
    """One translatable problem per refused setting (pydantic's own texts are English only)."""
    fields = ScreenSettings.model_fields
    problems: list[Problem] = []
    params: dict[str, Any]
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"])
        field = None if source == _option(name) else name
        if error["type"] == "extra_forbidden":
            code, params = "screen_setting_unknown", {"known": ", ".join(fields)}
        elif not error["loc"]:  # the model validator: review_threshold above threshold
            code = "screen_setting_review_above"
            params = {
                "review": data.get("review_threshold"),
                "threshold": data.get("threshold"),
            }
        elif fields[name].annotation is float:
            code, params = "screen_setting_share", {}
        else:
            minimum = next((m.ge for m in fields[name].metadata if hasattr(m, "ge")), 0)
            code, params = "screen_setting_count", {"min": minimum}
        value = error.get("input", "")
        text = f"{value:g}" if isinstance(value, float) else str(value)  # 80, not 80.0
        problems.append(Problem(source, code, field=field, value=text, params=params))
    return problems
