"""goAML country profiles, report validation and the ASCII transliteration of names.

Value layer: the profiles are package data, the functions pure (docs/goaml-profiles.md).
"""

from __future__ import annotations

from moneytrail.model.goaml.profile import (
    Lookup,
    Profile,
    ProfileInfo,
    compile_schema,
    list_profiles,
    load_profile,
    profile_info,
)
from moneytrail.model.goaml.translit import Transliteration, goaml_ascii, transliterate_name
from moneytrail.model.goaml.validate import ValidatedReport, check_report, validate_report

__all__ = [
    "Lookup",
    "Profile",
    "ProfileInfo",
    "Transliteration",
    "ValidatedReport",
    "check_report",
    "compile_schema",
    "goaml_ascii",
    "list_profiles",
    "load_profile",
    "profile_info",
    "transliterate_name",
    "validate_report",
]
