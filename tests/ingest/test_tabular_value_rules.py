"""The tabular ingest reads amounts and wallet numbers with the model's rules (their SQL twins):
what Python would refuse is quarantined, not read as another amount."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

HEADER = "Date;ID Transaction;Type;Expéditeur;Destinataire;Montant;Frais\n"


def test_ivorian_wallets_keep_their_leading_zero(ws: Workspace, tmp_path: Path) -> None:
    # Côte d'Ivoire's numbers have 10 digits since 2021, the first a 0 that E.164 keeps.
    text = HEADER + "01/03/2024 10:00;C1;Transfert;07 07 12 34 56;+225 05 44 00 11 22;10 000;0\n"
    out = load(ws, write(tmp_path, "mtn_ci.csv", text), "mobile_money", country="CI")
    assert out.status == "loaded", problems(out)
    assert rows(ws, "SELECT number FROM accounts ORDER BY number") == [
        ("+2250544001122",),
        ("+2250707123456",),
    ]
    wallet = natural_key("account", "mobile_money", "", "+2250707123456")
    assert rows(ws, "SELECT src_account_id FROM transactions") == [(wallet,)]


def test_amounts_python_refuses_are_quarantined(ws: Workspace, tmp_path: Path) -> None:
    text = HEADER + "".join(
        f"01/03/2024 1{i}:00;A{i};Transfert;76123456;77451209;{amount};0\n"
        for i, amount in enumerate(
            [
                "1 234 567,50",  # line 2: read
                "1\u202f500",  # line 3: read (narrow no-break space, as French software writes)
                "1.5",  # line 4: a point in comma convention is a thousands mark: refused
                "1,23457E+11",  # line 5: Excel's rounded scientific form: refused
                "12,123456789",  # line 6: a ninth decimal the workspace would round: refused
            ]
        )
    )
    out = load(ws, write(tmp_path, "wave.csv", text), "mobile_money", currency="EUR")
    amounts = rows(ws, "SELECT amount FROM transactions ORDER BY amount")
    assert amounts == [(Decimal(1500),), (Decimal("1234567.5"),)]
    assert [(line, code) for line, _f, _v, code in problems(out)] == [
        (4, "amount_not_number"),
        (5, "amount_not_number"),
        (6, "amount_not_number"),
    ]
