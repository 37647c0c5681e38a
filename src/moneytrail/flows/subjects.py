"""What a picture or a table needs to know about accounts, and turning names into accounts.

Why here: the Sankey labels show the holder's name (a prosecutor reads "Awa Traoré", not a
wallet hash) and the country (a border crossing is a country change between two accounts);
the ``paths`` commands accept an account number, an account id or a party, like ``trace``.

Example::

    facts = account_facts(ws.engine, ["0f3a..."])
    facts["0f3a..."].holder
    subject_accounts(ws.engine, "Awa Traoré")   # ids of every account Awa holds
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError


@dataclass(frozen=True)
class AccountFacts:
    """Number, kind, country and holder's name of one account (any may be unknown)."""

    id: str
    number: str | None
    kind: str | None
    country: str | None
    holder: str | None

    @property
    def label(self) -> str:
        """Holder's name, else account number, else the start of the id."""
        return self.holder or self.number or self.id[:12]


def account_facts(engine: Engine, ids: Iterable[str]) -> dict[str, AccountFacts]:
    """Facts of the accounts ``ids`` (unknown ids are simply absent)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = engine.fetchall(
        "SELECT a.id, a.number, a.kind, a.country, coalesce(p.name, a.name)"
        " FROM accounts a LEFT JOIN parties p ON p.id = a.holder_party_id"
        " WHERE list_contains(?, a.id)",
        [wanted],
    )
    return {str(r[0]): AccountFacts(str(r[0]), r[1], r[2], r[3], r[4]) for r in rows}


def subject_accounts(engine: Engine, subject: str) -> list[str]:
    """Account ids named by ``subject``: an account id or number, else a party id or exact
    name (case-insensitive: all its accounts); UsageError when nothing matches."""
    rows = engine.fetchall(
        "SELECT id FROM accounts WHERE id = ? OR number = ? ORDER BY id", [subject, subject]
    )
    if not rows:
        rows = engine.fetchall(
            "SELECT a.id FROM accounts a JOIN parties p ON p.id = a.holder_party_id"
            " WHERE p.id = ? OR lower(p.name) = lower(?) ORDER BY a.id",
            [subject, subject],
        )
    if not rows:
        raise UsageError("error.flows_unknown_subject", subject=subject)
    return [str(r[0]) for r in rows]
