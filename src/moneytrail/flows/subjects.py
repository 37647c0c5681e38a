"""What a picture or a table needs to know about accounts.

Why here: the Sankey labels show the holder's name (a prosecutor reads "Awa Traoré", not a
wallet hash) and the country (a border crossing is a country change between two accounts).
Turning what the analyst names into accounts is :mod:`moneytrail.subjects`' job.

Example::

    facts = account_facts(ws.engine, ["0f3a..."])
    facts["0f3a..."].holder
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moneytrail.engine.base import Engine


@dataclass(frozen=True)
class AccountFacts:
    """Number, kind, country and holder's name of one account (any may be unknown).

    ``place`` is where the account's agent or counter is (the account's ``address``
    identifier, e.g. a mobile-money agent's ``lieu`` column): where cash taken out there left
    the system.
    """

    id: str
    number: str | None
    kind: str | None
    country: str | None
    holder: str | None
    place: str | None = None

    @property
    def label(self) -> str:
        """Holder's name, else account number, else the start of the id."""
        return self.holder or self.number or self.id[:12]


def account_facts(engine: Engine, ids: Iterable[str]) -> dict[str, AccountFacts]:
    """Facts of the accounts ``ids`` (unknown ids are simply absent)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    # Addresses joined as a grouped list, not a correlated subquery: one SQL text that
    # DuckDB and Spark read alike (decision 0141).
    rows = engine.fetchall(
        "WITH places AS (SELECT owner_id, array_to_string(list(value ORDER BY value), ' / ')"
        " AS place FROM (SELECT DISTINCT owner_id, value FROM identifiers"
        " WHERE scheme = 'address' AND list_contains(?, owner_id)) GROUP BY owner_id)"
        " SELECT a.id, a.number, a.kind, a.country, coalesce(p.name, a.name), pl.place"
        " FROM accounts a LEFT JOIN parties p ON p.id = a.holder_party_id"
        " LEFT JOIN places pl ON pl.owner_id = a.id"
        " WHERE list_contains(?, a.id)",
        [wanted, wanted],
    )
    return {str(r[0]): AccountFacts(str(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows}
