"""goAML reports: valid samples accepted, each kind of broken report refused at the right place."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.api.goaml_validate import validate_file
from moneytrail.errors import Problem
from moneytrail.model.goaml import check_report, load_profile, validate_report
from tests.goaml.variants import (
    BROKEN,
    LK,
    LK_HYPHEN,
    SAMPLES,
    UAE,
    broken,
    empty_indicators,
    out_of_order,
    without_indicators,
)


@pytest.mark.parametrize(("sample", "profile_id"), [(UAE, "uae-5.0.2"), (LK, "lk-2.0")])
def test_the_hand_written_samples_are_valid(sample: Path, profile_id: str) -> None:
    checked = check_report(sample, load_profile(profile_id))
    assert checked.problems == []
    assert (checked.reports, checked.transactions) == (1, 3 if profile_id == "uae-5.0.2" else 2)


@pytest.mark.parametrize(
    ("old", "new", "nth", "code", "path"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_broken_uae_report_is_refused_at_the_element(
    old: str, new: str, nth: int, code: str, path: str
) -> None:
    data, line = broken(UAE, old, new, nth)
    problems = validate_report(data, load_profile("uae-5.0.2"), "str.xml")
    assert [(p.code, p.field, p.line) for p in problems] == [(code, path, line)]
    for lang in ("fr", "en"):
        text = problems[0].render(lang)
        assert text.startswith(f"str.xml:{line}: {path}: "), text
        assert "{" not in text.split(": ", 2)[2] or code == "goaml_xsd_pattern", text


def test_elements_out_of_order_are_refused_with_what_was_expected() -> None:
    swapped, line = out_of_order()
    problems = validate_report(swapped, load_profile("uae-5.0.2"), "str.xml")
    assert [(p.code, p.field, p.line) for p in problems] == [
        ("goaml_xsd_unexpected", "report/transaction[3]/date_transaction", line)
    ]
    assert "transaction_description" in problems[0].render("fr")
    assert "inattendu" in problems[0].render("fr")
    assert "not expected" in problems[0].render("en")


def test_a_report_without_indicators_is_refused_at_the_report() -> None:
    problems = validate_report(without_indicators(), load_profile("uae-5.0.2"), "str.xml")
    assert [(p.code, p.field) for p in problems] == [("goaml_xsd_missing", "report")]
    assert "report_indicators" in problems[0].render("en")


def test_an_empty_indicator_list_is_refused_at_the_list() -> None:
    data = empty_indicators()
    problems = validate_report(data, load_profile("uae-5.0.2"), "str.xml")
    assert [(p.code, p.field) for p in problems] == [
        ("goaml_xsd_missing", "report/report_indicators")
    ]


def test_every_problem_is_listed_not_only_the_first() -> None:
    data, _ = broken(UAE, "<from_country>AE<", "<from_country>XX<")
    data = data.replace(b"55000.00", b"55000.001")
    problems = validate_report(data, load_profile("uae-5.0.2"), "str.xml")
    assert [p.code for p in problems] == ["goaml_xsd_code", "goaml_rule_decimals"]


def test_the_sri_lanka_profile_refuses_a_name_with_a_hyphen() -> None:
    data, line = broken(LK, *LK_HYPHEN)
    problems = validate_report(data, load_profile("lk-2.0"), "lk.xml")
    assert [(p.code, p.field, p.line) for p in problems] == [
        ("goaml_xsd_pattern", "report/transaction[2]/t_to/to_person/first_name", line)
    ]


def test_a_report_code_the_profile_does_not_accept_is_a_business_rule(tmp_path: Path) -> None:
    folder = tmp_path / "ml-test"
    shipped = Path(load_profile("lk-2.0").source and __file__).parents[2]
    source = shipped / "src/moneytrail/model/goaml/profiles/lk-2.0"
    folder.mkdir()
    (folder / "goAMLSchema.xsd").write_bytes((source / "goAMLSchema.xsd").read_bytes())
    spec = (source / "profile.yaml").read_text(encoding="utf-8")
    spec = spec.replace("id: lk-2.0", "id: ml-test").replace(
        "report_codes: [STR, CTR,", "report_codes: [CTR,"
    )
    (folder / "profile.yaml").write_text(spec, encoding="utf-8")
    problems = validate_report(LK, load_profile(str(folder)), "lk.xml")
    assert [(p.code, p.field) for p in problems] == [
        ("goaml_rule_report_code", "report/report_code")
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"\x00\x01\x02binary\x00" * 20, "file_binary"),
        (b"<report><rentity_id>1</rentity_id>", "xml_malformed"),
        (b"<Document><x/></Document>", "goaml_xsd_root"),
    ],
)
def test_files_that_are_not_reports_are_refused(data: bytes, code: str) -> None:
    problems = validate_report(data, load_profile("uae-5.0.2"), "x.xml")
    assert [p.code for p in problems] == [code]


def test_entities_are_not_expanded() -> None:
    data = UAE.read_bytes().replace(
        b"<report>", b'<!DOCTYPE report [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<report>', 1
    )
    data = data.replace(b"Deira Main Branch</rentity_branch>", b"&x;</rentity_branch>")
    problems = validate_report(data, load_profile("uae-5.0.2"), "x.xml")
    assert [(p.code, p.line) for p in problems] == [("goaml_doctype", 1)]


def test_a_utf16_report_reads_like_its_utf8_twin() -> None:
    text = UAE.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert validate_report(text.encode("utf-16"), load_profile("uae-5.0.2")) == []


def test_the_api_returns_the_verdict_and_the_problems() -> None:
    valid = validate_file(UAE, "uae-5.0.2")
    assert (valid.ok, valid.reports, valid.transactions, valid.problems) == (True, 1, 3, [])
    refused = validate_file(SAMPLES / "missing.xml", "lk-2.0")
    assert not refused.ok
    assert [p.code for p in refused.problems] == ["file_unreadable"]
    assert isinstance(refused.problems[0], Problem)
