"""Export a workspace as FollowTheMoney entities, one JSON object per line.

FtM is what Aleph, OpenAleph and partner FIUs' tools read, so an investigation built here can be
handed over without a custom format. Entities are built with the ``followthemoney`` model itself
(values are cleaned and checked by its property types) and streamed table by table in Arrow
batches, so the workspace is never loaded at once.

What is written (mapping tables in docs/formats/ftm.md):

* each party as Person / Company / Organization / LegalEntity with its identifiers;
* each account as BankAccount (``iban`` when FtM accepts the number as an IBAN, else
  ``accountNumber``; ``bic`` when FtM accepts the institution as a BIC, else ``bankName``;
  ``accountType`` when the kind is not ``bank``), except the pseudo-accounts that stand for a
  party paying without a named account (the Payment names the party alone);
* an Ownership (holder -> account) for each account with a known holder;
* each transaction as Payment (payer / beneficiary: the account holders; payerAccount /
  beneficiaryAccount: the accounts; ``date`` to the second; ``purpose``: the reference).

Ids are ``mt-`` + the moneytrail id, so the same workspace always gives the same file and the
FtM reader maps them back to the same rows.

>>> # export_ftm(ws.engine, Path("dossier.ftm.jsonl"))
>>> # {'parties': 2, 'accounts': 2, 'ownerships': 2, 'payments': 1}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from moneytrail.engine.base import Engine
from moneytrail.files.outputs import ProtectedPaths, atomic_output
from moneytrail.model.ftm import EXPORT_IDENTIFIERS, PARTY_SCHEMA, export_id, pseudo_account_id
from moneytrail.model.vocab import AccountKind

_PARTIES_SQL = (
    "SELECT p.id, p.kind, p.name, p.aliases, p.birth_date, p.nationality, p.country,"
    " list(i.scheme ORDER BY i.scheme, i.value) FILTER (WHERE i.scheme IS NOT NULL) AS schemes,"
    " list(i.value ORDER BY i.scheme, i.value) FILTER (WHERE i.scheme IS NOT NULL) AS ident"
    " FROM parties p LEFT JOIN identifiers i ON i.owner_id = p.id"
    " GROUP BY ALL ORDER BY p.id"
)
_ACCOUNTS_SQL = (
    "SELECT id, kind, institution, number, name, currency, country, holder_party_id"
    " FROM accounts ORDER BY id"
)
_PAYMENTS_SQL = (
    "SELECT t.id, t.ext_id, strftime(t.ts, '%Y-%m-%dT%H:%M:%S') AS ts,"
    " CAST(t.amount AS VARCHAR) AS amount, t.currency, t.reference,"
    " t.src_account_id, t.dst_account_id, s.holder_party_id AS payer,"
    " d.holder_party_id AS beneficiary"
    " FROM transactions t LEFT JOIN accounts s ON s.id = t.src_account_id"
    " LEFT JOIN accounts d ON d.id = t.dst_account_id ORDER BY t.ts, t.id"
)


def export_ftm(
    engine: Engine, out_path: Path, protected: ProtectedPaths | None = None
) -> dict[str, int]:
    """Write the workspace behind ``engine`` to ``out_path`` as FtM JSON lines; return counts.

    The file is written atomically (complete or not at all) and never over a ``protected``
    path: the workspace database, its companions or one of its source files.
    """
    counts = {"parties": 0, "accounts": 0, "ownerships": 0, "payments": 0}
    pseudo: set[str] = set()
    with (
        atomic_output(out_path, protected) as part,
        part.open("w", encoding="utf-8", newline="\n") as out,
    ):
        for row in _rows(engine, _PARTIES_SQL):
            _write(out, _party(row))
            counts["parties"] += 1
        for row in _rows(engine, _ACCOUNTS_SQL):
            holder = row["holder_party_id"]
            if holder and row["id"] == pseudo_account_id(holder):
                pseudo.add(row["id"])
                continue
            _write(out, _account(row))
            counts["accounts"] += 1
            if holder:
                _write(out, _ownership(holder, row["id"]))
                counts["ownerships"] += 1
        for row in _rows(engine, _PAYMENTS_SQL):
            _write(out, _payment(row, pseudo))
            counts["payments"] += 1
    return counts


def _rows(engine: Engine, sql: str) -> Iterator[dict[str, Any]]:
    for batch in engine.iter_batches(sql, size=10_000):
        yield from batch.to_pylist()


def _write(out: IO[str], entity: EntityProxy) -> None:
    out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True))
    out.write("\n")


def _party(row: dict[str, Any]) -> EntityProxy:
    entity = model.make_entity(PARTY_SCHEMA.get(row["kind"], "LegalEntity"))
    entity.id = export_id(row["id"])
    entity.add("name", row["name"])
    entity.add("alias", row["aliases"] or [])
    entity.add("country", row["country"])
    if entity.schema.get("birthDate") is not None and row["birth_date"] is not None:
        entity.add("birthDate", row["birth_date"].isoformat())
    entity.add("nationality", row["nationality"], quiet=True)
    for scheme, value in zip(row["schemes"] or [], row["ident"] or [], strict=True):
        prop = EXPORT_IDENTIFIERS.get(scheme)
        if prop is not None:
            entity.add(prop, value, quiet=True)
    return entity


def _account(row: dict[str, Any]) -> EntityProxy:
    entity = model.make_entity("BankAccount")
    entity.id = export_id(row["id"])
    # FtM keeps only IBANs and BICs it can check; anything else is an account number / bank name.
    entity.add("iban", row["number"], quiet=True)
    if not entity.has("iban"):
        entity.add("accountNumber", row["number"])
    entity.add("bic", row["institution"], quiet=True)
    if not entity.has("bic"):
        entity.add("bankName", row["institution"])
    if row["kind"] != AccountKind.BANK:
        entity.add("accountType", row["kind"])
    entity.add("name", row["name"])
    entity.add("currency", row["currency"])
    entity.add("country", row["country"])
    return entity


def _ownership(holder: str, account: str) -> EntityProxy:
    entity = model.make_entity("Ownership")
    entity.id = export_id(holder) + "-owns-" + account
    entity.add("owner", export_id(holder))
    entity.add("asset", export_id(account))
    return entity


def _payment(row: dict[str, Any], pseudo: set[str]) -> EntityProxy:
    entity = model.make_entity("Payment")
    entity.id = export_id(row["id"])
    entity.add("date", row["ts"])
    entity.add("amount", _plain_amount(row["amount"]))
    entity.add("currency", row["currency"])
    entity.add("purpose", row["reference"])
    entity.add("transactionNumber", row["ext_id"])
    for side, account_col, party_col in (
        ("payer", "src_account_id", "payer"),
        ("beneficiary", "dst_account_id", "beneficiary"),
    ):
        if row[party_col]:
            entity.add(side, export_id(row[party_col]))
        if row[account_col] and row[account_col] not in pseudo:
            entity.add(f"{side}Account", export_id(row[account_col]))
    return entity


def _plain_amount(text: str) -> str:
    """``1500.00000000`` -> ``1500``; ``12.50000000`` -> ``12.5`` (no exponent, no padding)."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
