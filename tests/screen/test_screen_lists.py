"""List loaders against the real public files: counts and values checked by hand in the files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from moneytrail.errors import BadInputError, UsageError
from moneytrail.screen.entry import iso_partial
from moneytrail.screen.lists import detect_format, load_list

S = "sanctions"


@pytest.mark.parametrize(
    ("rel", "fmt", "source", "count", "published"),
    [
        ("un/UN_consolidated_2026-02-27.xml", "un", "un", 1003, date(2026, 2, 27)),
        ("ofac_sdn_2021/sdn.csv", "ofac_csv", "ofac_sdn", 8976, None),
        ("ofac_sdn_2024/sdn_2024-05-02.csv", "ofac_csv", "ofac_sdn", 14973, date(2024, 5, 2)),
        ("ofac_sdn_2024/sdn_2024-05-03.csv", "ofac_csv", "ofac_sdn", 14965, date(2024, 5, 3)),
        ("ofac_consolidated_nonsdn/cons_prim.csv", "ofac_csv", "ofac_cons", 442, None),
        (
            "ofac_xml/ofac_consolidated_nonsdn_full.xml",
            "ofac_xml",
            "ofac_sdn",
            445,
            date(2023, 3, 8),
        ),
        ("ofac_xml/ofac_sdn_xml_sample_2020.xml", "ofac_xml", "ofac_sdn", 8, date(2020, 4, 22)),
        ("uk/hmt_conlist_full_2018.csv", "uk_hmt", "uk_hmt", 2106, date(2018, 4, 13)),
        ("uk/hmt_conlist_sample_2020.csv", "uk_hmt", "uk_hmt", 6, date(2020, 4, 27)),
        ("eu/eu_fsf_xml_sample_2020.xml", "eu_xml", "eu", 6, date(2020, 4, 15)),  # 7, 5468 twice
        ("eu/eu_fsf_csv_partial_2018.csv", "eu_csv", "eu", 93, date(2018, 7, 4)),
    ],
)
def test_real_lists_load_with_exact_counts(
    shared_data: Path, rel: str, fmt: str, source: str, count: int, published: date | None
) -> None:
    path = shared_data / S / rel
    assert detect_format(path) == fmt
    result = load_list(path)
    assert (result.fmt, result.source, len(result.entries), result.published) == (
        fmt,
        source,
        count,
        published,
    )
    assert len(result.by_id()) == count  # ids are unique within a list
    assert all(e.names for e in result.entries)


def test_un_split_people_and_entities_and_keep_arabic(shared_data: Path) -> None:
    result = load_list(shared_data / S / "un/UN_consolidated_2026-02-27.xml")
    kinds = [e.schema for e in result.entries]
    assert (kinds.count("Person"), kinds.count("Organization")) == (730, 273)
    ghali = result.by_id()["QDi.316"]
    assert ghali.names == ("IYAD AG GHALI", "اياد اغ غالي", "Sidi Mohamed Arhali")
    assert ghali.birth_dates == ("1958",)
    assert ghali.nationalities == ("ML",)
    assert ("Passport", "A1037434") in ghali.identifiers
    assert ghali.listed_on == "2013-02-25"
    assert ghali.programs == ("Al-Qaida",)


def test_ofac_2021_merges_alt_add_and_remarks(shared_data: Path) -> None:
    entries = load_list(shared_data / S / "ofac_sdn_2021/sdn.csv").by_id()
    djibo = entries["32391"]
    # alt.csv gives the first two aliases, the remarks' a.k.a. the rest
    assert djibo.names[:3] == (
        "DJIBO, Ousmane Illiassou",
        "KOUNOU, Ousmane Illasou",
        "DJIBO, Halid Illiassou",
    )
    assert "TCHAPORI, Petit" in djibo.names
    assert (djibo.birth_dates, djibo.nationalities) == (("1984",), ("NE",))
    assert set(djibo.countries) == {"ML", "NE"}
    zawahiri = entries["2676"]
    assert zawahiri.birth_dates == ("1951-06-19",)
    assert zawahiri.identifiers == (("Passport", "1084010"), ("Passport", "19820215"))
    assert entries["36"].schema == "Organization" and entries["36"].programs == ("CUBA",)


def test_uk_groups_rows_into_one_entry(shared_data: Path) -> None:
    entry = load_list(shared_data / S / "uk/hmt_conlist_full_2018.csv").by_id()["13349"]
    assert "Sheikh Farooq AL-QAHTANI" in entry.names
    assert entry.birth_dates == ("1980", "1981")  # 00/00/1980 and 00/00/1981 rows
    assert entry.nationalities == ("SA", "QA")


def test_ofac_xml_and_eu_xml_fields(shared_data: Path) -> None:
    saeed = load_list(shared_data / S / "ofac_xml/ofac_sdn_xml_sample_2020.xml").by_id()["10689"]
    assert saeed.names[0] == "Muhammad SAEED" and saeed.birth_dates == ("1950-06-05",)
    assert ("National ID No.", "23250460642") in saeed.identifiers
    eu = load_list(shared_data / S / "eu/eu_fsf_xml_sample_2020.xml").by_id()["5295"]
    assert eu.names[:2] == ("Abid Hammadou", "Abdelhamid Abou Zeid")
    assert eu.birth_dates == ("1965-12-12", "1958") and eu.nationalities == ("DZ",)


def test_custom_csv_and_xlsx(tmp_path: Path) -> None:
    rows = [
        ["id", "nom", "schema", "aliases", "birth_date", "nationality", "identifiers"],
        [
            "ML-1",
            "Amadou Ould Sidi",
            "personne",
            "Hamadou Uld Sidi|Amadou Sidi",
            "1970-03",
            "Mali",
            "nina:123",
        ],
        ["ML-2", "Ets Baba et Frères SARL", "organisation", "", "", "", ""],
    ]
    csv_path = tmp_path / "liste.csv"
    csv_path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    book = Workbook()
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    xlsx_path = tmp_path / "liste.xlsx"
    book.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        result = load_list(path)
        assert (result.fmt, result.source, len(result.entries)) == ("custom", "custom", 2)
        first = result.entries[0]
        assert first.names == ("Amadou Ould Sidi", "Hamadou Uld Sidi", "Amadou Sidi")
        assert (first.birth_dates, first.nationalities, first.identifiers) == (
            ("1970-03",),
            ("ML",),
            (("nina", "123"),),
        )
        assert result.entries[1].schema == "Organization"


def test_custom_xlsx_reads_date_and_number_cells_as_typed(tmp_path: Path) -> None:
    """A birth date in a date cell (a date at midnight) and a passport number in a number
    cell: the list loads, with the date and the number as the user typed them (the date cell
    refused the whole list before)."""
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "nom", "birth_date", "identifiers"])
    sheet.append(["ML-1", "Amadou Ould Sidi", datetime(1970, 3, 1), 123456.0])
    path = tmp_path / "liste.xlsx"
    book.save(path)
    entry = load_list(path).entries[0]
    assert entry.birth_dates == ("1970-03-01",)
    assert entry.identifiers == (("id", "123456"),)


def test_ftm_lines_keep_only_screenable_entities(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(
        '{"id": "p1", "schema": "Person", "properties": {"name": ["Iyad Ag Ghali"], '
        '"alias": ["Abou Fadl"], "birthDate": ["1958"], "nationality": ["ml"], '
        '"passportNumber": ["A1037434"]}}\n'
        '{"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"]}}\n'
        '{"id": "c1", "schema": "Company", "properties": {"name": ["Sahel Or SARL"]}}\n',
        encoding="utf-8",
    )
    result = load_list(path)
    assert result.fmt == "ftm" and [e.entry_id for e in result.entries] == ["p1", "c1"]
    person = result.entries[0]
    assert person.names == ("Iyad Ag Ghali", "Abou Fadl")
    assert person.nationalities == ("ML",) and person.identifiers == (
        ("passportNumber", "A1037434"),
    )
    assert result.entries[1].schema == "Organization"


def test_bad_inputs_are_refused_with_location(tmp_path: Path) -> None:
    broken = tmp_path / "un.xml"
    broken.write_text(
        '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n', encoding="utf-8"
    )
    with pytest.raises(BadInputError) as err:
        load_list(broken)
    assert err.value.problems[0].code == "xml_malformed"
    custom = tmp_path / "c.csv"
    custom.write_text("id,name,birth_date\nA,Ali Baba,1970\nB,,1980\n", encoding="utf-8")
    with pytest.raises(BadInputError) as err:
        load_list(custom)
    assert err.value.render("en").splitlines()[1] == f"{custom}:3: name: required field is empty"
    custom.write_text("id,name,birth_date\nA,Ali Baba,hier\n", encoding="utf-8")
    with pytest.raises(BadInputError) as err:
        load_list(custom)
    assert (err.value.problems[0].line, err.value.problems[0].field) == (2, "birth_date")
    with pytest.raises(BadInputError):
        load_list(tmp_path / "absent.csv")
    with pytest.raises(UsageError):
        load_list(custom, fmt="nope")
    sdn = tmp_path / "sdn.csv"
    sdn.write_text('1,"A B","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n2,"C"\n')
    with pytest.raises(BadInputError) as err:
        load_list(sdn, fmt="ofac_csv")
    assert err.value.problems[0].line == 2


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("10 Dec 1948", "1948-12-10"),
        ("Mar 1965", "1965-03"),
        ("00/00/1980", "1980"),
        ("31/02/1970", "1970-02"),
        ("x", None),
    ],
)
def test_iso_partial(raw: str, iso: str | None) -> None:
    assert iso_partial(raw) == iso


def test_eu_csv_groups_fact_rows(shared_data: Path) -> None:
    entries = load_list(shared_data / S / "eu/eu_fsf_csv_partial_2018.csv").by_id()
    aqim = entries["481"]
    assert aqim.schema == "Organization" and {"AQMI", "AQIM"} <= set(aqim.names)
    assert not any("??" in n for n in aqim.names)  # names whose letters were lost are dropped
    assert {"DZ", "ML", "MR"} <= set(aqim.countries)
    mugabe = entries["1"]
    assert mugabe.names == ("Robert Gabriel Mugabe",) and mugabe.birth_dates == ("1924-02-21",)
