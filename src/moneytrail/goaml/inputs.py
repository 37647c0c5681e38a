"""What a goAML report is made of, read from the workspace: the typed :class:`ReportInput`.

Why a typed input between the case and the XML: the case says *which* transactions (its
evidence) and *who* is under analysis (its subjects); the workspace holds their full rows,
accounts, holders and identifiers. :func:`report_input` reads those rows with bound parameters
once, so that :func:`moneytrail.goaml.write.build_report` is a pure function of its input and a
profile (and can be tested on a hand-made input).

Which transactions go into the report (decided here, documented in ``docs/goaml.md``):

* every transaction the case's evidence names (an alert's transaction list, a source row's
  transactions), each remembering which case items named it (its *origins*);
* with ``subject_window=True``, also the transactions of the subjects' accounts between the
  first and the last evidence transaction (the window the evidence covers).

Example::

    found = report_input(
        ws.engine,
        {"c993c377…": ("alert 15b063d0",)},
        subject_accounts=("e458e199…",),
        header=ReportHeader(entity_id=1234, entity_reference="D-2026-0001", report_code="STR"),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from moneytrail.engine.base import Engine


@dataclass(frozen=True)
class PartyRow:
    """A party of the workspace (an account's holder)."""

    id: str
    kind: str
    name: str
    birth_date: date | None = None
    nationality: str | None = None
    country: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()

    @property
    def is_person(self) -> bool:
        """A natural person (``t_person``); anything else is written as an entity."""
        return self.kind == "person"


@dataclass(frozen=True)
class AccountRow:
    """An account of the workspace with its holder."""

    id: str
    kind: str
    institution: str | None
    number: str | None
    name: str | None
    currency: str | None
    country: str | None
    holder: PartyRow | None = None


@dataclass(frozen=True)
class TransactionRow:
    """A transaction of the workspace with its two accounts and the case items that named it."""

    id: str
    ext_id: str | None
    ts: datetime
    amount: Decimal
    currency: str
    amount_reporting: Decimal | None
    channel: str
    tx_type: str | None
    reference: str | None
    src_country: str | None
    dst_country: str | None
    source: AccountRow | None
    target: AccountRow | None
    origins: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        """The number the report gives it: the bank's reference, else the workspace id."""
        return self.ext_id or self.id


@dataclass(frozen=True)
class ReportHeader:
    """What the report says about itself: who files it, what it is, why.

    ``entity_id`` is the reporting entity's goAML id (``rentity_id``, an integer the FIU
    assigns); ``entity_reference`` the filer's own reference (the case's); ``reporter`` the
    submitting person's name; ``indicators`` the profile's report indicator codes.
    """

    entity_id: int
    entity_reference: str
    report_code: str = "STR"
    reason: str = ""
    action: str = ""
    indicators: tuple[str, ...] = ()
    reporter: str | None = None
    entity_branch: str | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class ReportInput:
    """Everything a report holds, before it is XML.

    ``local_currency`` is the workspace's reporting currency (``currency_code_local``);
    ``missing`` the transactions the case names that the workspace no longer holds, each with
    its origins (a rebuilt workspace): they are problems, not silently dropped lines.
    """

    header: ReportHeader
    local_currency: str
    transactions: tuple[TransactionRow, ...]
    missing: tuple[tuple[str, tuple[str, ...]], ...] = ()
    subjects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def parties(self) -> tuple[PartyRow, ...]:
        """The distinct holders of the reported transactions' accounts, in report order."""
        seen: dict[str, PartyRow] = {}
        for tx in self.transactions:
            for account in (tx.source, tx.target):
                if account is not None and account.holder is not None:
                    seen.setdefault(account.holder.id, account.holder)
        return tuple(seen.values())


_TX_COLUMNS = (
    "id, ext_id, ts, src_account_id, dst_account_id, amount, currency, amount_reporting,"
    " channel, tx_type, reference, src_country, dst_country"
)
_TX_SQL = (
    f"SELECT {_TX_COLUMNS} FROM transactions"  # noqa: S608 - constant column list
    " WHERE id IN (SELECT unnest(?::VARCHAR[])) ORDER BY ts, id"
)
_WINDOW_SQL = (
    "SELECT id FROM transactions"
    " WHERE (src_account_id IN (SELECT unnest(?::VARCHAR[]))"
    "        OR dst_account_id IN (SELECT unnest(?::VARCHAR[])))"
    " AND ts BETWEEN ? AND ?"
)
_ACCOUNT_SQL = (
    "SELECT id, kind, institution, number, name, currency, country, holder_party_id"
    " FROM accounts WHERE id IN (SELECT unnest(?::VARCHAR[]))"
)
_PARTY_SQL = (
    "SELECT id, kind, name, birth_date, nationality, country FROM parties"
    " WHERE id IN (SELECT unnest(?::VARCHAR[]))"
)
_IDENTIFIER_SQL = (
    "SELECT DISTINCT owner_id, scheme, value FROM identifiers"
    " WHERE owner_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY owner_id, scheme, value"
)
_LOCAL_CURRENCY_SQL = "SELECT value FROM settings WHERE key = 'reporting_currency'"
SUBJECT_WINDOW_ORIGIN = "subject window"


def report_input(
    engine: Engine,
    transactions: Mapping[str, Sequence[str]],
    *,
    header: ReportHeader,
    subject_accounts: Sequence[str] = (),
    subject_window: bool = False,
) -> ReportInput:
    """Read the named transactions (id → the case items that named them), their accounts and
    holders from the workspace behind ``engine``; with ``subject_window``, add the subjects'
    transactions between the first and the last named one."""
    origins = {tx_id: tuple(named) for tx_id, named in transactions.items()}
    rows = engine.fetchall(_TX_SQL, [sorted(origins)])
    if subject_window and subject_accounts and rows:
        first, last = min(r[2] for r in rows), max(r[2] for r in rows)
        subjects = sorted(set(subject_accounts))
        extra = [r[0] for r in engine.fetchall(_WINDOW_SQL, [subjects, subjects, first, last])]
        for tx_id in extra:
            origins.setdefault(tx_id, (SUBJECT_WINDOW_ORIGIN,))
        rows = engine.fetchall(_TX_SQL, [sorted(origins)])
    found = {r[0] for r in rows}
    missing = tuple((t, origins[t]) for t in sorted(origins) if t not in found)
    account_ids = sorted({a for r in rows for a in (r[3], r[4]) if a})
    accounts = _accounts(engine, account_ids)
    txs = tuple(
        TransactionRow(
            id=r[0],
            ext_id=r[1],
            ts=r[2],
            amount=r[5],
            currency=r[6],
            amount_reporting=r[7],
            channel=r[8],
            tx_type=r[9],
            reference=r[10],
            src_country=r[11],
            dst_country=r[12],
            source=accounts.get(r[3]) if r[3] else None,
            target=accounts.get(r[4]) if r[4] else None,
            origins=origins[r[0]],
        )
        for r in rows
    )
    local = engine.fetchall(_LOCAL_CURRENCY_SQL)
    return ReportInput(
        header=header,
        local_currency=str(local[0][0]) if local else "XOF",
        transactions=txs,
        missing=missing,
        subjects=tuple(subject_accounts),
    )


def _accounts(engine: Engine, ids: list[str]) -> dict[str, AccountRow]:
    if not ids:
        return {}
    rows = engine.fetchall(_ACCOUNT_SQL, [ids])
    holders = _parties(engine, sorted({r[7] for r in rows if r[7]}))
    return {
        r[0]: AccountRow(
            id=r[0],
            kind=r[1],
            institution=r[2],
            number=r[3],
            name=r[4],
            currency=r[5],
            country=r[6],
            holder=holders.get(r[7]) if r[7] else None,
        )
        for r in rows
    }


def _parties(engine: Engine, ids: list[str]) -> dict[str, PartyRow]:
    if not ids:
        return {}
    identifiers: dict[str, list[tuple[str, str]]] = {}
    for owner, scheme, value in engine.fetchall(_IDENTIFIER_SQL, [ids]):
        identifiers.setdefault(owner, []).append((scheme, value))
    parties: dict[str, PartyRow] = {}
    for r in engine.fetchall(_PARTY_SQL, [ids]):
        row: tuple[Any, ...] = r
        parties[row[0]] = PartyRow(
            id=row[0],
            kind=row[1],
            name=row[2],
            birth_date=row[3],
            nationality=row[4],
            country=row[5],
            identifiers=tuple(identifiers.get(row[0], ())),
        )
    return parties
