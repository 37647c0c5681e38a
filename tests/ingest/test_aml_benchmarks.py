"""AMLworld and AMLSim readers: exact counts on the real AMLSim files, AMLworld on generated ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from moneytrail.ingest.aml_sql import account_id
from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import Status
from moneytrail.model.ids import natural_key
from moneytrail.workspace import Workspace

TRANS_HEADER = (
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering"
)
ACCOUNTS_HEADER = "Bank Name,Bank ID,Account Number,Entity ID,Entity Name"


def write_amlworld(folder: Path, prefix: str, rows: list[str], accounts: list[str]) -> Path:
    """Write ``<prefix>_Trans.csv`` and ``<prefix>_accounts.csv`` in AMLworld's exact layout."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{prefix}_accounts.csv").write_text(
        "\n".join([ACCOUNTS_HEADER, *accounts]) + "\n", encoding="utf-8"
    )
    trans = folder / f"{prefix}_Trans.csv"
    trans.write_text("\n".join([TRANS_HEADER, *rows]) + "\n", encoding="utf-8")
    return trans


STORY_ROWS = [
    # line 2: plain USD cheque
    "2022/09/01 00:20,010,000800E10,010,000800E11,3697.34,US Dollar,3697.34,US Dollar,Cheque,0",
    # line 3: paid in euros, received in dollars; laundering
    "2022/09/01 00:21,010,000800E11,0220,8000EBD30,110.12,US Dollar,100.456,Euro,Wire,1",
    # line 4: bitcoin, 8 decimals kept
    "2022/09/01 01:02,0220,8000EBD30,0220,8000EBD31,0.00028411,Bitcoin,0.00028411,Bitcoin,Bitcoin,1",
    # line 5: the same payment twice in the same minute: both survive
    "2022/09/01 02:00,010,000800E10,010,000800E11,10.00,US Dollar,10.00,US Dollar,ACH,0",
    "2022/09/01 02:00,010,000800E10,010,000800E11,10.00,US Dollar,10.00,US Dollar,ACH,0",
    # line 7: yen rounded to whole yen
    "2022/09/02 10:00,0220,8000EBD31,010,000800E10,1234.56,Yen,1234.56,Yen,Cash,0",
]
STORY_ACCOUNTS = [
    "Bank of Somewhere,010,000800E10,80006A5E0,Corporation #33520",
    "Bank of Somewhere,010,000800E11,80006A5E1,Sole Proprietorship #50438",
    "Other Bank,0220,8000EBD30,80006A5E2,Partnership #1",
]


@pytest.fixture
def story(tmp_path: Path) -> Path:
    return write_amlworld(tmp_path / "kaggle", "HI-Tiny", STORY_ROWS, STORY_ACCOUNTS)


def test_amlworld_story_loads_with_labels_and_rounding(ws: Workspace, story: Path) -> None:
    accounts_file = story.with_name("HI-Tiny_accounts.csv")
    outcomes = ws.ingest([story, accounts_file])
    assert [o.status for o in outcomes] == [Status.LOADED, Status.LOADED]
    assert [o.format for o in outcomes] == ["amlworld", "amlworld"]
    assert outcomes[0].inserted["transactions"] == 6
    assert outcomes[0].inserted["accounts"] == 4
    assert outcomes[0].inserted["labels"] == 2
    rows = ws.engine.fetchall(
        "SELECT source_row, amount, currency, channel, reference FROM transactions"
        " ORDER BY source_row"
    )
    assert rows[0] == (2, Decimal("3697.34"), "USD", "cheque", None)
    assert rows[1] == (3, Decimal("100.46"), "EUR", "wire", "received 110.12 USD")
    assert rows[2] == (4, Decimal("0.00028411"), "XBT", "crypto", None)
    assert rows[5][1:3] == (Decimal("1235"), "JPY")
    src = account_id("HI-Tiny", "0220", "8000EBD31")
    dst = account_id("HI-Tiny", "010", "000800E10")
    assert ws.engine.fetchall(
        "SELECT count(*) FROM transactions WHERE src_account_id = ? AND dst_account_id = ?",
        [src, dst],
    ) == [(1,)]
    labelled = ws.engine.fetchall(
        "SELECT t.source_row FROM labels l JOIN transactions t ON t.id = l.subject_id"
        " WHERE l.label = 'laundering' ORDER BY 1"
    )
    assert labelled == [(3,), (4,)]
    # The accounts file adds holders to the accounts the transactions file created.
    holder = ws.engine.fetchall(
        "SELECT p.kind, p.name FROM accounts a JOIN parties p ON p.id = a.holder_party_id"
        " WHERE a.id = ?",
        [dst],
    )
    assert holder == [("company", "Corporation #33520")]


def test_amlworld_reingest_and_namespace(ws: Workspace, story: Path, tmp_path: Path) -> None:
    ws.ingest([story])
    copy = write_amlworld(tmp_path / "again", "HI-Tiny", [*STORY_ROWS, ""], STORY_ACCOUNTS)
    again = ws.ingest([copy])[0]  # different bytes (extra blank line), same data set
    assert again.status == Status.LOADED
    assert again.inserted["transactions"] == 0
    assert again.already_present == 6
    other = ws.ingest([copy], IngestOptions(namespace="LI-Tiny"))[0]
    assert other.status == Status.UNCHANGED  # same file bytes: skipped before reading


def test_amlworld_bad_rows_quarantined_with_line(ws: Workspace, tmp_path: Path) -> None:
    rows = [
        STORY_ROWS[0],
        "2022/13/45 99:99,010,A,010,B,1,US Dollar,1,US Dollar,Wire,0",
        "2022/09/01 00:20,010,A,010,B,1,US Dollar,abc,US Dollar,Wire,0",
        "2022/09/01 00:20,010,A,010,B,1,US Dollar,1,Zorkmid,Wire,0",
        "2022/09/01 00:20,010,,010,B,1,US Dollar,1,US Dollar,Wire,0",
    ]
    trans = write_amlworld(tmp_path / "d", "X", rows, [])
    outcome = ws.ingest([trans])[0]
    assert outcome.rows_ok == 1
    found = [(p.line, p.field, p.code) for p in outcome.problems]
    assert found == [
        (3, "Timestamp", "date_invalid"),
        (4, "Amount Paid", "amount_not_number"),
        (5, "Payment Currency", "currency_unknown"),
        (6, "Account", "field_missing"),
    ]


def test_amlworld_wrong_width_refuses_whole_file(ws: Workspace, tmp_path: Path) -> None:
    trans = write_amlworld(tmp_path / "d", "X", [STORY_ROWS[0], "2022/09/01 00:20,010,A"], [])
    outcome = ws.ingest([trans], IngestOptions(format="amlworld"))[0]
    assert outcome.status == Status.REFUSED
    assert outcome.problems[0].code == "aml_csv_malformed"
    assert ws.engine.fetchall("SELECT count(*) FROM transactions") == [(0,)]


def test_amlworld_reader_refuses_other_header(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    outcome = ws.ingest([path], IngestOptions(format="amlworld"))[0]
    assert outcome.status == Status.REFUSED
    assert outcome.problems[0].code == "aml_header_unknown"
    assert outcome.problems[0].line == 1


def test_amlsim_20k_graph_exact_counts(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "other" / "amlsim" / "20K_fanin200cycle200"
    tx_only = ws.ingest([folder / "transactions.csv"])[0]  # alone, it stages its accounts
    assert tx_only.format == "amlsim"
    assert tx_only.inserted["transactions"] == 120_558
    assert tx_only.rows_rejected == 0
    nodes = ws.ingest([folder / "nodes.csv"])[0]
    # metadata.txt says 1803 fraud nodes; the file has 1804 rows with isFraud = 1.
    assert nodes.inserted["labels"] == 1804
    assert nodes.inserted["accounts"] == 20_000 - tx_only.inserted["accounts"]
    total = ws.engine.fetchall("SELECT sum(amount), min(ts), max(ts) FROM transactions")[0]
    assert total[0] == Decimal("33287919.20")
    assert str(total[1]) == "2017-01-02 00:00:00"  # step 1
    assert str(total[2]) == "2017-05-30 00:00:00"  # step 149
    last = ws.engine.fetchall(
        "SELECT src_account_id, dst_account_id, amount FROM transactions WHERE source_row = 120559"
    )
    ns = "20K_fanin200cycle200"
    assert last == [
        (account_id(ns, None, "19356"), account_id(ns, None, "19999"), Decimal("170.47"))
    ]


def test_amlsim_sample_outputs(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "other" / "amlsim" / "sample_outputs"
    names = ["accounts.csv", "tx.csv", "cash_tx.csv", "alerts.csv"]
    outcomes = ws.ingest([folder / n for n in names])
    assert [o.status for o in outcomes] == [Status.LOADED] * 4
    assert outcomes[0].inserted == {
        "parties": 30,
        "accounts": 30,
        "identifiers": 0,
        "transactions": 0,
        "labels": 4,
    }
    assert outcomes[1].inserted["transactions"] == 45
    assert outcomes[2].inserted["transactions"] == 88
    channels = dict(
        ws.engine.fetchall("SELECT channel, count(*) FROM transactions GROUP BY channel")
    )
    assert channels["cash_withdrawal"] == 80
    assert channels["cash_deposit"] == 8
    # CASH-OUT: money leaves the data from ACCOUNT_ID (line 2: TXN_ID 1, account 0, 99.87).
    first = ws.engine.fetchall(
        "SELECT src_account_id, dst_account_id, amount, ts FROM transactions WHERE id = ?",
        [natural_key("tx", "sample_outputs", "1")],
    )
    assert first[0][:3] == (account_id("sample_outputs", None, "0"), None, Decimal("99.87"))
    alerts = ws.engine.fetchall(
        "SELECT subject_id, typology, instance_id FROM labels WHERE label = 'sar_alert'"
        " ORDER BY instance_id"
    )
    assert alerts == [
        (account_id("sample_outputs", None, "25"), "cycle", "0"),
        (account_id("sample_outputs", None, "24"), "cycle", "1"),
    ]


def test_amlsim_namespace_option_scopes_ids(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "other" / "amlsim" / "sample_outputs" / "tx.csv"
    ws.ingest([path], IngestOptions(namespace="case-42"))
    ids = {r[0] for r in ws.engine.fetchall("SELECT id FROM accounts")}
    assert account_id("case-42", None, "25") in ids
    assert account_id("sample_outputs", None, "25") not in ids
