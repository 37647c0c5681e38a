"""One resolver of what an analyst names: accounts, transactions, parties.

Why one: trace, network, paths (and the case file) all take "the account +223 76 12 34 56" or
"the transfer OM2400300004" as the analyst writes them, and each used to have its own lookup
(one refused the spaced number the README shows). Here:

* an **account** is found by its id, or by its number in any written form: spaced or dotted,
  national or international MSISDN (``76 12 34 56``, ``0022376123456`` -> ``+22376123456``),
  IBAN with spaces or lower case, or the bank's own number as written
  (:func:`moneytrail.model.identifiers.account_number_forms` gives the forms);
* a **transaction** by its internal id or by the source's own reference (``ext_id``);
* a **party** by its id or its name (case, accents and repeated spaces ignored), standing for
  all its accounts; an account by its own name comes last (a statement's "Compte courant X").

National numbers are read in the workspace's home country (the country most of its accounts
are in, else Mali): an FIU's own data decides, not the machine's locale.

Example::

    account_ids(engine, ["+223 76 12 34 56"])       # -> ["52cc00aa..."]
    transaction_ids(engine, ["OM2400300004"])       # -> ["9a1f..."]
    subject(engine, "aissata maiga").account_ids    # every account Aïssata Maïga holds
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.model.identifiers import DEFAULT_REGION, account_number_forms

__all__ = [
    "Subject",
    "account_forms",
    "account_ids",
    "home_region",
    "party_account_ids",
    "subject",
    "transaction_ids",
]


@dataclass(frozen=True)
class Subject:
    """What a name stood for: ``kind`` (``account`` or ``party``), the account ids, and for a
    party its ids (a party found by name may hold no account: it is still a node of the
    network, linked by a shared phone or an identity document)."""

    text: str
    kind: str
    account_ids: tuple[str, ...]
    party_ids: tuple[str, ...] = ()

    @property
    def node_ids(self) -> tuple[str, ...]:
        """Where a network picture of this subject starts: the party, else the accounts."""
        return self.party_ids or self.account_ids


def home_region(engine: Engine) -> str:
    """The workspace's home country: where most of its accounts are, else Mali."""
    rows = engine.fetchall(
        "SELECT country FROM accounts WHERE country IS NOT NULL GROUP BY country"
        " ORDER BY count(*) DESC, country LIMIT 1"
    )
    return str(rows[0][0]) if rows else DEFAULT_REGION


def account_forms(ref: str, region: str) -> list[str]:
    """Every stored text ``ref`` may match: the id as typed (trimmed), then each form of the
    number (:func:`~moneytrail.model.identifiers.account_number_forms`).

    >>> account_forms(" 76 12 34 56 ", "ML")
    ['76 12 34 56', '76123456', '+22376123456']
    """
    return list(dict.fromkeys([ref.strip(), *account_number_forms(ref, region)]))


def _accounts_of(engine: Engine, ref: str, region: str) -> list[str]:
    rows = engine.fetchall(
        "SELECT id FROM accounts WHERE id = ? OR list_contains(?, number) ORDER BY id",
        [ref.strip(), account_forms(ref, region)],
    )
    return [str(r[0]) for r in rows]


def account_ids(engine: Engine, refs: Sequence[str], region: str | None = None) -> list[str]:
    """Ids of the accounts ``refs`` name (ids or numbers in any written form); an unknown
    reference is a :class:`UsageError` naming it."""
    where = region or home_region(engine)
    found: set[str] = set()
    for ref in refs:
        ids = _accounts_of(engine, ref, where)
        if not ids:
            raise UsageError("error.trace_unknown_account", account=ref)
        found.update(ids)
    return sorted(found)


def _name(text: str) -> str:
    """A name as typed, its spaces made single (the SQL side ignores case and accents)."""
    return " ".join(text.split())


def _parties_of(engine: Engine, ref: str) -> list[str]:
    rows = engine.fetchall(
        "SELECT id FROM parties WHERE id = ?"
        " OR lower(strip_accents(name)) = lower(strip_accents(?)) ORDER BY id",
        [ref.strip(), _name(ref)],
    )
    return [str(r[0]) for r in rows]


def _held_by(engine: Engine, parties: Sequence[str]) -> list[str]:
    if not parties:
        return []
    rows = engine.fetchall(
        "SELECT id FROM accounts WHERE list_contains(?, holder_party_id) ORDER BY id",
        [list(parties)],
    )
    return [str(r[0]) for r in rows]


def party_account_ids(engine: Engine, ref: str) -> list[str]:
    """Ids of every account held by the party ``ref`` (its id, or its name); a party unknown
    or holding no account is a :class:`UsageError`."""
    held = _held_by(engine, _parties_of(engine, ref))
    if not held:
        raise UsageError("error.trace_unknown_party", party=ref)
    return held


def transaction_ids(engine: Engine, refs: Sequence[str]) -> list[str]:
    """Ids of the transactions ``refs`` name: an internal id, or the source's own reference
    (``ext_id``; several sources may use one reference: all are returned). One pass over the
    transactions for all the references; an unknown one is a :class:`UsageError`."""
    wanted = list(dict.fromkeys(ref.strip() for ref in refs))
    if not wanted:
        return []
    rows = engine.fetchall(
        "SELECT id, ext_id FROM transactions"
        " WHERE id IN (SELECT unnest(?::VARCHAR[])) OR ext_id IN (SELECT unnest(?::VARCHAR[]))",
        [wanted, wanted],
    )
    seen = {str(r[0]) for r in rows} | {str(r[1]) for r in rows if r[1] is not None}
    for ref in refs:
        if ref.strip() not in seen:
            raise UsageError("error.trace_unknown_transaction", transaction=ref)
    return sorted({str(r[0]) for r in rows})


def subject(
    engine: Engine, text: str, region: str | None = None, *, need_accounts: bool = True
) -> Subject:
    """What ``text`` names: an account (id or number in any form), else a party (id or name:
    all its accounts), else an account by its own name. With ``need_accounts`` (paths, routes)
    a party holding no account is unknown; without (network pictures) it is found."""
    ids = _accounts_of(engine, text, region or home_region(engine))
    if ids:
        return Subject(text, "account", tuple(ids))
    parties = _parties_of(engine, text)
    held = _held_by(engine, parties)
    if parties and (held or not need_accounts):
        return Subject(text, "party", tuple(held), tuple(parties))
    rows = engine.fetchall(
        "SELECT id FROM accounts WHERE lower(strip_accents(name)) = lower(strip_accents(?))"
        " ORDER BY id",
        [_name(text)],
    )
    if rows:
        return Subject(text, "account", tuple(str(r[0]) for r in rows))
    raise UsageError("error.subject_unknown", subject=text)
