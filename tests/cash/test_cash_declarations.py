"""Cross-border cash declarations: the template, its transactions, what is quarantined."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

from moneytrail.cash import keys
from moneytrail.cash.thresholds import threshold_for, zones
from moneytrail.ingest.cash_declarations import CashDeclarationReader
from moneytrail.ingest.registry import detect_reader
from moneytrail.workspace import Workspace
from tests.cash.support import load, problems, rows, write

SAMPLE = Path(str(resources.files("moneytrail") / "samples" / "declarations_especes_2024.csv"))
HEADER_EN = (
    "date,declaration_id,declarant,id_type,id_number,direction,border_post,country_from,"
    "country_to,amount,currency,origin,purpose,status"
)


def test_the_sample_is_detected_and_loaded_with_its_bad_rows_named(ws: Workspace) -> None:
    assert detect_reader(SAMPLE).name == "cash_declarations"
    out = load(ws, SAMPLE)
    assert out.status == "loaded" and out.format == "cash_declarations"
    assert out.rows_ok == 5 and out.rows_rejected == 2
    assert problems(out) == [
        (7, "country_to", "country_unknown"),
        (8, "direction", "value_invalid"),
    ]
    rendered = out.problems[1].render("fr")
    assert rendered.endswith(
        ":8: direction: valeur invalide « Aller-retour » (entry/entrée, exit/sortie)"
    )


def test_exit_moves_the_declarants_cash_into_transit_across_the_border(ws: Workspace) -> None:
    load(ws, SAMPLE)
    person = keys.person_key("passport:B1234567", None, "", "")
    got = rows(
        ws,
        "SELECT src_account_id, dst_account_id, amount, currency, src_country, dst_country,"
        " tx_type, reference, source_row FROM transactions WHERE ext_id = 'DD-ML-2024-0101'",
    )
    assert got == [
        (
            keys.cash_account(person),
            keys.transit_account(person),
            Decimal(4_900_000),
            "XOF",
            "ML",
            "NE",
            "border_cash_declaration",
            "exit @ Labbezanga | origin: vente de bétail | purpose: achat de marchandises",
            2,
        )
    ]
    holder = rows(
        ws,
        "SELECT p.name, a.kind FROM accounts a JOIN parties p ON p.id = a.holder_party_id"
        " WHERE a.id = ?",
        [keys.transit_account(person)],
    )
    assert holder == [("Hamadoun Cissé", "cash")]
    assert rows(ws, "SELECT count(*) FROM identifiers WHERE value = 'B1234567'") == [(1,)]


def test_a_seizure_ends_at_the_customs_post_and_an_entry_comes_out_of_transit(
    ws: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "decl.csv",
        [
            HEADER_EN,
            "2024-05-01 10:00,X1,Awa Traoré,passport,P1,entry,Kidira,SN,ML,3000000,XOF,,,declared",
            "2024-05-02 10:00,X2,Awa Traoré,passport,P1,exit,Kidira,ML,SN,9000000,XOF,,,seized",
        ],
    )
    out = load(ws, path)
    assert out.rows_ok == 2, problems(out)
    person = keys.person_key("passport:P1", None, "", "")
    got = dict(rows(ws, "SELECT ext_id, (src_account_id, dst_account_id) FROM transactions"))
    assert got["X1"] == (keys.transit_account(person), keys.cash_account(person))
    assert got["X2"] == (keys.cash_account(person), keys.seizure_account("Kidira"))


def test_bad_cells_are_quarantined_with_field_and_reason(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "decl.csv",
        [
            HEADER_EN,
            "2024-05-01 10:00,A,Awa,passport,P1,exit,Kidira,ML,SN,12.5,XOF,,,declared",
            "2024-13-01 10:00,B,Awa,passport,P1,exit,Kidira,ML,SN,100,XOF,,,declared",
            "2024-05-01 10:00,C,Awa,passport,P1,exit,Kidira,ML,ML,100,XOF,,,declared",
            "2024-05-01 10:00,D,,passport,P1,exit,Kidira,ML,SN,100,XOF,,,declared",
            "2024-05-01 10:00,E,Awa,passport,P1,exit,Kidira,ML,SN,100,XOF,,,perdu",
            "2024-05-01 10:00,F,Awa,passport,P1,exit,Kidira,ML,SN,-100,XOF,,,declared",
            "2024-05-01 10:00,G,Awa,passport,P1,exit,Kidira,ML,SN,100,XOF,,,declared",
        ],
    )
    out = load(ws, path)
    assert problems(out) == [
        (2, "amount", "amount_too_precise"),
        (3, "date", "date_invalid"),
        (4, "country_to", "cash_same_country"),
        (5, "declarant", "field_missing"),
        (6, "status", "value_invalid"),
        (7, "amount", "amount_negative"),
    ]
    assert rows(ws, "SELECT ext_id FROM transactions") == [("G",)]


def test_a_file_without_a_required_column_is_refused_whole(ws: Workspace, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "decl.csv",
        [HEADER_EN.replace("border_post", "bureau"), "2024-05-01,A,Awa,,,exit,K,ML,SN,1,XOF,,,"],
    )
    out = load(ws, path, format="cash_declarations")
    assert out.status == "refused"
    assert [(p.code, p.params) for p in out.problems] == [
        ("column_missing", {"detail": "border_post"})
    ]
    assert rows(ws, "SELECT count(*) FROM transactions") == [(0,)]


def test_xlsx_template_with_english_headers_and_arabic_names(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER_EN.split(","))
    sheet.append(
        [
            "2024-06-01 08:00",
            "Q1",
            "محمد ولد أحمد",
            "passport",
            "M9",
            "exit",
            "Gogui",
            "Mali",
            "Mauritanie",
            6_000_000,
            "FCFA",
            "",
            "",
            "declared",
        ]
    )
    path = tmp_path / "decl.xlsx"
    book.save(path)
    assert CashDeclarationReader("cash_declarations").sniff(path, path.read_bytes()[:4096]) == 90
    out = load(ws, path)
    assert out.format == "cash_declarations" and out.rows_ok == 1, problems(out)
    assert rows(ws, "SELECT name FROM parties") == [("محمد ولد أحمد",)]
    assert rows(ws, "SELECT src_country, dst_country FROM transactions") == [("ML", "MR")]


def test_thresholds_are_data_with_their_texts() -> None:
    uemoa = threshold_for("ML", "NE")
    assert (uemoa.zone, uemoa.amount, uemoa.currency, uemoa.status) == (
        "uemoa",
        Decimal(5_000_000),
        "XOF",
        "assumption",
    )
    assert any("09/2010/CM/UEMOA" in t for t in uemoa.texts)
    assert threshold_for("FR", "DE").zone == "fatf_r32"  # inside the EU: no EU declaration
    assert threshold_for("DZ", "FR").amount == Decimal(10_000)
    assert [z.zone for z in zones()] == ["uemoa", "eu", "fatf_r32"]
