"""Conflicting facts about one transaction: kept, reported, decided by an analyst.

Why: a second bank file giving an already loaded reference (``ext_id``) a different amount or
time is *evidence* (an altered statement, a reversal booked under the same reference, a data
entry error). Dropping it as "already present" would hide it. So the commit step:

* keeps the row ``transactions`` already has (the first source stays in use);
* stores the other version in ``transaction_versions`` with the facts that differ
  (``ts``, ``amount``, ``currency``, ``src_account_id``, ``dst_account_id``), status
  ``to_review``;
* reports each conflict on its line, as a warning of the load (the file still loads).

:func:`decide` records the analyst's choice: keep the version in use, or put another version in
use (the two swap places; nothing is deleted). Example::

    moneytrail conflicts list -w ws
    moneytrail conflicts decide -w ws <version id> --use --by "A. Traoré" --note "relevé rectifié"
"""

# ruff: noqa: S608 - SQL fragments chosen by the code; user values are bound

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moneytrail.engine.base import Engine
from moneytrail.errors import Problem, UsageError
from moneytrail.model.ids import natural_key_sql
from moneytrail.model.money import reporting_amount_sql

FACTS = ("ts", "amount", "currency", "src_account_id", "dst_account_id")
_COLUMNS = (
    "ext_id, ts, src_account_id, dst_account_id, amount, currency, amount_reporting, channel,"
    " tx_type, fee, src_country, dst_country, reference, source_id, source_row"
)
_DIFFERS = (
    "list_filter(["
    + ", ".join(f"CASE WHEN c.{f} IS DISTINCT FROM t.{f} THEN '{f}' END" for f in FACTS)
    + "], lambda x: x IS NOT NULL)"
)
_VERSION_ID = natural_key_sql("tx_version", ["c.id", "?", "c.source_row"])
PROBLEMS_KEPT = 200


def record_conflicts(
    engine: Engine, source_id: str, rate_join: str, rate_args: list[Any], now: datetime
) -> tuple[int, list[Problem], str]:
    """Store staged transactions that contradict the workspace; return count and warnings.

    Reads ``stg_checked`` (valid staged rows) and ``transactions``; ``rate_join`` gives the
    reporting-currency rate (the commit step's own join, aliased ``r``). Returns also the name
    of the temp table listing the conflicting ids, which the commit leaves out of "already
    present".
    """
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE stg_conflicts AS SELECT c.*, {_DIFFERS} AS differs,"
        " t.amount AS kept_amount, t.ts AS kept_ts, t.currency AS kept_currency,"
        " t.src_account_id AS kept_src, t.dst_account_id AS kept_dst,"
        " t.source_id AS kept_source, t.source_row AS kept_row"
        " FROM stg_checked c JOIN transactions t ON t.id = c.id WHERE c.problem IS NULL AND ("
        + " OR ".join(f"c.{f} IS DISTINCT FROM t.{f}" for f in FACTS)
        + ")"
    )
    count = int(engine.fetchall("SELECT count(*) FROM stg_conflicts")[0][0])
    if not count:
        return 0, [], "stg_conflicts"
    engine.execute(
        f"INSERT INTO transaction_versions SELECT {_VERSION_ID}, c.id, c.ext_id, c.ts,"
        " c.src_account_id, c.dst_account_id, c.amount, c.currency,"
        f" {reporting_amount_sql('c.amount', 'r.rate')}, c.channel, c.tx_type, c.fee,"
        " c.src_country, c.dst_country, c.reference, ?, c.source_row, c.differs, 'to_review',"
        f" NULL, NULL, NULL, ? FROM stg_conflicts c{rate_join} ON CONFLICT DO NOTHING",
        [source_id, source_id, now, *rate_args],
    )
    rows = engine.fetchall(
        "SELECT c.source_row, coalesce(c.ext_id, c.id), c.differs, c.kept_source, c.kept_row,"
        " CAST(c.kept_amount AS VARCHAR) || ' ' || c.kept_currency,"
        " CAST(c.amount AS VARCHAR) || ' ' || c.currency, c.kept_currency, c.currency,"
        " CAST(c.kept_ts AS VARCHAR), CAST(c.ts AS VARCHAR),"
        " coalesce(ks.number, c.kept_src, '-'), coalesce(ns.number, c.src_account_id, '-'),"
        " coalesce(kd.number, c.kept_dst, '-'), coalesce(nd.number, c.dst_account_id, '-')"
        " FROM stg_conflicts c"
        " LEFT JOIN accounts ks ON ks.id = c.kept_src LEFT JOIN accounts ns"
        " ON ns.id = c.src_account_id LEFT JOIN accounts kd ON kd.id = c.kept_dst"
        " LEFT JOIN accounts nd ON nd.id = c.dst_account_id ORDER BY c.source_row LIMIT ?",
        [PROBLEMS_KEPT],
    )
    problems = [_problem(row) for row in rows]
    return count, problems, "stg_conflicts"


def _problem(row: tuple[Any, ...]) -> Problem:
    line, ref, differs, kept_source, kept_row = row[:5]
    names = ("amount", "new_amount", "currency", "new_currency", "ts", "new_ts")
    values = dict(zip(names, row[5:11], strict=True))
    kept_src, new_src, kept_dst, new_dst = row[11:]
    was = {
        "amount": _plain(values["amount"]),
        "currency": values["currency"],
        "ts": values["ts"],
        "src_account_id": kept_src,
        "dst_account_id": kept_dst,
    }
    now = {
        "amount": _plain(values["new_amount"]),
        "currency": values["new_currency"],
        "ts": values["new_ts"],
        "src_account_id": new_src,
        "dst_account_id": new_dst,
    }
    return Problem(
        file="",
        code="transaction_conflict",
        line=int(line) if line is not None else None,
        field="ext_id",
        value=str(ref),
        params={
            "facts": ", ".join(differs),
            "was": " / ".join(str(was[d]) for d in differs),
            "now": " / ".join(str(now[d]) for d in differs),
            "source": str(kept_source)[:8],
            "source_line": kept_row if kept_row is not None else "-",
        },
    )


def _plain(amount: str) -> str:
    """``'64000.00000000 XOF'`` -> ``'64000 XOF'`` (the stored scale is not the user's)."""
    number, _, currency = str(amount).partition(" ")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return f"{number} {currency}".strip()


@dataclass
class VersionView:
    """One version of a transaction as ``conflicts list`` shows it."""

    version_id: str
    transaction_id: str
    ext_id: str | None
    status: str
    differs: list[str]
    in_use: dict[str, Any] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)
    decided_by: str | None = None
    note: str | None = None


_FACT_COLUMNS = (
    "ts, amount, currency, src_account_id, dst_account_id, channel, reference, source_id,"
    " source_row"
)


def list_versions(engine: Engine, status: str | None = "to_review") -> list[VersionView]:
    """Versions (``to_review`` by default, every one with ``None``) beside the row in use."""
    where = "" if status is None else " WHERE v.status = ?"
    cols = [c.strip() for c in _FACT_COLUMNS.split(",")]
    rows = engine.fetchall(
        "SELECT v.id, v.transaction_id, v.ext_id, v.status, v.differs, v.decided_by, v.note, "
        + ", ".join(f"t.{c}" for c in cols)
        + ", "
        + ", ".join(f"v.{c}" for c in cols)
        + " FROM transaction_versions v LEFT JOIN transactions t ON t.id = v.transaction_id"
        + where
        + " ORDER BY v.transaction_id, v.recorded_at, v.id",
        [] if status is None else [status],
    )
    views = []
    for row in rows:
        head, kept, other = row[:7], row[7 : 7 + len(cols)], row[7 + len(cols) :]
        views.append(
            VersionView(
                version_id=str(head[0]),
                transaction_id=str(head[1]),
                ext_id=head[2],
                status=str(head[3]),
                differs=list(head[4]),
                decided_by=head[5],
                note=head[6],
                in_use=dict(zip(cols, kept, strict=True)),
                other=dict(zip(cols, other, strict=True)),
            )
        )
    return views


def find_version(engine: Engine, version: str) -> str:
    """The full id of the version whose id starts with ``version`` (at least 6 characters)."""
    if len(version) < 6:
        raise UsageError("error.conflict_unknown", version=version)
    rows = engine.fetchall(
        "SELECT id FROM transaction_versions WHERE starts_with(id, ?) LIMIT 2", [version]
    )
    if len(rows) != 1:
        raise UsageError("error.conflict_unknown", version=version)
    return str(rows[0][0])


def decide(engine: Engine, version: str, *, use: bool, by: str, note: str | None = None) -> str:
    """Record the analyst's decision on a version; return its full id.

    ``use=False``: the row in use stays, the version is set aside. ``use=True``: the version
    becomes the row of ``transactions`` and the row it replaces becomes a set-aside version
    (so both remain). Either way who, when and why are kept with the version.
    """
    if not by.strip():
        raise UsageError("error.conflict_needs_analyst")
    version_id = find_version(engine, version)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.transaction():
        if use:
            _swap(engine, version_id, by, note, now)
        else:
            engine.execute(
                "UPDATE transaction_versions SET status = 'set_aside', decided_by = ?,"
                " decided_at = ?, note = ? WHERE id = ?",
                [by, now, note, version_id],
            )
    return version_id


def _swap(engine: Engine, version_id: str, by: str, note: str | None, now: datetime) -> None:
    """Put version ``version_id`` in use; the displaced row becomes a set-aside version."""
    tx_id = engine.fetchall(
        "SELECT transaction_id FROM transaction_versions WHERE id = ?", [version_id]
    )[0][0]
    displaced = natural_key_sql("tx_version", ["t.id", "t.source_id", "t.source_row"])
    engine.execute(
        f"INSERT INTO transaction_versions SELECT {displaced}, t.id,"
        f" t.ext_id, t.ts, t.src_account_id, t.dst_account_id, t.amount, t.currency,"
        " t.amount_reporting, t.channel, t.tx_type, t.fee, t.src_country, t.dst_country,"
        " t.reference, t.source_id, t.source_row, list_filter(["
        + ", ".join(f"CASE WHEN v.{f} IS DISTINCT FROM t.{f} THEN '{f}' END" for f in FACTS)
        + "], lambda x: x IS NOT NULL), 'set_aside', ?, ?, ?, ? FROM transactions t"
        " JOIN transaction_versions v ON v.id = ? WHERE t.id = ?"
        " ON CONFLICT (id) DO UPDATE SET status = 'set_aside', decided_by = excluded.decided_by,"
        " decided_at = excluded.decided_at, note = excluded.note",
        [by, now, note, now, version_id, tx_id],
    )
    assignments = ", ".join(f"{c} = v.{c}" for c in (c.strip() for c in _COLUMNS.split(",")))
    engine.execute(
        f"UPDATE transactions SET {assignments} FROM transaction_versions v"
        " WHERE v.id = ? AND transactions.id = ?",
        [version_id, tx_id],
    )
    engine.execute("DELETE FROM transaction_versions WHERE id = ?", [version_id])
