"""Validate a goAML report against a country profile: the XSD, then the business rules.

Every reason comes out as a :class:`~moneytrail.errors.Problem` ``file:line: element path:
reason``, the path written as lxml writes it without the leading slash
(``report/transaction[3]/t_from/from_country``), the reason an i18n key (``problem.goaml_*``)
so it reads in French or English. libxml2's own sentence is kept as ``detail`` only for the
rare kinds of schema error this module does not name.

Parsing is safe as in the ISO 20022 reader: no DTD, no entity expansion, no network, no
``huge_tree``; lxml is given the bytes so a UTF-16 file with its byte-order mark reads.

>>> from moneytrail.model.goaml.profile import load_profile
>>> [p.code for p in validate_report(b"<report/>", load_profile("uae-5.0.2"), "r.xml")]
['goaml_xsd_missing']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from lxml import etree

from moneytrail.errors import Problem, problem_for
from moneytrail.files.text import is_binary
from moneytrail.model.goaml.profile import Profile
from moneytrail.model.xml import element_line, safe_xml_parser

_VALUE = re.compile(r"The value '(.*?)' is not|'(.*?)' is not a valid value", re.S)
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ?(.*?) ?\)")
_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?([^']+)'")
_ATOMIC = re.compile(r"atomic type '(?:xs:)?([^']+)'")
_PATTERN = re.compile(r"accepted by the pattern '(.*)'")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
_EXPECTED_SHOWN = 8


@dataclass(frozen=True)
class ValidatedReport:
    """The outcome of one file: its problems and what it holds."""

    problems: list[Problem]
    reports: int
    transactions: int

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_report(
    source: Path | bytes, profile: Profile, display_name: str | None = None
) -> list[Problem]:
    """Every reason why ``source`` is not a valid goAML report for ``profile`` (``[]``: valid).

    ``display_name`` names the file in the problems (default: the path, or ``<bytes>``).
    """
    return check_report(source, profile, display_name).problems


def check_report(
    source: Path | bytes, profile: Profile, display_name: str | None = None
) -> ValidatedReport:
    """:func:`validate_report` with the count of reports and transactions."""
    name = display_name or (str(source) if isinstance(source, Path) else "<bytes>")
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError:
            return _refused(problem_for(name, "file_unreadable"))
    else:
        data = source
    if not data.strip():
        return _refused(problem_for(name, "file_empty"))
    if is_binary(data):
        return _refused(problem_for(name, "file_binary"))
    parser = safe_xml_parser(remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        detail = str(exc.msg or exc)
        return _refused(problem_for(name, "xml_malformed", line=line, params={"detail": detail}))
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        return _refused(problem_for(name, "goaml_doctype", line=1))
    transactions = sum(1 for _ in root.iterchildren("transaction"))
    if etree.QName(root).localname != profile.root:
        problem = problem_for(
            name,
            "goaml_xsd_root",
            line=_line(root),
            field=str(root.tag),
            params={"root": profile.root},
        )
        return ValidatedReport([problem], 0, 0)
    problems = _schema_problems(tree, profile, name)
    flagged = {p.field for p in problems}
    problems += [p for p in _rule_problems(tree, profile, name) if p.field not in flagged]
    problems.sort(key=lambda p: (p.line or 0, p.field or ""))
    return ValidatedReport(problems, 1, transactions)


def _refused(problem: Problem) -> ValidatedReport:
    return ValidatedReport([problem], 0, 0)


def _line(element: etree._Element) -> int | None:
    return element_line(element)


def _schema_problems(tree: etree._ElementTree, profile: Profile, name: str) -> list[Problem]:
    schema = profile.schema
    try:
        if schema.validate(tree):
            return []
    except etree.XMLSchemaValidateError as exc:
        return [problem_for(name, "goaml_xsd_other", params={"detail": str(exc)})]
    problems: list[Problem] = []
    seen: set[tuple[int, str]] = set()
    for error in cast("Iterable[etree._LogEntry]", schema.error_log):
        path = (error.path or "").lstrip("/") or None
        key = (error.line, path or "")
        if key in seen:
            continue  # libxml2 repeats a refused value as "not a valid value of its type"
        seen.add(key)
        problems.append(_schema_problem(error, path, name))
    return problems


def _schema_problem(error: etree._LogEntry, path: str | None, name: str) -> Problem:
    message = str(error.message)
    kind = str(error.type_name)
    line = error.line if error.line > 0 else None
    value_match = _VALUE.search(message)
    value = next((g for g in value_match.groups() if g is not None), None) if value_match else None
    element = _ELEMENT.match(message)
    params: dict[str, object] = {"element": element.group(1) if element else ""}
    expected = _EXPECTED.search(message)
    if expected:
        names = [n.strip() for n in expected.group(1).split(",")]
        shown = ", ".join(names[:_EXPECTED_SHOWN]) + (", …" if len(names) > 8 else "")
        params["expected"] = shown
    if kind == "SCHEMAV_CVC_ENUMERATION_VALID":
        code = "goaml_xsd_code"
    elif kind == "SCHEMAV_CVC_PATTERN_VALID":
        pattern = _PATTERN.search(message)
        params["pattern"] = pattern.group(1) if pattern else ""
        code = "goaml_xsd_pattern"
    elif kind == "SCHEMAV_ELEMENT_CONTENT" and "not expected" in message:
        code = "goaml_xsd_unexpected" if expected else "goaml_xsd_extra"
    elif kind == "SCHEMAV_ELEMENT_CONTENT" and "Missing child" in message:
        code = "goaml_xsd_missing"
    elif kind.startswith("SCHEMAV_CVC_DATATYPE_VALID") or kind == "SCHEMAV_CVC_SIMPLE_TYPE_1":
        atomic = _ATOMIC.search(message)
        params["type"] = atomic.group(1) if atomic else ""
        code = "goaml_xsd_value"
    elif kind.startswith("SCHEMAV_CVC_") and value is not None:
        params["detail"] = message
        code = "goaml_xsd_facet"
    else:
        params["detail"] = message
        code = "goaml_xsd_other"
    return problem_for(name, code, line=line, field=path, value=value, params=params)


def _rule_problems(tree: etree._ElementTree, profile: Profile, name: str) -> list[Problem]:
    root = tree.getroot()
    rules = profile.rules
    problems: list[Problem] = []

    def problem(element: etree._Element, code: str, **params: object) -> None:
        problems.append(
            problem_for(
                name,
                code,
                line=_line(element),
                field=tree.getpath(element).lstrip("/"),
                value=(element.text or "").strip(),
                params=params,
            )
        )

    report_code = root.find("report_code")
    code_text = (report_code.text or "").strip() if report_code is not None else ""
    if report_code is not None and code_text not in profile.report_codes:
        problem(
            report_code, "goaml_rule_report_code", accepted=", ".join(sorted(profile.report_codes))
        )
    if code_text in rules.indicators_required_for and not root.findall(
        "report_indicators/indicator"
    ):
        where = root.find("report_indicators")
        at = root if where is None else where
        problem(at, "goaml_rule_indicator_missing", report_code=code_text)
    decimals = rules.amount_max_decimals
    code_fields = profile.code_fields
    watched = sorted(set(code_fields) | profile.amount_fields | profile.date_fields)
    for element in root.iter(*watched):  # lxml filters the tags in C: the hot path
        tag = str(element.tag)
        if len(element):
            continue
        text = (element.text or "").strip()
        lookup = code_fields.get(tag)
        if lookup is not None and text and text not in profile.lookups[lookup].codes:
            problem(element, "goaml_rule_code_unknown", lookup=lookup)
        elif decimals is not None and tag in profile.amount_fields and "." in text:
            if len(text.split(".", 1)[1].rstrip("0")) > decimals:
                problem(element, "goaml_rule_decimals", decimals=decimals)
        elif rules.date_format and tag in profile.date_fields and text and not _DATE.match(text):
            problem(element, "goaml_rule_date_format", format=rules.date_format)
    return problems
