"""The subjects of a workspace as filters and PSI see them: persons and organisations with
their names, aliases, identity numbers, phones and the numbers of the accounts they hold.

Why accounts join their holder: "do you know account ML0161...?" and "do you know Moussa
Traoré?" are one question about one subject; an account held by nobody known (a counterpart's
wallet) is a subject of its own. Only the schemes an FIU may be asked about are shared
(:data:`SHARED_SCHEMES`): addresses, e-mails and device ids stay home.

Example::

    subjects = read_subjects(ws.engine)                         # the whole workspace
    subjects = read_subjects(ws.engine, party_ids=["p1"], account_ids=["a9"])   # a case's
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from moneytrail.engine.base import Engine
from moneytrail.share.subject_keys import Subject

# A ``legal_entity`` (a mobile-money subscriber of unknown kind) is read as a person: most are.
ORGANISATION_KINDS = ("company", "organization")
SHARED_SCHEMES = ("phone", "national_id", "passport", "nina", "rccm", "tax_id")

_PARTIES = "SELECT id, name, aliases, kind FROM parties"
_PARTIES_IN = (
    "SELECT id, name, aliases, kind FROM parties WHERE id IN (SELECT unnest(?::VARCHAR[]))"
)
_IDENTIFIERS = (
    "SELECT owner_id, value FROM identifiers WHERE scheme IN (SELECT unnest(?::VARCHAR[]))"
)
_IDENTIFIERS_IN = (
    "SELECT owner_id, value FROM identifiers WHERE scheme IN (SELECT unnest(?::VARCHAR[]))"
    " AND owner_id IN (SELECT unnest(?::VARCHAR[]))"
)
_ACCOUNTS = "SELECT id, number, holder_party_id, name FROM accounts WHERE number IS NOT NULL"
_ACCOUNTS_IN = (
    "SELECT id, number, holder_party_id, name FROM accounts WHERE number IS NOT NULL"
    " AND (id IN (SELECT unnest(?::VARCHAR[]))"
    " OR holder_party_id IN (SELECT unnest(?::VARCHAR[])))"
)
_HOLDERS = (
    "SELECT DISTINCT holder_party_id FROM accounts"
    " WHERE holder_party_id IS NOT NULL AND id IN (SELECT unnest(?::VARCHAR[]))"
)


def read_subjects(
    engine: Engine,
    party_ids: Sequence[str] | None = None,
    account_ids: Sequence[str] | None = None,
) -> list[Subject]:
    """Subjects of the whole workspace (no ids given), or of these parties and accounts (an
    account brings its holder and the holder's other accounts)."""
    schemes = list(SHARED_SCHEMES)
    if party_ids is None and account_ids is None:
        parties = engine.fetchall(_PARTIES)
        identifiers = engine.fetchall(_IDENTIFIERS, [schemes])
        accounts = engine.fetchall(_ACCOUNTS)
    else:
        wanted_accounts = sorted(set(account_ids or ()))
        holders = [row[0] for row in engine.fetchall(_HOLDERS, [wanted_accounts])]
        wanted = sorted(set(party_ids or ()) | set(holders))
        parties = engine.fetchall(_PARTIES_IN, [wanted])
        identifiers = engine.fetchall(_IDENTIFIERS_IN, [schemes, wanted])
        accounts = engine.fetchall(_ACCOUNTS_IN, [wanted_accounts, wanted])
    values: dict[str, list[str]] = defaultdict(list)
    for owner, value in identifiers:
        values[str(owner)].append(str(value))
    known = {str(row[0]) for row in parties}
    loose: list[Subject] = []
    for account_id, number, holder, name in accounts:
        if holder is not None and str(holder) in known:
            values[str(holder)].append(str(number))
        else:
            loose.append(Subject(str(account_id), str(name or number), (), (str(number),)))
    subjects = [
        Subject(
            str(pid),
            str(name),
            (str(name), *(str(a) for a in aliases or ())),
            tuple(values[str(pid)]),
            "Organization" if kind in ORGANISATION_KINDS else "Person",
        )
        for pid, name, aliases, kind in parties
    ]
    return subjects + loose
