"""A tiny test-only reader: JSON lines of canonical rows, one object per line.

``{"kind": "transactions", "ext_id": "T1", ...}``. It exercises the common commit step exactly as
real readers do (staging -> validation -> merge) without depending on any real format.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from moneytrail.ingest.base import StageContext
from moneytrail.model.ids import natural_key


def account_id(number: str) -> str:
    """Id of the mobile-money wallet ``number`` (same natural key as the real readers)."""
    return natural_key("account", "mobile_money", "", number)


class StoryReader:
    """Reads ``*.story`` files."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        return 100 if path.suffix == ".story" else 0

    def stage(self, ctx: StageContext) -> None:
        lines = ctx.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            row = json.loads(line)
            kind = row.pop("kind")
            row["source_row"] = number
            if kind == "accounts":
                row.setdefault("id", account_id(row["number"]))
                row.setdefault("kind", "mobile_money")
            if kind == "transactions":
                row["id"] = natural_key("tx", "story", row["ext_id"])
                row["ts"] = datetime.fromisoformat(row["ts"])
                row["amount"] = Decimal(row["amount"])
                row.setdefault("channel", "mobile_money")
                for side in ("src", "dst"):
                    if side in row:
                        value = row.pop(side)
                        row[f"{side}_account_id"] = account_id(value) if value else None
            ctx.add(kind, row)
            ctx.report(number, len(lines))
