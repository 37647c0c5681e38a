"""``moneytrail paths between`` and ``paths common`` end to end, in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moneytrail.workspace import Workspace
from tests.ingest.story_reader import account_id
from tests.network.network_story import A1, A2, A3, AWA, B, H
from tests.trace.stories import acc_id, tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with Workspace.init(tmp_path / "ws") as ws:
        write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders={"A": "Awa Traoré"})
    return tmp_path / "ws"


def test_between_lists_time_respecting_paths(cli: Any, folder: Path) -> None:
    # KIDNAPPERS -T1 (day 2)-> A -T3 (day 4)-> CASH-A; T2 goes to B, not to the cash.
    res = cli("paths", "between", "KIDNAPPERS", "CASH-A", "-w", folder, "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["complete"] is True
    [path] = doc["paths"]
    assert path["transaction_ids"] == [tx_id("T1"), tx_id("T3")]
    assert path["accounts"] == [acc_id(x) for x in ("KIDNAPPERS", "A", "CASH-A")]
    assert path["labels"] == ["KIDNAPPERS", "Awa Traoré", "CASH-A"]
    assert path["amounts"] == ["10000000", "8000000"]


@pytest.mark.parametrize(("window", "count"), [("2d", 1), ("2", 1), ("1d", 0)])
def test_window_bounds_the_stay_between_two_hops(
    cli: Any, folder: Path, window: str, count: int
) -> None:
    # T1 (03-02 08:00) then T3 (03-04 08:00): exactly two days on A.
    res = cli(
        "paths", "between", "KIDNAPPERS", "CASH-A", "--window", window, "-w", folder, "--json"
    )
    assert len(res.json()["paths"]) == count


def test_between_hops_a_party_and_a_french_table(cli: Any, folder: Path) -> None:
    res = cli("paths", "between", "KIDNAPPERS", "CASH-A", "--max-hops", "1", "-w", folder, "--json")
    assert res.json()["paths"] == []
    # A party stands for its accounts: Awa Traoré holds A.
    res = cli("--lang", "fr", "paths", "between", "awa traoré", "B", "-w", folder)
    assert res.code == 0, res.err
    assert "respectant le temps" in res.out
    assert "3\u202f000\u202f000" in res.out


def test_common_counterparties_of_three_payers(cli: Any, story_ws: Path) -> None:
    # A1, A2 and A3 each paid H 1 000 once.
    res = cli("paths", "common", A1, A2, A3, "-w", story_ws, "--json")
    assert res.code == 0, res.err
    [common] = res.json()["counterparties"]
    assert common["account_id"] == account_id(H)
    assert common["label"] == AWA
    assert (common["subjects"], common["transactions"]) == ([A1, A2, A3], 3)
    assert common["total"] == "3000"
    res = cli("paths", "common", A1, B, "-w", story_ws, "--json")
    assert res.json()["counterparties"][0]["account_id"] == account_id(H)  # A1 paid H, H paid B
    res = cli("--lang", "en", "paths", "common", A1, A2, "-w", story_ws)
    assert "1 common counterparty" in res.out


@pytest.mark.parametrize(
    "args",
    [
        ("between", "NOPE", "CASH-A"),
        ("between", "KIDNAPPERS", "CASH-A", "--window", "abc"),
        ("between", "KIDNAPPERS", "CASH-A", "--max-hops", "0"),
        ("common", "KIDNAPPERS"),
    ],
)
def test_usage_errors_exit_2(cli: Any, folder: Path, args: tuple[str, ...]) -> None:
    res = cli("--lang", "en", "paths", *args, "-w", folder)
    assert res.code == 2
    assert "Traceback" not in res.err and res.err.strip()


def test_between_draws_the_accounts_of_the_paths(cli: Any, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "paths.png"
    res = cli("paths", "between", "EMPLOYER", "B", "-w", folder, "--picture", out, "--json")
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["picture"] == str(out)
    # T0 (03-01) then T2 (03-03): the salary could have reached B through A.
    assert [p["transaction_ids"] for p in doc["paths"]] == [[tx_id("T0"), tx_id("T2")]]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
