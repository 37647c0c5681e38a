"""Validate a goAML ``<report>`` element already parsed, without serialising it again.

:func:`moneytrail.model.goaml.validate_report` takes bytes: the reader used to write each
report of a multi-report file back to XML and parse it again to validate it. Here the element
parsed once by the reader is validated in place: lxml's ``XMLSchema.validate`` of an element
validates it as the root of its own document (paths read ``report/transaction[3]/...`` as
before), and the business rules of :mod:`moneytrail.model.goaml.validate` run on the same
element. Lines are the element's own lines in the file, so no shift is needed.

The problems are those :func:`~moneytrail.model.goaml.validate_report` gives for the report
written alone (same codes, fields, values, order).
"""

from __future__ import annotations

from typing import cast

from lxml import etree

from moneytrail.errors import Problem, problem_for
from moneytrail.model.goaml import load_profile
from moneytrail.model.goaml import validate as _rules
from moneytrail.model.goaml.profile import Profile

Element = etree._Element


class _Subtree:
    """``getroot``/``getpath`` of a report as if it were the root of its own document."""

    def __init__(self, report: Element) -> None:
        self._report = report
        self._tree = report.getroottree()
        self._prefix = self._tree.getpath(report)
        self._root = "/" + str(report.tag)

    def getroot(self) -> Element:
        return self._report

    def getpath(self, element: Element) -> str:
        return self._root + self._tree.getpath(element)[len(self._prefix) :]


def validate_tree(report: Element, profile: Profile, display_name: str) -> list[Problem]:
    """Every reason why the parsed ``report`` is not valid for ``profile`` (``[]``: valid)."""
    if etree.QName(report).localname != profile.root:
        line = report.sourceline if isinstance(report.sourceline, int) else None
        params = {"root": profile.root}
        return [
            problem_for(
                display_name, "goaml_xsd_root", line=line, field=str(report.tag), params=params
            )
        ]
    # XMLSchema.validate takes an element and validates it as a document root (lxml fakes one)
    tree = cast("etree._ElementTree", report)
    problems = _rules._schema_problems(tree, profile, display_name)
    flagged = {p.field for p in problems}
    subtree = cast("etree._ElementTree", _Subtree(report))
    problems += [
        p for p in _rules._rule_problems(subtree, profile, display_name) if p.field not in flagged
    ]
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return problems


def choose_profile(
    report: Element,
    candidates: tuple[str, ...],
    display_name: str,
    loaded: dict[str, Profile] | None = None,
) -> tuple[str, list[Problem]]:
    """The first candidate profile ``report`` is valid against, else the first and its problems.

    ``loaded`` keeps the profiles of one file's read: ``load_profile`` lists the shipped
    profiles' folder on every call, which cost more than the rules on a file of 100 reports.
    """
    first: tuple[str, list[Problem]] | None = None
    for profile_id in candidates:
        profile = loaded.get(profile_id) if loaded is not None else None
        if profile is None:
            profile = load_profile(profile_id)
            if loaded is not None:
                loaded[profile_id] = profile
        problems = validate_tree(report, profile, display_name)
        if not problems:
            return profile_id, []
        first = first or (profile_id, problems)
    assert first is not None
    return first
