"""The bank's reference names a transaction wherever a trace starts, and every step carries
the bank's reference and the account numbers beside the internal ids (issue 20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.api import Seed, UsageError
from moneytrail.workspace import Workspace
from tests.trace.stories import acc_id, tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with Workspace.init(tmp_path / "ws") as ws:
        write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS)
    return tmp_path / "ws"


def _second_bank_uses(ws: Workspace, ext: str) -> None:
    """Another bank's transaction numbered like one of the story's (same ``ext_id``)."""
    ws.engine.execute(
        "INSERT INTO sources VALUES ('bank2', '/data/banque_b.csv', 'y', 0, 'csv', NULL,"
        " TIMESTAMP '2024-01-01', 0, 0, 'test')"
    )
    ws.engine.execute(
        "INSERT INTO transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
        " currency, channel, source_id, source_row) VALUES ('other-bank-tx', ?,"
        " TIMESTAMP '2024-03-05 08:00', ?, ?, 5, 'XOF', 'wire', 'bank2', 17)",
        [ext, acc_id("B"), acc_id("A")],
    )


def test_bank_reference_and_internal_id_trace_alike(folder: Path) -> None:
    with Workspace.open(folder, read_only=True) as ws:
        by_ref = ws.trace(Seed(transactions=("T1",)))
        by_id = ws.trace(Seed(transactions=(tx_id("T1"),)))
    assert by_ref.seed_amount == by_id.seed_amount == 10_000_000
    assert [e.amount for e in by_ref.endpoints] == [e.amount for e in by_id.endpoints]


def test_steps_carry_bank_references_and_account_numbers(folder: Path) -> None:
    with Workspace.open(folder, read_only=True) as ws:
        result = ws.trace(Seed(transactions=("T1",)))
    cash = next(e for e in result.endpoints if e.kind.value == "cash")
    path = cash.paths[0]
    assert path.ext_ids == ["T1", "T3"]
    steps = [(s.ext_id, s.src_account_number, s.dst_account_number) for s in path.steps]
    assert steps == [("T1", "KIDNAPPERS", "A"), ("T3", "A", "CASH-A")]
    assert path.steps[0].src_account_id == acc_id("KIDNAPPERS")  # internal ids stay


def test_ambiguous_reference_lists_candidates_with_their_file(folder: Path) -> None:
    with Workspace.open(folder) as ws:
        _second_bank_uses(ws, "T2")
        with pytest.raises(UsageError) as caught:
            ws.trace(Seed(transactions=("T2",)))
        message = caught.value.render("en")
        assert "T2" in message and "2 different transactions" in message
        assert "/data/banque_b.csv:17" in message and tx_id("T2") in message
        assert "story:3" in message
        assert "identifiant interne" in caught.value.render("fr")
        # the internal id still names exactly one of them
        assert ws.trace(Seed(transactions=("other-bank-tx",))).seed_amount == 5


def test_cli_json_and_table_show_bank_references(cli: Any, folder: Path) -> None:
    res = cli("trace", "--transaction", "T1", "-w", folder, "--json")
    assert res.code == 0, res.err
    cash = next(e for e in res.json()["endpoints"] if e["kind"] == "cash")
    step = cash["paths"][0]["steps"][1]
    assert (step["ext_id"], step["src_account_number"], step["dst_account_number"]) == (
        "T3",
        "A",
        "CASH-A",
    )
    table = cli("--lang", "en", "trace", "--transaction", "T1", "-w", folder)
    assert table.code == 0, table.err
    assert "Bank" in table.out and "T1" in table.out and "T3" in table.out  # a narrow table folds


def test_cli_unknown_reference_is_a_usage_error(cli: Any, folder: Path) -> None:
    res = cli("trace", "--transaction", "NOPE-42", "-w", folder)
    assert res.code == 2
    assert "NOPE-42" in res.err
