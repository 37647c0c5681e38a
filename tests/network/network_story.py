"""A hand-made network loaded through the real ingest path (story reader, commit step).

Four wallets pay a hub, the hub pays B twice, B pays C::

    A1 ─┐
    A2 ─┤ 1 000 each        2 × 2 500        4 000
    A3 ─┼──────────────► H ───────────► B ─────────► C
    A4 ─┘

Awa Traoré holds H, Moussa Diarra holds A1, عبد الله holds C; Awa and Moussa share a phone.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from moneytrail.ingest.base import StageContext
from moneytrail.model.ids import natural_key
from tests.ingest.story_reader import account_id

A1, A2, A3, A4 = "+22376000001", "+22376000002", "+22376000003", "+22376000004"
H, B, C = "+22376000010", "+22376000020", "+22376000030"
AWA, MOUSSA, ABDALLAH = "Awa Traoré", "Moussa Diarra", "عبد الله"
SHARED_PHONE = "+22360000000"


def party_id(name: str) -> str:
    """Id of the story party ``name``."""
    return natural_key("party", name)


class NetworkStoryReader:
    """Reads ``*.netstory``: JSON lines ``{"table": ..., ...}`` (``kind`` stays a column)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        return 100 if path.suffix == ".netstory" else 0

    def stage(self, ctx: StageContext) -> None:
        lines = ctx.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            row = json.loads(line)
            table = row.pop("table")
            row["source_row"] = number
            if table == "transactions":
                row["id"] = natural_key("tx", "netstory", row["ext_id"])
                row["ts"] = datetime.fromisoformat(row["ts"])
                row["amount"] = Decimal(row["amount"])
                row["src_account_id"] = account_id(row.pop("src"))
                row["dst_account_id"] = account_id(row.pop("dst"))
            ctx.add(table, row)


def _wallet(number: str, holder: str | None = None, country: str = "ML") -> dict[str, Any]:
    row = {"table": "accounts", "id": account_id(number), "kind": "mobile_money"}
    row |= {"number": number, "currency": "XOF", "country": country}
    return row | ({"holder_party_id": party_id(holder)} if holder else {})


def _tx(ext: str, src: str, dst: str, amount: str, day: int) -> dict[str, Any]:
    row = {"table": "transactions", "ext_id": ext, "ts": f"2024-03-{day:02d}T10:00:00"}
    return row | {
        "src": src,
        "dst": dst,
        "amount": amount,
        "currency": "XOF",
        "channel": "mobile_money",
    }


def story_rows() -> list[dict[str, Any]]:
    """Every row of the story, parties first."""
    parties = [
        {"table": "parties", "id": party_id(n), "kind": "person", "name": n, "country": "ML"}
        for n in (AWA, MOUSSA, ABDALLAH)
    ]
    phones = [
        {"table": "identifiers", "owner_id": party_id(n), "scheme": "phone", "value": SHARED_PHONE}
        for n in (AWA, MOUSSA)
    ]
    wallets = [_wallet(A1, MOUSSA), _wallet(A2), _wallet(A3), _wallet(A4)]
    wallets += [_wallet(H, AWA), _wallet(B, country="NE"), _wallet(C, ABDALLAH, "NE")]
    txs = [_tx(f"T{i}", a, H, "1000", i) for i, a in enumerate((A1, A2, A3, A4), start=1)]
    txs += [_tx("T5", H, B, "2500", 6), _tx("T6", H, B, "2500", 7), _tx("T7", B, C, "4000", 9)]
    return [*parties, *phones, *wallets, *txs]


def write_story(path: Path) -> Path:
    """Write the story file and return its path."""
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in story_rows())
    path.write_text(text + "\n", encoding="utf-8")
    return path
