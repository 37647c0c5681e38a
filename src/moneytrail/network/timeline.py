"""The transactions of some accounts over time: what the timeline of a subject shows.

Why a module: the analyst's first question about an account is "what went in and out, when,
with whom". One query reads the transactions touching the accounts, with the counterparty's
number and holder, the bank's own reference (``ext_id``) and the channel; a transfer between
two of the subject's own accounts is listed once, as ``internal``.

Example::

    rows, more = account_transactions(ws.engine, ["<account id>"], None, None)
    rows[0].direction  # "in", "out" or "internal"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from moneytrail.engine.base import Engine

MAX_ROWS = 5000

_SQL = (
    "SELECT t.id, t.ts,"
    " CASE WHEN list_contains($1, t.src_account_id) AND list_contains($1, t.dst_account_id)"
    " THEN 'internal' WHEN list_contains($1, t.src_account_id) THEN 'out' ELSE 'in' END,"
    " t.src_account_id, t.dst_account_id, c.id, c.number, coalesce(p.name, c.name), c.kind,"
    " c.country, t.amount, t.currency, t.amount_reporting, t.channel, t.ext_id, t.reference"
    " FROM transactions t"
    " LEFT JOIN accounts c ON c.id = CASE WHEN list_contains($1, t.src_account_id)"
    " THEN t.dst_account_id ELSE t.src_account_id END"
    " LEFT JOIN parties p ON p.id = c.holder_party_id"
    " WHERE (list_contains($1, t.src_account_id) OR list_contains($1, t.dst_account_id))"
    " AND ($2::TIMESTAMP IS NULL OR t.ts >= $2::TIMESTAMP)"
    " AND ($3::TIMESTAMP IS NULL OR t.ts < $3::TIMESTAMP)"
    " ORDER BY t.ts, t.id LIMIT $4"
)


@dataclass
class TimelineRow:
    """One transaction seen from the subject: ``direction`` in, out or internal."""

    transaction_id: str
    ts: datetime
    direction: str
    account_id: str | None
    counterparty_id: str | None
    counterparty_number: str | None
    counterparty_holder: str | None
    counterparty_kind: str | None
    counterparty_country: str | None
    amount: Decimal
    currency: str
    amount_reporting: Decimal | None
    channel: str
    ext_id: str | None
    reference: str | None


def account_transactions(
    engine: Engine,
    accounts: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    limit: int = MAX_ROWS,
) -> tuple[list[TimelineRow], bool]:
    """Transactions touching ``accounts`` in ``[start, end)``, oldest first; and whether
    more than ``limit`` exist (only the first ``limit`` are returned)."""
    rows = engine.fetchall(
        _SQL,
        [list(accounts), start, end, limit + 1],
    )
    found = []
    for r in rows[:limit]:
        own = r[3] if r[2] != "in" else r[4]
        found.append(
            TimelineRow(
                transaction_id=str(r[0]),
                ts=r[1],
                direction=str(r[2]),
                account_id=own,
                counterparty_id=r[5] if r[2] != "internal" else r[4],
                counterparty_number=r[6],
                counterparty_holder=r[7],
                counterparty_kind=r[8],
                counterparty_country=r[9],
                amount=Decimal(r[10]),
                currency=str(r[11]),
                amount_reporting=None if r[12] is None else Decimal(r[12]),
                channel=str(r[13]),
                ext_id=r[14],
                reference=r[15],
            )
        )
    return found, len(rows) > limit
