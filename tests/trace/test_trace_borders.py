"""``--through-borders``: a border crossing becomes a transition instead of an endpoint."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from moneytrail.workspace import Workspace
from tests.trace.stories import acc_id, tx_id, write_story

# Money paid in Senegal reaches a Malian wallet, which cashes most of it out in Mali.
ACCOUNTS = [
    ("PAYER-SN", "bank", "SN"),
    ("W-ML", "mobile_money", "ML"),
    ("CASH-ML", "cash", "ML"),
]
TXS = [
    ("P1", "2024-05-01 09:00", "PAYER-SN", "W-ML", 3_000_000, "mobile_money"),
    ("C1", "2024-05-02 09:00", "W-ML", "CASH-ML", 2_500_000, "cash_withdrawal"),
]


def _ends(result: dict[str, Any]) -> dict[tuple[str, str | None], Decimal]:
    return {
        (e["kind"], e.get("account_id")): Decimal(str(e["amount"])) for e in result["endpoints"]
    }


def test_border_stops_by_default_and_is_crossed_on_request(cli: Any, tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        write_story(ws.engine, ACCOUNTS, TXS)
    base = ("trace", "--transaction", tx_id("P1"), "-w", tmp_path / "ws", "--json")
    stopped = cli(*base)
    assert stopped.code == 0, stopped.err
    assert _ends(stopped.json()) == {("abroad", acc_id("W-ML")): Decimal(3_000_000)}
    crossed = cli(*base, "--through-borders")
    assert crossed.code == 0, crossed.err
    ends = _ends(crossed.json())
    assert ends == {
        ("cash", acc_id("CASH-ML")): Decimal(2_500_000),
        ("held", acc_id("W-ML")): Decimal(500_000),
    }
    cash = next(e for e in crossed.json()["endpoints"] if e["kind"] == "cash")
    assert cash["paths"][0]["countries"] == ["SN", "ML"]  # transitions: repeats collapse
