"""Tiny named stories for the typology rules, written straight into a workspace's tables.

Why SQL inserts: the tests are about what each rule's query finds, not about parsing; canonical
rows (the columns the ingest commit writes, ``amount_reporting`` included) keep each story to a
few readable lines. Amounts are XOF, so ``amount_reporting`` equals ``amount``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from moneytrail.engine.base import Engine
from moneytrail.model.ids import natural_key

T0 = datetime(2024, 3, 1, 9, 0)


def at(days: float = 0, hours: float = 0) -> datetime:
    """``T0`` plus an offset: stories read as "day 2, 3 hours later"."""
    return T0 + timedelta(days=days, hours=hours)


class Story:
    """Parties, accounts and transactions of one story (ids from the names)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows = 0
        engine.execute(
            "INSERT INTO sources VALUES ('story', 'story', 'x', 0, 'story', NULL,"
            " TIMESTAMP '2024-01-01', 0, 0, 'test')"
        )

    def party(self, name: str, kind: str = "person", country: str = "ML") -> str:
        """Add a party; returns its id."""
        pid = natural_key("party", "story", name)
        self.engine.execute(
            "INSERT INTO parties (id, kind, name, country, source_id) VALUES (?, ?, ?, ?, 'story')",
            [pid, kind, name, country],
        )
        return pid

    def account(
        self,
        number: str,
        kind: str = "mobile_money",
        country: str = "ML",
        holder: str | None = None,
    ) -> str:
        """Add an account (the number is the name); returns its id."""
        aid = acc(number)
        self.engine.execute(
            "INSERT INTO accounts (id, kind, number, currency, country, holder_party_id,"
            " source_id) VALUES (?, ?, ?, 'XOF', ?, ?, 'story')",
            [aid, kind, number, country, holder],
        )
        return aid

    def tx(
        self,
        src: str | None,
        dst: str | None,
        amount: int,
        when: datetime,
        channel: str = "mobile_money",
        tx_type: str | None = None,
        dst_country: str | None = None,
    ) -> str:
        """Add a transaction between two story accounts (by number); returns its id."""
        self.rows += 1
        tid = natural_key("tx", "story", self.rows)
        self.engine.execute(
            "INSERT INTO transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
            " currency, amount_reporting, channel, tx_type, dst_country, source_id, source_row)"
            " VALUES (?, ?, ?, ?, ?, ?, 'XOF', ?, ?, ?, ?, 'story', ?)",
            [
                tid,
                f"T{self.rows}",
                when,
                acc(src) if src else None,
                acc(dst) if dst else None,
                Decimal(amount),
                Decimal(amount),
                channel,
                tx_type,
                dst_country,
                self.rows,
            ],
        )
        return tid


def acc(number: str) -> str:
    """Id of the story account ``number``."""
    return natural_key("account", "story", number)
