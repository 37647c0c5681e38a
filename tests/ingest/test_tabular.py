"""Generic CSV/TSV reading: delimiters, encodings, decimal marks, date order, ids, lines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.ingest.tabular import CsvReader
from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

HEADER = [
    "N° transaction",
    "Date",
    "Expéditeur",
    "Nom expéditeur",
    "Destinataire",
    "Montant",
    "Devise",
]
BODY = [
    [
        "T1",
        "03/04/2024 10:15",
        "+223 76 12 34 56",
        "Moussa Traoré",
        "+22377451209",
        "1 234 567,50",
        "EUR",
    ],
    [
        "T2",
        "05/04/2024 08:00",
        "0022377451209",
        "Aïssata Maïga",
        "+223 79 88 01 23",
        "150 000",
        "XOF",
    ],
    ["T3", "12/04/2024 23:59", "+22379880123", "عبد الله ولد محمد", "+22376123456", "2 500", "XOF"],
]


def table(delimiter: str, body: list[list[str]] | None = None) -> str:
    lines = [HEADER, *(BODY if body is None else body)]
    return "".join(delimiter.join(line) + "\r\n" for line in lines)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_every_delimiter_loads_the_same_rows(ws: Workspace, tmp_path: Path, delimiter: str) -> None:
    text = (
        table(delimiter).replace("1 234 567,50", '"1 234 567,50"')
        if delimiter == ","
        else table(delimiter)
    )
    out = load(ws, write(tmp_path, "tx.csv", text))
    assert out.status == "loaded", problems(out)
    assert rows(ws, "SELECT count(*) FROM transactions") == [(3,)]
    got = rows(ws, "SELECT ext_id, amount, source_row FROM transactions ORDER BY ext_id")
    assert got[0] == ("T1", Decimal("1234567.50"), 2)
    assert got[2] == ("T3", Decimal("2500"), 4)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_french_names_survive_every_encoding(ws: Workspace, tmp_path: Path, encoding: str) -> None:
    body = BODY[:2]
    out = load(ws, write(tmp_path, "tx.csv", table(";", body), encoding))
    assert out.status == "loaded", problems(out)
    names = {r[0] for r in rows(ws, "SELECT name FROM parties")}
    assert names == {"Moussa Traoré", "Aïssata Maïga"}
    assert {r[0] for r in rows(ws, "SELECT name FROM accounts WHERE name IS NOT NULL")} == names


def test_arabic_script_name_survives_utf8(ws: Workspace, tmp_path: Path) -> None:
    out = load(ws, write(tmp_path, "tx.csv", table(";")))
    assert out.status == "loaded"
    assert ("عبد الله ولد محمد",) in rows(ws, "SELECT name FROM accounts")


def test_msisdns_become_e164_and_ids_follow_the_natural_key(ws: Workspace, tmp_path: Path) -> None:
    load(ws, write(tmp_path, "tx.csv", table(";")))
    numbers = {r[0] for r in rows(ws, "SELECT number FROM accounts")}
    assert numbers == {"+22376123456", "+22377451209", "+22379880123"}
    src = natural_key("account", "mobile_money", "", "+22376123456")
    assert rows(ws, "SELECT src_account_id FROM transactions WHERE ext_id = 'T1'") == [(src,)]
    assert rows(ws, "SELECT id FROM transactions WHERE ext_id = 'T1'") == [
        (natural_key("tx", "", "T1"),)
    ]


def test_reingesting_a_copy_changes_nothing(ws: Workspace, tmp_path: Path) -> None:
    load(ws, write(tmp_path, "a.csv", table(";")))
    again = load(ws, write(tmp_path, "b.csv", table(";") + "\r\n"))
    assert again.status == "loaded"
    assert again.inserted["transactions"] == 0 and again.already_present == 3


def test_decimal_point_with_comma_thousands(ws: Workspace, tmp_path: Path) -> None:
    text = 'id,date,sender,receiver,amount,currency\nA,2024-04-03,+22376123456,+22377451209,"1,234.50",EUR\nB,2024-04-04,+22376123456,+22377451209,12.75,EUR\n'
    out = load(ws, write(tmp_path, "tx.csv", text))
    assert out.status == "loaded", problems(out)
    got = rows(ws, "SELECT amount FROM transactions ORDER BY ext_id")
    assert got == [(Decimal("1234.50"),), (Decimal("12.75"),)]


def test_no_break_space_thousands(ws: Workspace, tmp_path: Path) -> None:
    text = "id;date;sender;receiver;amount;currency\nA;03/04/2024;+22376123456;+22377451209;1\u00a0500\u202f000;XOF\n"
    out = load(ws, write(tmp_path, "tx.csv", text))
    assert out.status == "loaded", problems(out)
    assert rows(ws, "SELECT amount FROM transactions") == [(Decimal("1500000"),)]


def test_day_first_unless_a_sample_proves_month_first(ws: Workspace, tmp_path: Path) -> None:
    day_first = (
        "id;date;sender;receiver;amount;currency\nA;03/04/2024;+22376123456;+22377451209;10;XOF\n"
    )
    load(ws, write(tmp_path, "d.csv", day_first))
    assert str(rows(ws, "SELECT ts FROM transactions")[0][0]) == "2024-04-03 00:00:00"
    month_first = (
        day_first.replace("\nA;03/04", "\nB;03/04")
        + "C;04/23/2024;+22376123456;+22377451209;10;XOF\n"
    )
    load(ws, write(tmp_path, "m.csv", month_first))
    assert (
        str(rows(ws, "SELECT ts FROM transactions WHERE ext_id = 'B'")[0][0])
        == "2024-03-04 00:00:00"
    )


def test_timezone_converts_to_utc(ws: Workspace, tmp_path: Path) -> None:
    text = "id;date;sender;receiver;amount;currency\nA;03/04/2024 10:00;+22790123456;+22377451209;10;XOF\n"
    load(ws, write(tmp_path, "tx.csv", text), timezone="Africa/Niamey")
    assert str(rows(ws, "SELECT ts FROM transactions")[0][0]) == "2024-04-03 09:00:00"


def test_sniff_prefers_known_headers() -> None:
    reader = CsvReader("csv")
    assert reader.sniff(Path("x.csv"), table(";").encode()) == 50
    assert reader.sniff(Path("x.csv"), b"a;b;c\n1;2;3\n") == 20
    assert reader.sniff(Path("x.bin"), b"\x00\x01\x02PK") == 0
    assert CsvReader("tsv").sniff(Path("x.tsv"), table(";").encode()) == 0
