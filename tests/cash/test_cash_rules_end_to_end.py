"""The cash and hawala rules on files loaded through the readers (not only on story rows)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from moneytrail.cash import keys
from moneytrail.detect.rules import load_library, run_rules
from moneytrail.workspace import Workspace
from tests.cash.support import load, rows, write

SAMPLES = Path(str(resources.files("moneytrail") / "samples"))
HEADER = (
    "date;code;hawaladar;hawaladar_country;entry;sender;sender_phone;receiver;amount_in;"
    "amount_out;commission;currency;counterpart;counterpart_country"
)


def _alerts(ws: Workspace, rule: str) -> list[tuple[object, ...]]:
    run_rules(ws.engine, [load_library()[rule]])
    return rows(ws, "SELECT subject_id, len(transaction_ids) FROM alerts")


def test_declarations_just_under_the_threshold_flag_the_courier(ws: Workspace) -> None:
    load(ws, SAMPLES / "declarations_especes_2024.csv")
    courier = keys.cash_account(keys.person_key("passport:B1234567", None, "", ""))
    assert _alerts(ws, "cash_declaration_under_threshold") == [(courier, 3)]


def test_a_ransom_split_through_hawala_flags_the_sender(ws: Workspace, tmp_path: Path) -> None:
    lines = [HEADER]
    for k, receiver in enumerate(("Ali", "Bachir", "Chérif")):
        lines.append(
            f"2024-05-0{k + 1} 09:00;;Gao;ML;pay_in;Kidnappeur;+22370000001;{receiver};"
            "4000000;;80000;XOF;Niamey;NE"
        )
        lines.append(f"2024-05-0{k + 1} 15:00;;Niamey;NE;pay_out;;;{receiver};;3920000;;XOF;;")
    load(ws, write(tmp_path, "registre.csv", lines))
    assert rows(ws, "SELECT count(*) FROM transactions WHERE tx_type LIKE 'hawala_link%'") == [(3,)]
    sender = keys.cash_account(keys.person_key(None, "+22370000001", "", ""))
    assert _alerts(ws, "hawala_ransom_split") == [(sender, 9)]
