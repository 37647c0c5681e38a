"""Column mappings: src/dst layout, statement layout, debit/credit, direction values, errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.errors import UsageError
from moneytrail.ingest.tabular_mapping import header_key, load_mapping
from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

STATEMENT = (
    "Compte;Titulaire;Date opé;Libellé;Tiers;Compte tiers;Débit;Crédit\n"
    "ML13 ML016 01201 000000012345 67;Société Sahel Négoce;02/03/2024;Virement loyer;Moussa Traoré;;150 000;\n"
    "ML13 ML016 01201 000000012345 67;Société Sahel Négoce;04/03/2024;Versement client;Aïssata Maïga;SN08SN0100152000048500003035;;2 500 000\n"
)
STATEMENT_MAPPING = """\
version: 1
currency: XOF
institution: BDM
columns:
  account: Compte
  account_name: Titulaire
  date: "Date opé"
  reference: Libellé
  counterparty_name: Tiers
  counterparty_account: Compte tiers
  debit: Débit
  credit: Crédit
"""


def test_statement_layout_with_debit_and_credit_columns(ws: Workspace, tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", STATEMENT_MAPPING)
    out = load(ws, write(tmp_path, "s.csv", STATEMENT), mapping=mapping)
    assert out.status == "loaded", problems(out)
    own = natural_key("account", "bank", "", "ML13ML0160120100000001234567")
    tenant = natural_key("account", "external", "", "moussa traore")
    got = rows(
        ws,
        "SELECT src_account_id, dst_account_id, amount, reference FROM transactions ORDER BY ts",
    )
    assert got[0] == (own, tenant, Decimal("150000"), "Virement loyer")
    client = natural_key("account", "bank", "", "SN08SN0100152000048500003035")
    assert got[1][:3] == (client, own, Decimal("2500000"))
    assert rows(ws, f"SELECT name, kind FROM accounts WHERE id = '{own}'") == [
        ("Société Sahel Négoce", "bank")
    ]


def test_amount_with_direction_values(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "compte;date;montant;sens;contrepartie\n"
        "+22376123456;01/03/2024;5 000;Sortie;Oumar\n"
        "+22376123456;02/03/2024;7 000;Entrée;Hawa\n"
        "+22376123456;03/03/2024;9 000;???;Hawa\n"
    )
    mapping = write(
        tmp_path,
        "m.yaml",
        "version: 1\ncurrency: XOF\ncolumns: {account: compte, date: date, amount: montant,"
        " direction: sens, counterparty_name: contrepartie}\n"
        "values:\n  direction: {debit: [sortie], credit: [entrée]}\n",
    )
    out = load(ws, write(tmp_path, "d.csv", text), mapping=mapping)
    wallet = natural_key("account", "mobile_money", "", "+22376123456")
    got = rows(
        ws,
        "SELECT src_account_id = ?, amount FROM transactions ORDER BY ts".replace(
            "?", f"'{wallet}'"
        ),
    )
    assert got == [(True, Decimal("5000")), (False, Decimal("7000"))]
    assert problems(out) == [(4, "sens", "???", "tabular_direction_unknown")]


def test_signed_amount_gives_the_direction_in_a_statement(ws: Workspace, tmp_path: Path) -> None:
    text = "account;date;amount;counterparty\nFR7630006000011234567890189;2024-03-01;-12.50;Shop\n"
    out = load(ws, write(tmp_path, "s.csv", text), currency="EUR")
    assert out.status == "loaded", problems(out)
    own = natural_key("account", "bank", "", "FR7630006000011234567890189")
    assert rows(ws, "SELECT src_account_id, amount FROM transactions") == [(own, Decimal("12.50"))]


def test_mapping_header_match_ignores_case_and_accents(ws: Workspace, tmp_path: Path) -> None:
    text = "EXPEDITEUR|BENEFICIAIRE|QUAND|VALEUR\n+22376123456|+22377451209|2024-03-01 10:00|12\n"
    mapping = write(
        tmp_path,
        "m.yaml",
        "version: 1\ndelimiter: '|'\ncurrency: XOF\ncolumns:\n  src_account: Expéditeur\n"
        "  dst_account: bénéficiaire\n  timestamp: quand\n  amount: valeur\n",
    )
    out = load(ws, write(tmp_path, "x.csv", text), mapping=mapping)
    assert out.status == "loaded", problems(out)
    assert rows(ws, "SELECT amount FROM transactions") == [(Decimal("12"),)]


@pytest.mark.parametrize(
    ("yaml_text", "reason"),
    [
        ("version: 1\ncolums: {}\n", "colums"),
        ("version: 2\n", "version"),
        ("version: 1\ncolumns: {montant_total: X}\n", "montant_total"),
        ("version: 1\ndelimiter: '#'\n", "delimiter"),
        ("[1, 2", "YAML"),
    ],
)
def test_bad_mapping_names_the_problem(tmp_path: Path, yaml_text: str, reason: str) -> None:
    with pytest.raises(UsageError) as info:
        load_mapping(write(tmp_path, "m.yaml", yaml_text))
    assert info.value.key == "error.mapping_invalid"
    assert reason in info.value.render("en")


def test_mapped_column_absent_from_the_file(ws: Workspace, tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", "version: 1\ncolumns: {amount: Somme}\n")
    data = write(tmp_path, "x.csv", "date;montant;expediteur\n01/03/2024;5;+22376123456\n")
    try:
        load(ws, data, mapping=mapping, currency="XOF")
    except UsageError as exc:
        reason = exc.render("en")
    else:
        raise AssertionError("the mapping was accepted")
    assert "Somme" in reason and "date, montant, expediteur" in reason
    assert rows(ws, "SELECT count(*) FROM sources") == [(0,)]


def test_absent_mapped_column_lists_the_file_columns(tmp_path: Path) -> None:
    from moneytrail.ingest.tabular_mapping import resolve_columns

    with pytest.raises(UsageError) as info:
        resolve_columns({"amount": "Somme"}, ["Date", "Montant"], tmp_path / "m.yaml")
    assert "Date, Montant" in info.value.render("en")


def test_header_key_and_load_mapping(tmp_path: Path) -> None:
    assert header_key("N° Transaction") == "n transaction"
    mapping = load_mapping(
        write(tmp_path, "m.yaml", "version: 1\ndelimiter: tab\ndecimal: comma\n")
    )
    assert mapping.delimiter == "\t"


def test_bad_mapping_through_the_cli(cli: object, tmp_path: Path) -> None:
    mapping = write(tmp_path, "m.yaml", "version: 1\ncolumn: {}\n")
    data = write(tmp_path, "x.csv", "date;montant;expediteur\n01/03/2024;5;+22376123456\n")
    assert cli("init", str(tmp_path / "ws")).code == 0  # type: ignore[operator]
    result = cli(
        "ingest",
        "-w",
        str(tmp_path / "ws"),
        str(data),
        "--format",
        "csv",
        "--mapping",
        str(mapping),
    )  # type: ignore[operator]
    assert result.code != 0
    assert "column" in result.err + result.out
