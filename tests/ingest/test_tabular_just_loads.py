"""Files that just load: canonical and machine-export headers, ISO 8601 timestamps, ``null``
columns in a mapping, and rejected lines that add nothing (issue 20)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from moneytrail.ingest.tabular_detect import header_aliases, match_header
from moneytrail.ingest.tabular_mapping import FIELDS, header_key
from moneytrail.ingest.tabular_plan import accepted_headers, choose_date_format, is_iso_timestamp
from moneytrail.workspace import Workspace
from tests.ingest.tabular_support import load, problems, rows, write

A, B, C = "+22376123456", "+22377451209", "+22365000001"


def test_every_canonical_field_name_is_its_own_header() -> None:
    aliases = header_aliases()
    for fld in FIELDS:
        # "date" alone is read as a full timestamp (dates often carry a time): the one exception
        assert aliases[header_key(fld)] == ("timestamp" if fld == "date" else fld)


def test_canonical_headers_load_without_mapping_or_format(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "id,timestamp,src_account,dst_account,amount,currency\n"
        f"T1,2025-03-01T08:00:00Z,{A},{B},1000,XOF\n"
        f"T2,2025-03-02T09:30:00Z,{B},{C},400,XOF\n"
    )
    out = ws.ingest([write(tmp_path, "canon.csv", text)])[0]
    assert out.status == "loaded", out.problems
    assert rows(ws, "SELECT ext_id, ts, amount FROM transactions ORDER BY ext_id") == [
        ("T1", datetime(2025, 3, 1, 8, 0), 1000),
        ("T2", datetime(2025, 3, 2, 9, 30), 400),
    ]
    assert out.warnings == []  # every column was read


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "txn_id;date_operation;compte_emetteur;compte_beneficiaire;montant;devise",
            {"ext_id", "timestamp", "src_account", "dst_account", "amount", "currency"},
        ),
        (
            "reference;value_date;sender;receiver;amount;currency",
            {"reference", "timestamp", "src_account", "dst_account", "amount", "currency"},
        ),
        (
            "transaction_id;created_at;from_account;to_account;debit;credit",
            {"ext_id", "timestamp", "src_account", "dst_account", "debit", "credit"},
        ),
    ],
)
def test_machine_export_headers_fr_and_en(header: str, expected: set[str]) -> None:
    assert set(match_header(header.split(";"))) == expected


def test_machine_export_file_loads(ws: Workspace, tmp_path: Path) -> None:
    text = (
        "txn_id;date_operation;compte_emetteur;compte_beneficiaire;montant;devise\n"
        f"OM1;01/03/2025 08:00;{A};{B};1 500;XOF\n"
    )
    out = load(ws, write(tmp_path, "export.csv", text))
    assert out.status == "loaded", out.problems
    assert rows(ws, "SELECT ext_id, amount FROM transactions") == [("OM1", 1500)]


def test_iso_timestamps_are_detected() -> None:
    samples = [
        "2025-03-01T08:00:00Z",
        "2025-03-01T08:00:00+01:00",
        "2025-03-01 08:00:00.123+0100",
        "2025-03-01T08:00",
    ]
    assert all(is_iso_timestamp(s) for s in samples)
    assert choose_date_format(samples) == "ISO8601"
    assert not is_iso_timestamp("01/03/2025 08:00")
    assert not is_iso_timestamp("2025-13-01T08:00:00Z")
    # a column that one strptime format reads keeps that format
    assert choose_date_format(["2025-03-01 08:00:00"]) == "%Y-%m-%d %H:%M:%S"


def test_iso_offsets_are_stored_as_utc_and_naive_times_in_the_file_zone(
    ws: Workspace, tmp_path: Path
) -> None:
    text = (
        "id;timestamp;src_account;dst_account;amount;currency\n"
        f"T1;2025-03-01T08:00:00Z;{A};{B};1;XOF\n"
        f"T2;2025-03-01T08:00:00+01:00;{A};{B};2;XOF\n"
        f"T3;2025-03-01 08:00:00.25-0130;{A};{B};3;XOF\n"
        f"T4;2025-03-01T08:00:00.5;{A};{B};4;XOF\n"
        f"T5;2025-03-01Tnoon;{A};{B};5;XOF\n"
    )
    out = load(ws, write(tmp_path, "iso.csv", text), timezone="Africa/Niamey")
    assert out.status == "loaded"
    assert rows(ws, "SELECT ext_id, ts FROM transactions ORDER BY ext_id") == [
        ("T1", datetime(2025, 3, 1, 8, 0)),
        ("T2", datetime(2025, 3, 1, 7, 0)),
        ("T3", datetime(2025, 3, 1, 9, 30, 0, 250000)),
        ("T4", datetime(2025, 3, 1, 7, 0, 0, 500000)),  # naive: Niamey is UTC+1
    ]
    assert problems(out) == [(6, "timestamp", "2025-03-01Tnoon", "date_invalid")]


def test_null_column_in_mapping_ignores_a_detected_column(ws: Workspace, tmp_path: Path) -> None:
    text = f"id;date;expediteur;destinataire;montant;devise\nA;01/03/2025;{A};{B};1000;F CFA\n"
    mapping = write(tmp_path, "m.yaml", "version: 1\ncurrency: XOF\ncolumns:\n  currency: null\n")
    out = load(ws, write(tmp_path, "x.csv", text), mapping=mapping)
    assert out.status == "loaded", out.problems
    assert rows(ws, "SELECT currency FROM transactions") == [("XOF",)]
    assert out.warnings == []  # ignored on purpose: not reported as unused


def test_rejected_lines_add_no_account_and_no_party(ws: Workspace, tmp_path: Path) -> None:
    good = [
        f"G{i};01/03/2025;+2237600000{i};+2237700000{i};Awa {i};Bakary {i};100;XOF"
        for i in range(3)
    ]
    # bad currency and too precise XOF amounts: rejected at commit, after the fan-out
    bad = [
        f"B{i};01/03/2025;+2236600000{i};+2236700000{i};Moussa {i};Fanta {i};"
        + ("100;ZZZ" if i % 2 else "10,5;XOF")
        for i in range(6)
    ]
    # one rejected line names an account that a good line uses too: it stays
    bad.append("B9;01/03/2025;+22376000000;+22369999999;Awa 0;Inconnu;1;ZZZ")
    text = "id;date;expediteur;destinataire;nom expediteur;nom beneficiaire;montant;devise\n"
    out = load(ws, write(tmp_path, "x.csv", text + "\n".join(good + bad) + "\n"))
    assert out.status == "loaded"
    assert (out.rows_ok, out.rows_rejected) == (3, 7)
    assert rows(ws, "SELECT count(*) FROM accounts") == [(6,)]
    assert rows(ws, "SELECT count(*) FROM parties") == [(6,)]
    assert rows(ws, "SELECT count(*) FROM accounts WHERE number = '+22369999999'") == [(0,)]
    assert len(rows(ws, "SELECT * FROM quarantine")) == 7


def test_missing_column_names_the_accepted_headers() -> None:
    names = accepted_headers(("src_account", "dst_account"))
    assert names[0] == "src account"
    assert {"expediteur", "sender", "from account", "compte emetteur"} <= set(names)
