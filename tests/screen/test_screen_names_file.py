"""``moneytrail screen --names FILE``: a CSV/XLSX of names screened without a workspace."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from moneytrail.api.screening import screen_name, screen_names_file
from moneytrail.screen.scorer import SCORER_VERSION

WATCHLIST = [
    "QDi.425,Amadou Koufa,Person,1958,ML",
    "QDi.316,Iyad Ag Ghali,Person,1958,ML",
    "QDe.135,Ansar Eddine,Organization,,ML",
]
KYC = (
    "Réf client;Nom complet;Date de naissance;Nationalité;Type\n"
    "C001;Iyad Ag Ghaly;1958;Mali;personne\n"
    "C002;Mamadou Traoré;12/03/1980;ML;personne\n"
    "C003;Amadou Kouffa;;MLI;personne\n"
    "\n"
    "C004;Ansar Edine;;;entreprise\n"
    "C005;Awa Diallo;1990-05-02;Sénégal;personne\n"
    'C006;=HYPERLINK("http://x");;;\n'
)


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "liste.csv"
    rows = "\n".join(WATCHLIST)
    path.write_text(f"id,name,schema,birth_date,nationality\n{rows}\n", "utf-8")
    return path


def _kyc(tmp_path: Path, text: str = KYC, encoding: str = "utf-8") -> Path:
    path = tmp_path / "clients.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_french_headers_hits_facts_and_every_row(cli: Any, tmp_path: Path, watchlist: Path) -> None:
    out = tmp_path / "résultats.csv"
    done = cli(
        "screen", "--names", _kyc(tmp_path, encoding="cp1252"), "--list", watchlist,
        "--out", out, "--all", "--json",
    )  # fmt: skip
    assert done.code == 0, done.err
    summary = done.json()
    assert (summary["rows"], summary["rows_with_hits"]) == (6, 3)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    by_ref = {}
    for line in lines:
        by_ref.setdefault(line["ref"], []).append(line)
    assert [r["entry_id"] for r in by_ref["C001"]] == ["QDi.316"]
    first = by_ref["C001"][0]
    assert first["line"] == "2" and first["status"] == "match"
    assert "dob_match" in first["reasons"] and "country_match" in first["reasons"]
    assert by_ref["C003"][0]["entry_id"] == "QDi.425"  # ISO3 country read
    assert by_ref["C004"][0]["entry_id"] == "QDe.135" and by_ref["C004"][0]["line"] == "6"
    assert by_ref["C005"][0]["status"] == "no_hit"  # every row proved screened
    assert by_ref["C006"][0]["name"].startswith("'=")  # a formula is written as text
    assert json.loads(first["explanation"])["version"] == SCORER_VERSION


def test_a_row_scores_as_the_same_name_screened_alone(tmp_path: Path, watchlist: Path) -> None:
    out = tmp_path / "out.jsonl"
    screen_names_file(_kyc(tmp_path), out, lists=[watchlist])
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    row = next(x for x in lines if x["ref"] == "C001")
    alone = screen_name("Iyad Ag Ghaly", [watchlist], dob="1958", countries=["ML"], schema="person")
    assert (row["entry_id"], row["score"]) == (alone.hits[0].entry_id, alone.hits[0].score)
    assert row["explanation"] == alone.hits[0].explanation


def test_bad_rows_refuse_the_file_with_line_and_field(
    cli: Any, tmp_path: Path, watchlist: Path
) -> None:
    bad = KYC + "C007;Ousmane Cissé;31/31/1970;Atlantide;robot\nC008;;1970;;\n"
    out = tmp_path / "out.csv"
    refused = cli("--lang", "en", "screen", "--names", _kyc(tmp_path, bad), "--list", watchlist,
                  "--out", out)  # fmt: skip
    assert refused.code == 3
    assert "nothing was screened" in refused.err
    for where in (":9: dob", ":9: country", ":9: kind", ":10: name"):
        assert where in refused.err, where
    assert "Traceback" not in refused.err and not out.exists()


def test_columns_named_and_xlsx_with_arabic_script(tmp_path: Path, watchlist: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Matr.", "Titulaire du compte", "Pays"])
    sheet.append(["M1", "Iyad Ag Ghali", "ML"])
    sheet.append(["M2", "إياد أغ غالي", None])
    path = tmp_path / "beneficiaires.xlsx"
    book.save(path)
    out = tmp_path / "out.jsonl"
    done = screen_names_file(
        path, out, lists=[watchlist], columns={"name": "Titulaire du compte", "id": "Matr."}
    )
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert done.rows == 2 and {x["ref"] for x in lines} == {"M1", "M2"}
    assert next(x for x in lines if x["ref"] == "M2")["name"] == "إياد أغ غالي"


def test_date_cells_of_a_workbook_are_dates_of_birth(tmp_path: Path, watchlist: Path) -> None:
    """Excel turns a typed 12/03/1958 into a date cell, which reads as a date at midnight: the
    row was refused as a badly written date of birth before (decision 0151 addendum)."""
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Réf", "Nom complet", "Date de naissance"])
    sheet.append(["C1", "Iyad Ag Ghaly", datetime(1958, 3, 12)])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    out = tmp_path / "out.jsonl"
    done = screen_names_file(path, out, lists=[watchlist])
    assert done.rows == 1
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert lines[0]["entry_id"] == "QDi.316"
    assert "dob_match" in json.dumps(lines[0], ensure_ascii=False)


def test_no_name_column_says_which_headers_it_accepts(
    cli: Any, tmp_path: Path, watchlist: Path
) -> None:
    path = _kyc(tmp_path, "a;b\n1;2\n")
    refused = cli("--lang", "fr", "screen", "file", path, "--list", watchlist, "--out",
                  tmp_path / "o.csv")  # fmt: skip
    assert refused.code == 2
    assert "aucune colonne de noms" in refused.err and "nomcomplet" in refused.err


def test_a_damaged_workbook_is_refused_not_a_traceback(tmp_path: Path, watchlist: Path) -> None:
    """A workbook whose part list is gone (openpyxl raised KeyError from zipfile) and one whose
    sheet is cut short are refused as unreadable workbooks, naming the file."""
    import zipfile

    from moneytrail.errors import BadInputError

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nom complet"])
    for n in range(50):
        sheet.append([f"Awa Diallo {n}"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    renamed, cut = tmp_path / "renamed.xlsx", tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for target, change in ((renamed, "rename"), (cut, "cut")):
        with zipfile.ZipFile(target, "w") as out:
            for name, data in parts.items():
                if change == "rename" and name == "[Content_Types].xml":
                    name = "[Content_Typez].xml"
                if change == "cut" and name.startswith("xl/worksheets/sheet"):
                    data = data[: len(data) // 2]
                out.writestr(name, data)
    for damaged in (renamed, cut):
        with pytest.raises(BadInputError) as refused:
            screen_names_file(damaged, tmp_path / "out.csv", lists=[watchlist])
        assert damaged.name in refused.value.render("fr")
        assert [p.code for p in refused.value.problems] == ["xlsx_unreadable"]
