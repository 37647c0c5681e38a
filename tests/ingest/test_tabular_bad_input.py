"""Bad tabular input: precise quarantine lines, whole-file refusals, --strict."""

from __future__ import annotations

from pathlib import Path

from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

HEAD = "id;date;expediteur;destinataire;montant;devise\n"


def test_bad_values_go_to_quarantine_with_their_line(ws: Workspace, tmp_path: Path) -> None:
    text = HEAD + (
        "A;01/03/2024;+22376123456;+22377451209;1 000;XOF\n"
        "B;31/02/2024;+22376123456;+22377451209;1 000;XOF\n"
        "C;02/03/2024;+22376123456;+22377451209;mille;XOF\n"
        "D;02/03/2024;+22376123456;+22377451209;;XOF\n"
        "A;03/03/2024;+22376123456;+22377451209;5;XOF\n"
        "E;04/03/2024;+22376123456;+22377451209;5;XOF\n"
    )
    out = load(ws, write(tmp_path, "x.csv", text))
    assert out.status == "loaded"
    assert sorted(problems(out)) == [
        (3, "date", "31/02/2024", "date_invalid"),
        (4, "montant", "mille", "amount_not_number"),
        (5, "montant", None, "amount_empty"),
        (6, "ext_id", "A", "duplicate_transaction_id"),
    ]
    assert rows(ws, "SELECT ext_id FROM transactions ORDER BY ext_id") == [("A",), ("E",)]


def test_malformed_line_is_quarantined_and_later_lines_stay_right(
    ws: Workspace, tmp_path: Path
) -> None:
    text = HEAD + (
        "A;01/03/2024;+22376123456;+22377451209;1 000;XOF\n"
        "B;01/03/2024;+22376123456;+22377451209;1 000;XOF;extra\n"
        "C;02/03/2024;+22376123456;+22377451209;zero;XOF\n"
    )
    out = load(ws, write(tmp_path, "x.csv", text))
    found = {(p[0], p[3]) for p in problems(out)}
    assert found == {(3, "tabular_row_malformed"), (4, "amount_not_number")}


def test_strict_refuses_the_whole_file(ws: Workspace, tmp_path: Path) -> None:
    text = (
        HEAD
        + "A;01/03/2024;+22376123456;+22377451209;1 000;XOF\nB;x;+22376123456;+22377451209;1;XOF\n"
    )
    out = load(ws, write(tmp_path, "x.csv", text), strict=True)
    assert out.status == "refused"
    assert rows(ws, "SELECT count(*) FROM transactions") == [(0,)]


def test_missing_columns_refuse_and_list_what_was_found(ws: Workspace, tmp_path: Path) -> None:
    out = load(ws, write(tmp_path, "x.csv", "nom;ville\nAwa;Gao\n"))
    assert out.status == "refused"
    ((_line, _field, _value, code),) = problems(out)
    assert code == "tabular_column_missing"
    params = out.problems[0].params
    assert params["found"] == "nom, ville"
    # Each missing field names the headers it accepts, French and English.
    assert "montant" in params["accepted"] and "amount" in params["accepted"]
    assert "src account" in params["accepted"]
    assert "--mapping" in out.problems[0].render("fr")
    assert "en-têtes reconnus" in out.problems[0].render("fr")
    assert "headers accepted" in out.problems[0].render("en")


def test_empty_and_binary_files_are_refused(ws: Workspace, tmp_path: Path) -> None:
    empty = load(ws, write(tmp_path, "e.csv", "  \n"))
    assert empty.status == "refused" and problems(empty)[0][3] == "file_empty"
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    out = load(ws, binary)
    assert out.status == "refused" and problems(out)[0][3] == "file_binary"


def test_declared_encoding_that_does_not_fit_is_refused(ws: Workspace, tmp_path: Path) -> None:
    text = HEAD + "A;01/03/2024;+22376123456;+22377451209;1 000;XOF\n" + "# Traoré\n"
    path = write(tmp_path, "x.csv", text, "cp1252")
    out = load(ws, path, encoding="utf-8")
    assert out.status == "refused"
    assert problems(out)[0][3] == "encoding_invalid"


def test_no_currency_anywhere_is_refused(ws: Workspace, tmp_path: Path) -> None:
    text = "date;montant;expediteur\n01/03/2024;5;+22376123456\n"
    out = load(ws, write(tmp_path, "x.csv", text))
    assert problems(out)[0][3] == "tabular_currency_missing"


def test_unknown_timezone_is_refused(ws: Workspace, tmp_path: Path) -> None:
    text = HEAD + "A;01/03/2024;+22376123456;+22377451209;1 000;XOF\n"
    out = load(ws, write(tmp_path, "x.csv", text), timezone="Africa/Atlantis")
    assert problems(out) == [(None, None, "Africa/Atlantis", "timezone_unknown")]
