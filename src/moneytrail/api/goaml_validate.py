"""Validate goAML reports from elsewhere against a country profile (``goaml validate``).

>>> [info.id for info in profiles()]
['lk-2.0', 'uae-5.0.2']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from moneytrail.errors import Problem
from moneytrail.model.goaml import ProfileInfo, check_report, list_profiles, load_profile
from moneytrail.model.goaml import profile_info as _profile_info

__all__ = ["GoamlValidation", "ProfileInfo", "profiles", "validate_file"]


@dataclass(frozen=True)
class GoamlValidation:
    """The verdict on one file: valid (``ok``) or every problem found, ``file:line: path``."""

    file: str
    profile: str
    reports: int
    transactions: int
    ok: bool
    problems: list[Problem]


def validate_file(path: Path | str, profile_id: str) -> GoamlValidation:
    """Validate ``path`` against the profile ``profile_id`` (a shipped id or a profile folder).

    Never raises for a bad report: the problems are in the result (the CLI turns them into
    exit code 3). Raises ``UsageError`` for an unknown profile.
    """
    profile = load_profile(profile_id)
    checked = check_report(Path(path), profile, str(path))
    return GoamlValidation(
        file=str(path),
        profile=profile.id,
        reports=checked.reports,
        transactions=checked.transactions,
        ok=checked.ok,
        problems=checked.problems,
    )


def profiles() -> list[ProfileInfo]:
    """The profiles shipped with moneytrail."""
    return [_profile_info(load_profile(pid)) for pid in list_profiles()]
