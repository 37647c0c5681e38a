"""``moneytrail trace`` end to end, in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.workspace import Workspace
from tests.trace.stories import tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with Workspace.init(tmp_path / "ws") as ws:
        write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS)
    return tmp_path / "ws"


def test_json_lists_endpoints_with_exact_amounts_and_paths(cli: Any, folder: Path) -> None:
    res = cli("trace", "--transaction", tx_id("T1"), "--policy", "lifo", "-w", folder, "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["seed_amount"] == "10000000"
    assert doc["policy"] == "lifo"
    got = {(e["kind"], e["account_number"]): e["amount"] for e in doc["endpoints"]}
    assert got == {("cash", "CASH-A"): "7000000", ("held", "B"): "3000000"}
    cash = next(e for e in doc["endpoints"] if e["kind"] == "cash")
    assert cash["paths"][0]["transaction_ids"] == [tx_id("T1"), tx_id("T3")]


def test_amount_on_an_account_number_at_a_date(cli: Any, folder: Path) -> None:
    res = cli(
        "trace", "--account", "A", "--amount", "5000000", "--from", "2024-03-01",
        "-w", folder, "--json",
    )  # fmt: skip
    assert res.code == 0, res.err
    got = {(e["kind"], e["account_number"]): e["amount"] for e in res.json()["endpoints"]}
    assert got == {("held", "B"): "3000000", ("cash", "CASH-A"): "2000000"}


def test_human_output_in_french(cli: Any, folder: Path) -> None:
    res = cli("--lang", "fr", "trace", "--transaction", tx_id("T1"), "-w", folder)
    assert res.code == 0, res.err
    assert "espèces" in res.out
    assert "8 000 000" in res.out


@pytest.mark.parametrize(
    "args",
    [
        ("--account", "NOPE"),
        ("--transaction", tx_id("T1"), "--policy", "random"),
        ("--account", "A", "--amount", "abc"),
        ("--account", "A", "--from", "yesterday"),
        (),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    cli: Any, folder: Path, args: tuple[str, ...]
) -> None:
    res = cli("--lang", "en", "trace", *args, "-w", folder)
    assert res.code == 2
    assert "Traceback" not in res.err
    assert res.err.strip()
