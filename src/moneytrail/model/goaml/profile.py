"""goAML country profiles: a report schema, its code lists and the fixes a real schema needs.

A profile is a folder of data shipped with the product (``profiles/<id>/``): the FIU's XSD,
its lookup JSON files and a ``profile.yaml`` that says which schema, which fixes, where each
code list comes from (a JSON file or the XSD's own enumeration) and the business rules the
XSD does not express (docs/goaml-profiles.md). Nothing is read from outside the package at run
time, unless the caller names a folder of its own: an FIU adds its profile that way.

>>> profile = load_profile("uae-5.0.2")
>>> "STR" in profile.report_codes, "ML" in profile.countries
(True, True)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from moneytrail.errors import UsageError

XS = "{http://www.w3.org/2001/XMLSchema}"
PROFILE_FILE = "profile.yaml"


class LookupSpec(BaseModel):
    """Where a code list comes from: a JSON file of ``{code, label}``, the XSD's enumeration
    of a simple type, or both (then the file's codes must all be in the enumeration)."""

    model_config = ConfigDict(extra="forbid")
    json_file: str | None = Field(default=None, alias="json")
    xsd: str | None = None


class Fixes(BaseModel):
    """Corrections applied to the XSD when it is loaded (each one documented)."""

    model_config = ConfigDict(extra="forbid")
    strip_pattern_anchors: bool = False


class Rules(BaseModel):
    """Business rules checked after the XSD."""

    model_config = ConfigDict(extra="forbid")
    report_codes: list[str] = Field(default_factory=list)
    indicators_required_for: list[str] = Field(default_factory=list)
    amount_max_decimals: int | None = Field(default=None, ge=0)
    amount_fields: list[str] = Field(default_factory=list)
    date_types: list[str] = Field(default_factory=list)
    date_format: Literal["YYYY-MM-DDThh:mm:ss"] | None = None


class ProfileSpec(BaseModel):
    """``profile.yaml``, validated."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: dict[Literal["fr", "en"], str]
    schema_file: str = Field(alias="schema")
    schema_version: str
    root: str = "report"
    source: str = ""
    fixes: Fixes = Field(default_factory=Fixes)
    name_characters: str = "a-zA-Z0-9 .'-"
    lookups: dict[str, LookupSpec] = Field(default_factory=dict)
    rules: Rules = Field(default_factory=Rules)


@dataclass(frozen=True)
class Lookup:
    """A code list: code -> label (the label is empty when the source gives none)."""

    name: str
    codes: Mapping[str, str]
    xsd_type: str | None

    def __contains__(self, code: object) -> bool:
        return code in self.codes


@dataclass(frozen=True, eq=False)
class Profile:
    """A loaded profile: the compiled schema (fixes applied), code lists and rules."""

    id: str
    title: Mapping[str, str]
    schema_version: str
    root: str
    source: str
    fixes: tuple[str, ...]
    name_characters: str
    schema: etree.XMLSchema
    schema_source: bytes
    lookups: Mapping[str, Lookup]
    rules: Rules
    code_fields: Mapping[str, str]
    """Element name -> the lookup its value must belong to (from the elements' XSD types)."""
    amount_fields: frozenset[str]
    date_fields: frozenset[str]

    def codes(self, lookup: str) -> frozenset[str]:
        """The codes of ``lookup`` (empty when the profile has no such list)."""
        found = self.lookups.get(lookup)
        return frozenset(found.codes) if found else frozenset()

    @property
    def report_codes(self) -> frozenset[str]:
        """Report codes the FIU accepts (``rules.report_codes``, else the XSD's list)."""
        return frozenset(self.rules.report_codes) or self.codes("report_codes")

    @property
    def transmodes(self) -> frozenset[str]:
        return self.codes("transmodes")

    @property
    def indicators(self) -> frozenset[str]:
        return self.codes("indicators")

    @property
    def currencies(self) -> frozenset[str]:
        return self.codes("currencies")

    @property
    def countries(self) -> frozenset[str]:
        return self.codes("countries")

    @property
    def funds(self) -> frozenset[str]:
        return self.codes("funds")


@dataclass(frozen=True)
class ProfileInfo:
    """What ``goaml profiles`` lists."""

    id: str
    title: Mapping[str, str]
    schema_version: str
    fixes: tuple[str, ...]
    lookups: Mapping[str, int]


def _shipped() -> Traversable:
    return resources.files("moneytrail.model.goaml") / "profiles"


def list_profiles() -> list[str]:
    """Ids of the profiles shipped with moneytrail.

    >>> list_profiles()
    ['lk-2.0', 'uae-5.0.2']
    """
    return sorted(entry.name for entry in _shipped().iterdir() if (entry / PROFILE_FILE).is_file())


def load_profile(profile_id: str) -> Profile:
    """The profile ``profile_id`` (a shipped id, or the path of a profile folder), cached.

    Raises ``UsageError`` for an unknown id or a broken ``profile.yaml``.
    """
    candidate = Path(profile_id)
    if (candidate / PROFILE_FILE).is_file():
        return _load_folder(str(candidate.resolve()), (candidate / PROFILE_FILE).stat().st_mtime)
    if profile_id not in list_profiles():
        raise UsageError(
            "error.goaml_profile_unknown", profile=profile_id, known=", ".join(list_profiles())
        )
    return _load_shipped(profile_id)


@cache
def _load_folder(path: str, _mtime: float) -> Profile:
    return _build(Path(path), path)


@cache
def _load_shipped(profile_id: str) -> Profile:
    return _build(_shipped() / profile_id, profile_id)


def _build(folder: Traversable, name: str) -> Profile:
    try:
        raw = yaml.safe_load((folder / PROFILE_FILE).read_text(encoding="utf-8"))
        spec = ProfileSpec.model_validate(raw)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        raise UsageError("error.goaml_profile_broken", profile=name, detail=str(exc)) from exc
    try:
        source = (folder / spec.schema_file).read_bytes()
    except OSError as exc:
        detail = f"schema {spec.schema_file}: {exc}"
        raise UsageError("error.goaml_profile_broken", profile=name, detail=detail) from exc
    xsd = _parse_xsd(source, name)
    fixes = tuple(fix for fix, on in spec.fixes.model_dump().items() if on)
    if spec.fixes.strip_pattern_anchors:
        strip_pattern_anchors(xsd)
    try:
        schema = etree.XMLSchema(xsd)
    except etree.XMLSchemaParseError as exc:
        raise UsageError("error.goaml_profile_broken", profile=name, detail=str(exc)) from exc
    enums = _enumerations(xsd)
    lookups = {
        key: _lookup(folder, key, lookup, enums, name) for key, lookup in spec.lookups.items()
    }
    by_type = {lk.xsd_type: key for key, lk in lookups.items() if lk.xsd_type}
    typed = _element_types(xsd)
    code_fields = {el: by_type[t] for el, t in typed.items() if t in by_type}
    return Profile(
        id=spec.id,
        title={str(k): v for k, v in spec.title.items()},
        schema_version=spec.schema_version,
        root=spec.root,
        source=spec.source,
        fixes=fixes,
        name_characters=spec.name_characters,
        schema=schema,
        schema_source=source,
        lookups=lookups,
        rules=spec.rules,
        code_fields=code_fields,
        amount_fields=frozenset(spec.rules.amount_fields),
        date_fields=_fields_of(typed, xsd, spec.rules.date_types, "dateTime"),
    )


def _parse_xsd(source: bytes, name: str) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.ElementTree(etree.fromstring(source, parser))
    except etree.XMLSyntaxError as exc:
        raise UsageError("error.goaml_profile_broken", profile=name, detail=str(exc)) from exc


def compile_schema(source: bytes, strip_anchors: bool) -> etree.XMLSchema:
    """Compile an XSD, with or without the anchor fix (the tests show the fix is needed)."""
    xsd = _parse_xsd(source, "-")
    if strip_anchors:
        strip_pattern_anchors(xsd)
    return etree.XMLSchema(xsd)


def strip_pattern_anchors(xsd: etree._ElementTree) -> int:
    """Remove regex anchors from every ``xs:pattern``; returns how many patterns changed.

    XSD patterns are implicitly anchored and have no ``^``/``$`` operators: written anyway
    (the .NET habit of goAML's authors), a validator takes them as literal characters.
    """
    changed = 0
    for pattern in xsd.iter(f"{XS}pattern"):
        value = pattern.get("value", "")
        fixed = unanchored(value)
        if fixed != value:
            pattern.set("value", fixed)
            changed += 1
    return changed


def unanchored(pattern: str) -> str:
    """``pattern`` without ``^`` at the start of a branch nor ``$`` at its end.

    >>> unanchored("^[a-zA-Z0-9 .'-]*$")
    "[a-zA-Z0-9 .'-]*"
    >>> unanchored(r"($|(^[A-Z]{2,})(.*[A-Z]+).*)")
    '(|([A-Z]{2,})(.*[A-Z]+).*)'
    >>> unanchored(r"[\\^$]a\\$")
    '[\\\\^$]a\\\\$'
    """
    out: list[str] = []
    in_class = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class += 1
        elif ch == "]" and in_class:
            in_class -= 1
        elif not in_class and _is_anchor(pattern, i, out):
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _is_anchor(pattern: str, i: int, out: list[str]) -> bool:
    """``^`` opening a branch, or ``$`` closing one (outside a character class)."""
    if pattern[i] == "^":
        return not out or out[-1] in ("(", "|")
    return pattern[i] == "$" and (i + 1 == len(pattern) or pattern[i + 1] in ")|")


def _json_codes(folder: Traversable, key: str, file: str, name: str) -> dict[str, str]:
    """A lookup file's ``[{code, label}]`` as code -> label; a file an FIU's own profile got
    wrong (missing, not JSON, not a list of objects with a code) names the lookup and why."""
    try:
        rows = json.loads((folder / file).read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ValueError("a list of {code, label} objects is expected")
        return {str(row["code"]): str(row.get("label", "")) for row in rows}
    except (OSError, ValueError, KeyError) as exc:  # JSONDecodeError, UnicodeDecodeError
        detail = f"lookups.{key}: {file}: {exc}"
        raise UsageError("error.goaml_profile_broken", profile=name, detail=detail) from exc


def _enumerations(xsd: etree._ElementTree) -> dict[str, dict[str, str]]:
    """Named simple type -> {code: label}; labels are the comments goAML puts in each value."""
    found: dict[str, dict[str, str]] = {}
    for simple in xsd.iter(f"{XS}simpleType"):
        name = simple.get("name")
        if not name:
            continue
        codes: dict[str, str] = {}
        for enum in simple.iter(f"{XS}enumeration"):
            label = " ".join(
                str(c.text or "").strip() for c in enum if isinstance(c, etree._Comment)
            )
            codes[str(enum.get("value"))] = label
        if codes:
            found[name] = codes
    return found


def _lookup(
    folder: Traversable, key: str, spec: LookupSpec, enums: dict[str, dict[str, str]], name: str
) -> Lookup:
    xsd_codes = enums.get(spec.xsd) if spec.xsd else None
    if spec.xsd and xsd_codes is None:
        raise UsageError(
            "error.goaml_profile_broken",
            profile=name,
            detail=f"lookups.{key}: no enumeration named {spec.xsd} in the schema",
        )
    if spec.json_file:
        codes = _json_codes(folder, key, spec.json_file, name)
        stray = sorted(set(codes) - set(xsd_codes)) if xsd_codes is not None else []
        if stray:
            raise UsageError(
                "error.goaml_profile_broken",
                profile=name,
                detail=f"lookups.{key}: codes not in {spec.xsd}: {', '.join(stray[:10])}",
            )
    elif xsd_codes is not None:
        codes = dict(xsd_codes)
    else:
        raise UsageError(
            "error.goaml_profile_broken", profile=name, detail=f"lookups.{key}: no source"
        )
    return Lookup(name=key, codes=codes, xsd_type=spec.xsd)


def _element_types(xsd: etree._ElementTree) -> dict[str, str]:
    """Element name -> its named type (the first declaration wins; goAML reuses names with
    one type)."""
    typed: dict[str, str] = {}
    for element in xsd.iter(f"{XS}element"):
        name, kind = element.get("name"), element.get("type")
        if name and kind and ":" not in kind:
            typed.setdefault(name, kind)
    return typed


def _fields_of(
    typed: dict[str, str], xsd: etree._ElementTree, types: list[str], base: str
) -> frozenset[str]:
    """Elements of one of ``types``, or of an inline restriction of ``xs:<base>``."""
    names = {el for el, kind in typed.items() if kind in types}
    for element in xsd.iter(f"{XS}element"):
        restriction = element.find(f"{XS}simpleType/{XS}restriction")
        if restriction is not None and re.sub(r"^\w+:", "", restriction.get("base", "")) == base:
            names.add(str(element.get("name")))
    return frozenset(names)


def profile_info(profile: Profile) -> ProfileInfo:
    """The summary of ``profile`` that ``goaml profiles`` shows."""
    return ProfileInfo(
        id=profile.id,
        title=profile.title,
        schema_version=profile.schema_version,
        fixes=profile.fixes,
        lookups={key: len(lookup.codes) for key, lookup in profile.lookups.items()},
    )
