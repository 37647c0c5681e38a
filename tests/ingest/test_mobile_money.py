"""The mobile-money preset and its shipped demo sample."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

from moneytrail.ingest.mobile_money import MobileMoneyReader
from moneytrail.ingest.tabular import CsvReader
from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

SAMPLE = Path(str(resources.files("moneytrail") / "samples" / "orange_money_2024-03.csv"))


def test_sample_loads_clean_with_hand_checked_values(ws: Workspace) -> None:
    head = SAMPLE.read_bytes()
    assert MobileMoneyReader("mobile_money").sniff(SAMPLE, head) == 80
    assert CsvReader("csv").sniff(SAMPLE, head) < 80
    out = load(ws, SAMPLE, "mobile_money")
    assert out.status == "loaded", problems(out)
    assert out.rows_rejected == 0 and out.inserted["transactions"] == 60
    # Line 5: 02/03/2024 07:36;OM2400300004;Transfert;+223 70 11 22 33;Oumar Coulibaly;
    #         +223 76 12 34 56;Aïssata Maïga;1 250 000;12 500
    got = rows(
        ws,
        "SELECT ts, src_account_id, dst_account_id, amount, fee, currency, channel, source_row"
        " FROM transactions WHERE ext_id = 'OM2400300004'",
    )
    src = natural_key("account", "mobile_money", "", "+22370112233")
    dst = natural_key("account", "mobile_money", "", "+22376123456")
    assert got == [
        (
            __import__("datetime").datetime(2024, 3, 2, 7, 36),
            src,
            dst,
            Decimal("1250000"),
            Decimal("12500"),
            "XOF",
            "mobile_money",
            5,
        )
    ]
    assert rows(ws, f"SELECT name FROM accounts WHERE id = '{dst}'") == [("Aïssata Maïga",)]


def test_cash_in_and_cash_out_channels(ws: Workspace) -> None:
    load(ws, SAMPLE, "mobile_money")
    channels = dict(
        rows(ws, "SELECT tx_type, any_value(channel) FROM transactions GROUP BY tx_type")
    )
    assert channels["Dépôt"] == "cash_deposit"
    assert channels["Retrait"] == "cash_withdrawal"
    assert channels["Transfert"] == "mobile_money"


def test_national_numbers_and_cash_in_without_agent(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "Date;ID Transaction;Type;Expéditeur;Destinataire;Montant;Frais\n"
        "01/03/2024 10:00;W1;Cash-in;;76 12 34 56;10 000;0\n"
        "01/03/2024 11:00;W2;Transfert;0022376123456;77451209;4 000;40\n"
    )
    out = load(ws, write(tmp_path, "wave.csv", text), "mobile_money")
    assert out.status == "loaded", problems(out)
    wallet = natural_key("account", "mobile_money", "", "+22376123456")
    got = rows(
        ws,
        "SELECT ext_id, src_account_id, dst_account_id, channel FROM transactions ORDER BY ext_id",
    )
    assert got[0] == ("W1", None, wallet, "cash_deposit")
    assert got[1][1] == wallet
    assert rows(ws, "SELECT number FROM accounts ORDER BY number") == [
        ("+22376123456",),
        ("+22377451209",),
    ]


def test_detection_picks_the_preset_for_the_sample_and_csv_for_a_bank_file(tmp_path: Path) -> None:
    from moneytrail.ingest.registry import detect_reader

    assert detect_reader(SAMPLE).name == "mobile_money"
    bank = write(
        tmp_path,
        "banque.csv",
        "Date opération;Libellé;Débit;Crédit;Compte\n02/03/2024;Loyer;150 000;;ML13ML0160120100000001234567\n",
    )
    assert detect_reader(bank).name == "csv"


def test_cli_ingest_json_reports_the_sample(cli: object, tmp_path: Path) -> None:
    ws_path = str(tmp_path / "ws")
    assert cli("init", ws_path).code == 0  # type: ignore[operator]
    result = cli("ingest", "-w", ws_path, str(SAMPLE), "--json")  # type: ignore[operator]
    assert result.code == 0, result.err
    assert "mobile_money" in result.out
