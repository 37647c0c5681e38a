"""Merging the parties, accounts and identifiers a structured file repeats, then staging them.

XML formats (ISO 20022 statements, goAML reports) name the same account and its holder on every
transaction. Readers keep one row per id: the first row wins, its empty fields are filled from
later ones, and a party first seen only as "some legal entity" takes the kind a later row gives.
Identifiers keep the line they were first seen on.

>>> rows = {}
>>> merge_row(rows, {"id": "p1", "kind": "legal_entity", "name": None})
>>> merge_row(rows, {"id": "p1", "kind": "person", "name": "Awa Traoré"})
>>> rows["p1"]
{'id': 'p1', 'kind': 'person', 'name': 'Awa Traoré'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moneytrail.ingest.base import StageContext
from moneytrail.model.vocab import PartyKind


def merge_row(rows: dict[str, dict[str, Any]], row: dict[str, Any]) -> None:
    """Keep the first row per id; fill its empty fields (and a vague party kind) from ``row``."""
    known = rows.get(row["id"])
    if known is None:
        rows[row["id"]] = row
        return
    for column, value in row.items():
        if known.get(column) is None and value is not None:
            known[column] = value
    later = row.get("kind")
    if known.get("kind") == PartyKind.LEGAL_ENTITY.value and later and later != known["kind"]:
        known["kind"] = later


def stage_ledger(
    ctx: StageContext,
    parties: Mapping[str, dict[str, Any]],
    accounts: Mapping[str, dict[str, Any]],
    identifiers: Mapping[tuple[str, str, str], int | None],
) -> None:
    """Stage every merged party, account and identifier (``(owner, scheme, value) -> line``)."""
    ctx.add_many("parties", parties.values())
    ctx.add_many("accounts", accounts.values())
    for (owner, scheme, value), line in identifiers.items():
        ctx.add(
            "identifiers",
            {"owner_id": owner, "scheme": scheme, "value": value, "source_row": line},
        )
