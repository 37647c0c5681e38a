"""Ids of the people and pseudo-accounts the cash and hawala templates name.

Why here: a courier in a customs file and a customer in a hawala ledger are the same person
when they show the same identity document or phone number; both readers mint ids the same way.

* person key: ``doc:<scheme>:<number>`` (identity document), else ``phone:<E.164>``, else
  ``name:<source id>:<comparable name>``: a name alone is scoped to its file, since two
  strangers share names (decision 0101 says the same for statements).
* a person's cash: ``natural_key("account", "cash", "", "CASH:" + person key)``;
* a person's cash while it crosses a border: ``... "cash", "border", "TRANSIT:" + person key``;
* cash seized at a border post: ``... "external", "customs", "SEIZED:" + post``;
* a hawaladar's customer position: ``... "hawala", "hawala", "CLIENTS:" + hawaladar key``, its
  settlement position ``"SETTLEMENT:" + hawaladar key`` (kept apart, decision 0134).

>>> person_key(None, None, "Awa Traoré", "src1")
'name:src1:awatraore'
"""

from __future__ import annotations

from moneytrail.cash.table import header_key
from moneytrail.model.ids import natural_key


def person_key(document: str | None, phone: str | None, name: str, source_id: str) -> str:
    """The natural key of a person from the best identifier the row gives."""
    if document:
        return f"doc:{header_key(document)}"
    if phone:
        return f"phone:{phone}"
    return f"name:{source_id}:{header_key(name)}"


def party_id(key: str) -> str:
    """Party id of a person key."""
    return natural_key("party", "cash", key)


def cash_account(key: str) -> str:
    """Id of the person's cash pseudo-account."""
    return natural_key("account", "cash", "", f"CASH:{key}")


def transit_account(key: str) -> str:
    """Id of the person's cash in transit across a border (one per person: never mixed)."""
    return natural_key("account", "cash", "border", f"TRANSIT:{key}")


def seizure_account(post: str) -> str:
    """Id of the customs account holding cash seized at ``post``."""
    return natural_key("account", "external", "customs", f"SEIZED:{header_key(post)}")


def hawaladar_key(name: str, country: str | None) -> str:
    """Natural key of a hawaladar: comparable name and country (ledgers rarely give more)."""
    return f"{header_key(name)}:{country or ''}"


def hawaladar_ref(hkey: str) -> str:
    """Reference of a hawaladar (an id that is not an account): links compare it, positions
    keep it in ``accounts.institution``."""
    return natural_key("hawaladar", hkey)


def hawala_position(leg_key: str) -> str:
    """Id of the earmarked position of one customer leg (``leg_key``: the leg's natural key)."""
    return natural_key("account", "hawala", "hawala", f"LEG:{leg_key}")


def hawala_house(hkey: str) -> str:
    """Id of a hawaladar's house position: its own funds (commissions) and settlements with
    other hawaladars (netting, invoices, cash runs)."""
    return natural_key("account", "hawala", "hawala", f"HOUSE:{hkey}")
