"""Tiny named stories for tracing tests, written straight into a fresh workspace's tables.

Why SQL inserts: the tests are about tracing arithmetic, not parsing; inserting canonical rows
(the same columns the ingest commit writes) keeps each story readable in a few lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from moneytrail.engine.base import Engine
from moneytrail.model.ids import natural_key

# (name, kind, country); the account number is the name.
Account = tuple[str, str, str]
# (ext id, "YYYY-MM-DD HH:MM", src name or None, dst name or None, amount, channel)
Tx = tuple[str, str, str | None, str | None, int | str, str]


def acc_id(name: str) -> str:
    """Id of the story account ``name``."""
    return natural_key("account", "story", name)


def tx_id(ext: str) -> str:
    """Id of the story transaction ``ext``."""
    return natural_key("tx", "story", ext)


def write_story(
    engine: Engine,
    accounts: Sequence[Account],
    txs: Sequence[Tx],
    currency: str = "XOF",
    holders: dict[str, str] | None = None,
) -> None:
    """Insert accounts, transactions (and holder parties) of a story."""
    engine.execute(
        "INSERT INTO sources VALUES ('story', 'story', 'x', 0, 'story', NULL,"
        " TIMESTAMP '2024-01-01', 0, 0, 'test')"
    )
    holders = holders or {}
    for party in sorted(set(holders.values())):
        engine.execute(
            "INSERT INTO parties (id, kind, name, source_id) VALUES (?, 'person', ?, 'story')",
            [natural_key("party", party), party],
        )
    for name, kind, country in accounts:
        holder = holders.get(name)
        engine.execute(
            "INSERT INTO accounts (id, kind, number, currency, country, holder_party_id,"
            " source_id) VALUES (?, ?, ?, ?, ?, ?, 'story')",
            [
                acc_id(name),
                kind,
                name,
                currency,
                country,
                natural_key("party", holder) if holder else None,
            ],
        )
    for row, (ext, ts, src, dst, amount, channel) in enumerate(txs, start=1):
        engine.execute(
            "INSERT INTO transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
            " currency, channel, source_id, source_row) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'story', ?)",
            [
                tx_id(ext),
                ext,
                datetime.fromisoformat(ts),
                acc_id(src) if src else None,
                acc_id(dst) if dst else None,
                Decimal(str(amount)),
                currency,
                channel,
                row,
            ],
        )
