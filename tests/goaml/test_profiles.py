"""goAML country profiles: shipped, loaded with their fixes, code lists consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from moneytrail.api.goaml_validate import profiles
from moneytrail.errors import UsageError
from moneytrail.model.goaml import (
    compile_schema,
    goaml_ascii,
    list_profiles,
    load_profile,
    transliterate_name,
)

SAMPLES = Path(__file__).parent / "samples"


def test_the_two_profiles_are_shipped_and_load() -> None:
    assert list_profiles() == ["lk-2.0", "uae-5.0.2"]
    uae = load_profile("uae-5.0.2")
    assert uae is load_profile("uae-5.0.2")  # cached
    assert uae.fixes == ("strip_pattern_anchors",)
    assert {"STR", "SAR"} <= uae.report_codes
    assert {"ML", "SN", "BF", "NE", "AE"} <= uae.countries
    assert len(uae.indicators) == 423 and "SVACC" in uae.indicators
    assert {"AED", "XOF", "USD"} <= uae.currencies
    assert "BO" in uae.transmodes
    assert uae.lookups["countries"].codes["ML"] == "Mali"


def test_the_sri_lanka_code_lists_come_from_the_xsd() -> None:
    lk = load_profile("lk-2.0")
    assert lk.report_codes >= {"STR", "CTR"}
    assert len(lk.indicators) == 78
    assert "LK" in lk.countries and "LKR" in lk.currencies
    assert all(lookup.xsd_type for lookup in lk.lookups.values())


def test_an_unknown_profile_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        load_profile("mali-9")
    assert "uae-5.0.2" in caught.value.render("fr")


def test_a_broken_profile_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("id: x\nunknown_field: 1\n", encoding="utf-8")
    with pytest.raises(UsageError):
        load_profile(str(tmp_path))


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        ("profile.yaml", "profile.yaml"),
        ("goAMLSchema.xsd", "goAMLSchema.xsd"),
        ("lookups/countries.json", "lookups.countries"),
        ("lookups/party_roles.json", "lookups.party_roles"),
    ],
)
def test_an_fiu_profile_with_a_damaged_file_is_refused_by_name(
    tmp_path: Path, damage: str, named: str
) -> None:
    """An FIU's own profile folder (a copy of a shipped one) with one file missing or not what
    it should be: refused as a broken profile naming the file, never a traceback."""
    import shutil

    from moneytrail.model.goaml.profile import _shipped

    folder = tmp_path / "mali-1.0"
    shutil.copytree(Path(str(_shipped() / "uae-5.0.2")), folder)
    target = folder / damage
    if damage == "goAMLSchema.xsd":
        target.unlink()
    elif damage == "lookups/party_roles.json":
        target.write_text('{"code": "A"}', encoding="utf-8")  # an object, not a list
    else:
        target.write_bytes(b"\xff\xfe\x00garbage{")
    with pytest.raises(UsageError) as caught:
        load_profile(str(folder))
    assert caught.value.key == "error.goaml_profile_broken"
    assert named in caught.value.render("en") or damage == "profile.yaml"


@pytest.mark.parametrize("profile_id", ["uae-5.0.2", "lk-2.0"])
def test_json_lookups_agree_with_the_xsd_enumerations(profile_id: str) -> None:
    profile = load_profile(profile_id)
    xsd = etree.fromstring(profile.schema_source)
    xs = "{http://www.w3.org/2001/XMLSchema}"
    for lookup in profile.lookups.values():
        if lookup.xsd_type is None:
            continue
        simple = xsd.find(f"{xs}simpleType[@name='{lookup.xsd_type}']")
        assert simple is not None
        enum = {e.get("value") for e in simple.iter(f"{xs}enumeration")}
        assert set(lookup.codes) <= enum, lookup.name


def test_the_uae_schema_refuses_every_real_name_until_the_anchors_are_stripped() -> None:
    source = load_profile("uae-5.0.2").schema_source
    report = etree.parse(str(SAMPLES / "uae_str_valid.xml"))
    raw = compile_schema(source, strip_anchors=False)
    assert not raw.validate(report)
    refused = {e.path.rsplit("/", 1)[-1] for e in raw.error_log if "pattern" in e.message}
    assert {"first_name", "last_name", "account_name", "name"} <= refused
    fixed = compile_schema(source, strip_anchors=True)
    assert fixed.validate(report), fixed.error_log
    assert load_profile("uae-5.0.2").schema.validate(report)


def test_the_sri_lanka_empty_or_text_pattern_keeps_its_empty_branch() -> None:
    source = load_profile("lk-2.0").schema_source
    assert b"($|(^" in source
    fixed = etree.tostring(etree.fromstring(source))
    assert b"($|(^" in fixed  # the shipped XSD is untouched; the fix is applied on load
    xs = "{http://www.w3.org/2001/XMLSchema}"
    schema_doc = etree.fromstring(source)
    from moneytrail.model.goaml.profile import strip_pattern_anchors

    tree = etree.ElementTree(schema_doc)
    assert strip_pattern_anchors(tree) == 6  # the other ^...$ patterns sit in comments
    patterns = [p.get("value", "") for p in schema_doc.iter(f"{xs}pattern")]
    assert not any(re.match(r"^\^|.*[^\\]\$$", p) for p in patterns)


def test_the_api_lists_the_profiles() -> None:
    listed = profiles()
    assert [p.id for p in listed] == ["lk-2.0", "uae-5.0.2"]
    assert listed[1].lookups["indicators"] == 423
    assert listed[1].title["fr"].startswith("EAU")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aïssata Maïga", "Aissata Maiga"),
        ("Moussa Traoré", "Moussa Traore"),
        ("محمد ولد عبد القادر", "Mhmd Wld 'Bd Lqdr"),
        ("Hamadoun  Cissé\t", "Hamadoun Cisse"),
        ("Ségou Or & Métaux", "Segou Or Metaux"),
    ],
)
def test_goaml_ascii_examples(name: str, expected: str) -> None:
    assert goaml_ascii(name) == expected
    assert transliterate_name(name).changed == (name != expected)


UAE_NAME = re.compile(r"[a-zA-Z0-9 .'-]*")
LK_NAME = re.compile(r"([A-Za-z]+( [A-Za-z]+)+)|([A-Za-z]+)")


@given(st.text(max_size=60))
def test_goaml_ascii_always_matches_the_uae_name_pattern(name: str) -> None:
    result = goaml_ascii(name)
    assert UAE_NAME.fullmatch(result)
    assert result == result.strip() and "  " not in result
    assert goaml_ascii(result) == result  # idempotent


@given(st.text(max_size=60))
def test_goaml_ascii_always_matches_the_sri_lanka_name_pattern(name: str) -> None:
    result = goaml_ascii(name, load_profile("lk-2.0").name_characters)
    assert result == "" or LK_NAME.fullmatch(result)


@given(st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Zs")), max_size=30))
def test_transliterated_names_pass_the_fixed_schema(name: str) -> None:
    result = goaml_ascii(name) or "X"
    data = (
        (SAMPLES / "uae_str_valid.xml")
        .read_bytes()
        .replace(b"<first_name>Aissata<", f"<first_name>{result}<".encode())
    )
    assert load_profile("uae-5.0.2").schema.validate(etree.fromstring(data).getroottree())
