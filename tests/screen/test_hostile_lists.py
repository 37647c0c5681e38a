"""Hostile sanctions list files and options, driven through the CLI in-process.

Each story starts from a workspace holding the real UN sample (7 people) and throws one damaged
or hostile input at ``lists load`` / ``lists diff`` / ``screen``. The promise checked every time:
a clear refusal (exit 3 naming ``file:line: reason``, or a usage error, exit 2), never a crash,
and afterwards the stored list versions are exactly as before and screening still finds a
listed person. The damaged files are built inside the tests from the real public samples.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from moneytrail.errors import BadInputError
from moneytrail.screen.formats.un import load_un
from moneytrail.screen.lists import load_list
from moneytrail.screen.settings import ScreenSettings, SettingsError
from moneytrail.screen.store import save_list
from moneytrail.workspace import Workspace

UN_SAMPLE = "sanctions/un/unsc_sample_2024.xml"
LISTED = ("JABER ABDALLAH JABER AHMAD AL-JALAHMAH", "QDi.237")  # first person of the UN sample


@pytest.fixture
def un_workspace(cli: Any, tmp_path: Path, shared_data: Path) -> Path:
    """A workspace holding the 7-person UN sample as its only list version."""
    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    loaded = cli("lists", "load", "-w", folder, shared_data / UN_SAMPLE, "--json")
    assert loaded.code == 0, loaded.err
    return folder


def _versions(cli: Any, folder: Path) -> list[dict[str, Any]]:
    shown = cli("lists", "show", "-w", folder, "--json")
    assert shown.code == 0, shown.err
    versions: list[dict[str, Any]] = shown.json()["versions"]
    return versions


def _assert_untouched(cli: Any, folder: Path, before: list[dict[str, Any]]) -> None:
    """The refusal stored nothing, and the listed person is still found."""
    assert _versions(cli, folder) == before
    screened = cli("screen", LISTED[0], "-w", folder, "--json")
    assert screened.code == 0, screened.err
    hits = screened.json()["hits"]
    assert hits and hits[0]["entry_id"] == LISTED[1] and hits[0]["match"] is True


def _refused(cli: Any, folder: Path, path: Path, *options: str) -> str:
    """Load ``path``, expect a refusal with exit code 3, return stderr."""
    before = _versions(cli, folder)
    result = cli("--lang", "en", "lists", "load", "-w", folder, path, *options)
    assert result.code == 3, (result.code, result.out, result.err)
    assert "Internal" not in result.err and "file refused, nothing was loaded" in result.err
    _assert_untouched(cli, folder, before)
    return str(result.err)


def _un_with_people(shared_data: Path, keep: int, path: Path) -> Path:
    """The UN sample keeping its first ``keep`` people, dated a day later (a new version)."""
    root = etree.parse(str(shared_data / UN_SAMPLE)).getroot()
    root.set("dateGenerated", "2024-10-18T00:00:00.000Z")
    people = root.find("INDIVIDUALS")
    assert people is not None
    for person in list(people)[keep:]:
        people.remove(person)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def _insert(data: bytes, marker: bytes, extra: bytes, occurrence: int = 1) -> bytes:
    position = -1
    for _ in range(occurrence):
        position = data.index(marker, position + 1)
    position += len(marker)
    return data[:position] + extra + data[position:]


def _line_of(data: bytes, marker: bytes, occurrence: int = 1) -> int:
    position = -1
    for _ in range(occurrence):
        position = data.index(marker, position + 1)
    return data.count(b"\n", 0, position) + 1


# --- 1. Damaged bytes and truncated files: refused at their line, never an internal error ---


def test_un_list_with_invalid_utf8_in_a_name_is_refused_at_its_line(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    data = (shared_data / UN_SAMPLE).read_bytes()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_insert(data, b"<FIRST_NAME>MOHAMMAD", b"\xff\xfe"))
    err = _refused(cli, un_workspace, bad)
    line = _line_of(data, b"<FIRST_NAME>MOHAMMAD")
    assert f"{bad}:{line}: byte 0xFF is not valid UTF-8 (column 29)" in err


@pytest.mark.parametrize(
    ("rel", "marker", "occurrence"),
    [
        ("sanctions/eu/eu_fsf_xml_sample_2020.xml", b'wholeName="', 2),
        ("sanctions/ofac_xml/ofac_sdn_xml_sample_2020.xml", b"<lastName>", 3),
        ("sanctions/uk/hmt_conlist_sample_2020.csv", b"HUBARIEVA,", 1),  # UTF-8 with Arabic
    ],
)
def test_every_list_loader_names_the_damaged_byte(
    cli: Any,
    un_workspace: Path,
    shared_data: Path,
    tmp_path: Path,
    rel: str,
    marker: bytes,
    occurrence: int,
) -> None:
    data = (shared_data / rel).read_bytes()
    bad = tmp_path / Path(rel).name
    bad.write_bytes(_insert(data, marker, b"\xc3(", occurrence))  # a cut two-byte character
    err = _refused(cli, un_workspace, bad)
    assert f"{bad}:{_line_of(data, marker, occurrence)}: byte 0xC3 is not valid UTF-8" in err


def test_cp1252_list_with_a_byte_cp1252_lacks_is_refused_at_its_line(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    data = (shared_data / "sanctions/eu/eu_fsf_csv_partial_2018.csv").read_bytes()
    bad = tmp_path / "eu.csv"
    bad.write_bytes(_insert(data, b"Qoussa", b"\x81"))
    err = _refused(cli, un_workspace, bad)
    assert f"{bad}:{_line_of(data, b'Qoussa')}: byte 0x81 is not valid CP1252" in err


def test_truncated_un_list_is_refused_at_the_cut(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    data = (shared_data / UN_SAMPLE).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: len(data) // 2])
    err = _refused(cli, un_workspace, cut)
    assert f"{cut}:" in err and "malformed or truncated XML" in err


def test_ofac_csv_cut_inside_a_record_is_refused_not_shortened(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / "sanctions/ofac_sdn_2024/sdn_2024-05-02.csv").read_bytes()
    kept = lines.split(b"\n")[:60]
    last = next(i for i in range(50, 60) if kept[i].endswith(b'"\r'))
    cut = tmp_path / "sdn_2024-05-02.csv"
    cut.write_bytes(b"\n".join(kept[:last]) + b"\n" + kept[last][:-8])  # in the remarks' quote
    err = _refused(cli, un_workspace, cut)
    assert f"{cut}:{last + 1}: unreadable CSV record" in err and "quote" in err


# --- 2. A forced format the file does not look like ---


def test_eu_list_forced_as_un_is_refused_naming_what_it_looks_like(
    cli: Any, un_workspace: Path, shared_data: Path
) -> None:
    eu = shared_data / "sanctions/eu/eu_fsf_xml_sample_2020.xml"
    err = _refused(cli, un_workspace, eu, "--format", "un")
    assert f"{eu}:1: this file does not look like the 'un' format" in err
    assert "it looks like 'eu_xml'" in err
    french = cli("--lang", "fr", "lists", "load", "-w", un_workspace, eu, "--format", "un")
    assert french.code == 3 and "il ressemble au format « eu_xml »" in french.err
    with pytest.raises(BadInputError):  # the loader itself checks its root element too
        load_un(eu)


def test_unknown_file_forced_as_a_format_is_refused(
    cli: Any, un_workspace: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_text("hello,world\n1,2\n", encoding="utf-8")
    err = _refused(cli, un_workspace, junk, "--format", "ofac_csv")
    assert "nor like any known list format (it starts with 'hello,world')" in err


# --- 3. Empty lists, lists that lose most entries, and the counts of every load ---


def test_list_with_zero_entries_is_refused(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    empty = _un_with_people(shared_data, 0, tmp_path / "empty.xml")
    err = _refused(cli, un_workspace, empty)
    assert f"{empty}: the list holds no entry" in err
    ad_hoc = cli("--lang", "en", "screen", LISTED[0], "--list", empty)
    assert ad_hoc.code == 3 and "no entry" in ad_hoc.err


def test_version_dropping_most_entries_needs_force(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    shrunk = _un_with_people(shared_data, 1, tmp_path / "shrunk.xml")
    err = _refused(cli, un_workspace, shrunk)
    assert "would remove 6 of the 7 entries of the stored list 'un' (1 would remain)" in err
    assert "--force" in err
    forced = cli("lists", "load", "-w", un_workspace, shrunk, "--force", "--json")
    assert forced.code == 0, forced.err
    assert forced.json()["counts"] == {"added": 0, "removed": 6, "changed": 0}
    assert [v["entry_count"] for v in _versions(cli, un_workspace)] == [1, 7]


def test_version_keeping_half_is_accepted_and_counted(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    half = _un_with_people(shared_data, 4, tmp_path / "half.xml")  # removes 3 of 7
    text = cli("--lang", "en", "lists", "load", "-w", un_workspace, half)
    assert text.code == 0, text.err
    assert "Compared with the previous version: 0 added, 3 removed, 0 changed" in text.out


def test_every_load_reports_its_counts(cli: Any, tmp_path: Path, shared_data: Path) -> None:
    folder = tmp_path / "ws"
    Workspace.init(folder).close()
    un = shared_data / UN_SAMPLE
    first = cli("--lang", "en", "lists", "load", "-w", folder, un)
    assert first.code == 0, first.err
    assert "First version of the list 'un': 7 added, 0 removed, 0 changed" in first.out
    again = cli("lists", "load", "-w", folder, un, "--json").json()
    assert again["created"] is False
    assert again["counts"] == {"added": 0, "removed": 0, "changed": 0}
    other = tmp_path / "other"
    Workspace.init(other).close()
    data = cli("lists", "load", "-w", other, un, "--json").json()
    assert data["counts"] == {"added": 7, "removed": 0, "changed": 0}
    assert sorted(data["diff"]["added"]) == sorted(e.entry_id for e in load_list(un).entries)


def test_library_save_list_refuses_a_shrinking_version_unless_forced(
    tmp_path: Path, shared_data: Path
) -> None:
    shrunk = _un_with_people(shared_data, 2, tmp_path / "shrunk.xml")
    un = shared_data / UN_SAMPLE
    with Workspace.init(tmp_path / "ws") as ws:
        save_list(ws.engine, load_list(un), un)
        with pytest.raises(BadInputError) as refused:
            save_list(ws.engine, load_list(shrunk), shrunk)
        assert refused.value.problems[0].params["removed"] == 5
        saved = save_list(ws.engine, load_list(shrunk), shrunk, force=True)
        assert saved.created and len(saved.diff.removed) == 5


# --- 4. Thresholds and the other numeric options ---


@pytest.mark.parametrize("value", ["80", "nan", "inf", "1.5", "-0.1"])
def test_threshold_outside_zero_one_is_a_usage_error(
    cli: Any, shared_data: Path, value: str
) -> None:
    un = shared_data / UN_SAMPLE
    english = cli("--lang", "en", "screen", LISTED[0], "--list", un, f"--threshold={value}")
    assert english.code == 2, english.out
    assert "--threshold:" in english.err and "(e.g. 0.8, not 80)" in english.err
    french = cli("--lang", "fr", "screen", LISTED[0], "--list", un, f"--threshold={value}")
    assert french.code == 2 and "(par ex. 0.8, pas 80)" in french.err


def test_exact_listed_name_is_a_match_at_a_valid_threshold(cli: Any, shared_data: Path) -> None:
    un = shared_data / UN_SAMPLE
    result = cli("screen", LISTED[0], "--list", un, "--threshold", "0.6", "--json")
    assert result.code == 0, result.err
    assert result.json()["hits"][0]["match"] is True


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("threshold = 80\n", "s.toml: threshold: '80' is not accepted"),
        ("threshold = nan\n", "s.toml: threshold: 'nan' is not accepted"),
        ("[screen]\nmax_results = 0\n", "max_results: '0' is not accepted"),
        ("threshold = 0.6\nreview_threshold = 0.9\n", "review_threshold (0.9) is above"),
        ("threshold = [\n", "malformed settings file"),
        ("threshold = true\n", "threshold: 'True' is not accepted"),
    ],
)
def test_settings_file_with_bad_values_is_a_usage_error(
    cli: Any, shared_data: Path, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "s.toml"
    path.write_text(content, encoding="utf-8")
    un = shared_data / UN_SAMPLE
    result = cli("--lang", "en", "screen", LISTED[0], "--list", un, "--settings", path)
    assert result.code == 2, result.out
    assert expected in result.err


def test_review_threshold_follows_a_low_threshold_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("threshold = 0.6\n", encoding="utf-8")
    chosen = ScreenSettings.from_file(path)
    assert (chosen.threshold, chosen.review_threshold) == (0.6, 0.6)


def test_missing_settings_file_is_a_usage_error(cli: Any, shared_data: Path) -> None:
    un = shared_data / UN_SAMPLE
    result = cli("--lang", "en", "screen", LISTED[0], "--list", un, "--settings", "absent.toml")
    assert result.code == 2 and "absent.toml: cannot read the settings file" in result.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("screen", "parties", "--workers", "100000"), "--workers"),
        (("screen", LISTED[0], "--dob", "banana"), "--dob: 'banana' is not a date"),
        (("screen", LISTED[0], "--country", "Atlantis"), "--country: unknown country"),
        (("screen", LISTED[0], "--schema", "person-ish"), "--schema: 'person-ish'"),
        (("screen", "???"), "holds no letter and no digit"),
        (("screen", "x" * 1001), "1001 characters"),
        (("screen", "matches", "--status", "cleared"), "--status: unknown status 'cleared'"),
    ],
)
def test_other_screen_options_are_checked(
    cli: Any, un_workspace: Path, args: tuple[str, ...], expected: str
) -> None:
    result = cli("--lang", "en", *args, "-w", un_workspace)
    assert result.code == 2, (result.out, result.err)
    assert expected in result.err


def test_cross_validation_folds_are_bounded(cli: Any, tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("schema,name1,name2,is_match\nPerson,A B,A B,1\n", encoding="utf-8")
    result = cli("screen", "evaluate-names", cases, "--cv", "1000000")
    assert result.code == 2 and "--cv" in result.err


FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, 1.0, 80.0])


@given(FLOATS)
def test_settings_accept_a_threshold_iff_finite_in_zero_one(value: float) -> None:
    valid = math.isfinite(value) and 0 <= value <= 1
    try:
        chosen = ScreenSettings().with_threshold(value)
    except SettingsError as refused:
        assert not valid
        assert refused.exit_code == 2 and "0.8, not 80" in refused.render("en")
    else:
        assert valid and chosen.threshold == value
        assert chosen.review_threshold <= chosen.threshold  # every match is also shown
    for build in (
        lambda: ScreenSettings.from_mapping({"threshold": value, "review_threshold": 0}),
        lambda: ScreenSettings(review_threshold=0).replace(threshold=value),
    ):
        try:
            assert build().threshold == value and valid
        except SettingsError:
            assert not valid


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.floats(allow_nan=True, allow_infinity=True).filter(
        lambda v: not (math.isfinite(v) and 0 <= v <= 1)
    )
)
def test_cli_refuses_any_threshold_outside_zero_one(
    cli: Any, shared_data: Path, value: float
) -> None:
    result = cli("screen", LISTED[0], "--list", shared_data / UN_SAMPLE, f"--threshold={value!r}")
    assert result.code == 2 and "--threshold" in result.err


# --- 5. Hostile content: names, headers, ids, JSON ---


def _custom(tmp_path: Path, text: str, name: str = "watch.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,nom,name\nW1,Iyad Ag Ghali,Other\n", ":1: column 'name' appears twice"),
        ("id,name\nW1,Ag Ghali, Iyad\n", ":2: unexpected number of columns"),
        ('id,name\nW1,"Iyad Ag Ghali\nW2,Amadou Koufa"\n', ":2: name: line break inside"),
        ('id,name\nW1,"Iyad Ag Ghali', ":2: unreadable CSV record"),
        ("id,name\nW1,\x01\x02\n", ":2: name: entry W1 has no name holding a letter"),
        ("id,name,aliases\nW1,???,---\n", ":2: name: entry W1 has no name"),
        ("id,name\nW1,Iyad Ag Ghali\nW2," + "A" * 1_000_000 + "\n", ":3: name: a name of entry W2"),
    ],
)
def test_hostile_custom_lists_are_refused_at_their_line(
    cli: Any, un_workspace: Path, tmp_path: Path, text: str, expected: str
) -> None:
    path = _custom(tmp_path, text)
    err = _refused(cli, un_workspace, path)
    assert f"{path}{expected}" in err


def test_control_characters_in_names_are_read_as_spaces(
    cli: Any, un_workspace: Path, tmp_path: Path
) -> None:
    path = _custom(tmp_path, "id,name,aliases\nW1,Iyad\x00Ag\x1bGhali,???|Abou\x7fFadl\n")
    loaded = cli("lists", "load", "-w", un_workspace, path, "--list-id", "watch", "--json")
    assert loaded.code == 0, loaded.err
    assert load_list(path).entries[0].names == ("Iyad Ag Ghali", "Abou Fadl")
    hit = cli("screen", "Iyad Ag Ghali", "-w", un_workspace, "--json").json()["hits"][0]
    assert (hit["entry_id"], hit["score"]) == ("W1", 1.0)


def test_repeated_ids_in_an_official_list_are_merged(
    cli: Any, un_workspace: Path, tmp_path: Path
) -> None:
    sdn = tmp_path / "sdn.csv"
    row = '{n},"{name}","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    sdn.write_text(row.format(n=1, name="AG GHALI, Iyad") + row.format(n=1, name="ARHALI, Sidi"))
    loaded = cli("lists", "load", "-w", un_workspace, sdn, "--json")
    assert loaded.code == 0 and loaded.json()["entries"] == 1
    hit = cli("screen", "Sidi Arhali", "-w", un_workspace, "--json").json()["hits"][0]
    assert hit["entry_id"] == "1"


def test_ofac_csv_with_a_wrong_column_count_is_refused(
    cli: Any, un_workspace: Path, tmp_path: Path
) -> None:
    sdn = tmp_path / "sdn.csv"
    good = '1,"AG GHALI, Iyad","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    sdn.write_text(good + '2,"KOUFA, Amadou","individual","SDGT",-0- \n')
    assert f"{sdn}:2: unexpected number of columns (5 != 12)" in _refused(cli, un_workspace, sdn)


def test_uk_row_with_shifted_columns_is_refused(
    cli: Any, un_workspace: Path, shared_data: Path, tmp_path: Path
) -> None:
    data = (shared_data / "sanctions/uk/hmt_conlist_sample_2020.csv").read_bytes()
    bad = tmp_path / "uk.csv"
    bad.write_bytes(data.replace(b"HUBARIEVA,Kateryna", b"HUBARIEVA,Kateryna,Extra", 1))
    line = _line_of(data, b"HUBARIEVA,Kateryna")
    assert f"{bad}:{line}: unexpected number of columns (37 != 36)" in _refused(
        cli, un_workspace, bad
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Date_filexxxx"\n"2018-01-01"\n', ":1: required column missing"),
    ],
)
def test_eu_csv_without_its_columns_is_refused(
    cli: Any, un_workspace: Path, tmp_path: Path, text: str, expected: str
) -> None:
    path = _custom(tmp_path, text, "eu.csv")
    assert f"{path}{expected}" in _refused(cli, un_workspace, path)


FTM_GOOD = '{"id": "p1", "schema": "Person", "properties": {"name": ["Iyad Ag Ghali"]}}'


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "x", "schema": "Nope", "properties": {}}', ":2: schema: invalid value"),
        ('{"id": 7, "schema": "Person", "properties": {"name": ["A B"]}}', ":2: id: required"),
        ('{"id": "x", "schema": "Person", "properties": {}}', ":2: name: entry x has no name"),
        ("[" * 100_000 + "]" * 100_000, ":2: json: invalid value"),
        ("[1, 2]", ":2: json: invalid value"),
    ],
)
def test_hostile_ftm_lines_are_refused(
    cli: Any, un_workspace: Path, tmp_path: Path, line: str, expected: str
) -> None:
    path = _custom(tmp_path, f"{FTM_GOOD}\n{line}\n", "entities.ftm.json")
    assert f"{path}{expected}" in _refused(cli, un_workspace, path)


def test_lists_diff_refuses_hostile_files_too(cli: Any, shared_data: Path, tmp_path: Path) -> None:
    un = shared_data / UN_SAMPLE
    empty = _un_with_people(shared_data, 0, tmp_path / "empty.xml")
    result = cli("--lang", "en", "lists", "diff", un, empty, "--json")
    assert result.code == 3 and "no entry" in result.err
    half = _un_with_people(shared_data, 3, tmp_path / "half.xml")
    diff = cli("lists", "diff", un, half, "--json").json()
    assert diff["counts"] == {"added": 0, "removed": 4, "changed": 0}


def test_a_damaged_custom_xlsx_list_is_refused(tmp_path: Path, cli: Any) -> None:
    """openpyxl's parse error on a cut sheet used to end in an internal error."""
    import zipfile

    from openpyxl import Workbook

    good = tmp_path / "liste.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "schema"])
    sheet.append(["X1", "Amadou Koufa", "Person"])
    book.save(good)
    damaged = tmp_path / "abimee.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:100] if info.filename.endswith("sheet1.xml") else data)
    Workspace.init(tmp_path / "ws").close()
    result = cli(
        "--lang", "en", "lists", "load", "-w", tmp_path / "ws", damaged, "--format", "custom"
    )
    assert result.code == 3, result.err
    assert "Internal" not in result.err
