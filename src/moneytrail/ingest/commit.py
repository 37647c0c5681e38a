"""The common last step of every ingest: validate staged rows, merge them, record the source.

Runs inside the caller's transaction, so it either all happens or nothing does. Checks that every
reader needs (and that no reader should re-implement) live here:

* a transaction needs a time, a non-negative amount, a known ISO 4217 currency, an amount with no
  more decimals than its currency allows (no centimes of XOF), at least one account, and accounts
  that the file (or the workspace) defines;
* a transaction id seen twice in one file keeps its first row; later rows go to quarantine;
* rows already in the workspace (same deterministic id) are skipped, so re-ingesting is a no-op;
* accounts and parties seen again only fill fields that were still empty (first source wins).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pyarrow as pa

from moneytrail._version import __version__
from moneytrail.engine.base import Engine
from moneytrail.errors import BadInputError, Problem
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.commit_checks import (
    drop_rejected_records,
    reject_control_characters,
    reject_unknown_vocabulary,
)
from moneytrail.ingest.conflicts import record_conflicts
from moneytrail.model.money import known_currencies, minor_units, reporting_amount_sql

PROBLEMS_KEPT = 200

# Only the rows with a problem are written (``rid``: the staged row's position): the staged
# transactions are never copied. ``stg_checked`` is a view, the staged rows with their problem.
_PROBLEMS = """
CREATE OR REPLACE TEMP TABLE stg_problems AS
SELECT rid, problem FROM (
  SELECT s.rowid AS rid,
         CASE
           WHEN s.ts IS NULL THEN 'date_missing'
           WHEN s.amount IS NULL THEN 'amount_missing'
           WHEN s.amount < 0 THEN 'amount_negative'
           WHEN c.code IS NULL THEN 'currency_unknown'
           WHEN s.amount * c.factor <> trunc(s.amount * c.factor) THEN 'amount_too_precise'
           WHEN s.src_account_id IS NULL AND s.dst_account_id IS NULL THEN 'no_account'
           WHEN d.id IS NOT NULL AND s.source_row > d.first_row THEN 'duplicate_transaction_id'
           ELSE NULL
         END AS problem
  FROM stg_transactions s
  LEFT JOIN ref_currencies c ON c.code = s.currency
  LEFT JOIN stg_dups d ON d.id = s.id
) WHERE problem IS NOT NULL
"""
_ACCOUNT_UNKNOWN = """
INSERT INTO stg_problems
SELECT rowid, 'account_unknown' FROM stg_transactions
WHERE rowid NOT IN (SELECT rid FROM stg_problems) AND (
  (src_account_id IS NOT NULL AND src_account_id NOT IN
    (SELECT id FROM stg_accounts UNION ALL SELECT id FROM accounts))
  OR (dst_account_id IS NOT NULL AND dst_account_id NOT IN
    (SELECT id FROM stg_accounts UNION ALL SELECT id FROM accounts)))
"""
_CHECKED = """
CREATE OR REPLACE TEMP VIEW stg_checked AS
SELECT s.*, p.problem FROM stg_transactions s LEFT JOIN stg_problems p ON p.rid = s.rowid
"""

_PROBLEM_FIELD = {
    "date_missing": "ts",
    "amount_missing": "amount",
    "amount_negative": "amount",
    "currency_unknown": "currency",
    "amount_too_precise": "amount",
    "no_account": "account",
    "duplicate_transaction_id": "ext_id",
    "account_unknown": "account",
}

# How the offending value is shown back to the user (amounts without the 8 stored decimals).
_RAW_SQL = {
    "amount": "rtrim(rtrim(CAST(amount AS VARCHAR), '0'), '.')",
    "ts": "CAST(ts AS VARCHAR)",
    "currency": "currency",
    "ext_id": "coalesce(ext_id, id)",
    "account": "coalesce(ext_id, id)",
}

_QUARANTINE_CHECKED = (  # fixed codes and column expressions, no user value
    "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"  # noqa: S608
    " SELECT source_row, CASE problem "
    + " ".join(f"WHEN '{code}' THEN '{column}'" for code, column in _PROBLEM_FIELD.items())
    + " END, CASE problem "
    + " ".join(
        f"WHEN '{code}' THEN {_RAW_SQL.get(column, column)}"
        for code, column in _PROBLEM_FIELD.items()
    )
    + " END, problem, NULL FROM stg_checked WHERE problem IS NOT NULL"
)

# Accounts seen again only fill the fields that are still empty (first source wins).
_FILLABLE = ("holder_party_id", "institution", "name", "currency", "country")
_FILL_ACCOUNTS = (
    "UPDATE accounts SET "  # noqa: S608 - fixed column names
    + ", ".join(f"{c} = coalesce(accounts.{c}, s.{c})" for c in _FILLABLE)
    + " FROM (SELECT * FROM stg_accounts QUALIFY row_number() OVER"
    " (PARTITION BY id ORDER BY source_row) = 1) s WHERE accounts.id = s.id AND ("
    + " OR ".join(f"(accounts.{c} IS NULL AND s.{c} IS NOT NULL)" for c in _FILLABLE)
    + ")"
)


@dataclass
class CommitResult:
    """What one file added to the workspace."""

    inserted: dict[str, int] = field(default_factory=dict)
    already_present: int = 0
    rows_ok: int = 0
    rows_rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: int = 0


def register_reference_tables(engine: Engine) -> None:
    """Temp table of ISO 4217 currencies with their minor-unit factor (10 ** decimals)."""
    codes = sorted(known_currencies())
    table = pa.table(
        {
            "code": pa.array(codes, pa.string()),
            "factor": pa.array([10 ** minor_units(c) for c in codes], pa.int64()),
        }
    )
    engine.execute("CREATE OR REPLACE TEMP TABLE ref_currencies (code VARCHAR, factor BIGINT)")
    engine.append_arrow("ref_currencies", table)


def commit_stage(ctx: StageContext, reporting_currency: str) -> CommitResult:
    """Validate and merge the staging tables of ``ctx`` into the workspace tables."""
    engine = ctx.engine
    src = ctx.source
    result = CommitResult()
    staged_accounts = _count(engine, "stg_accounts")
    reject_control_characters(engine)
    reject_unknown_vocabulary(engine)
    # Only ids that repeat need ranking: a grouped count is far cheaper than a window over
    # millions of rows, and repeats are rare. The count groups the ids' 64-bit hashes first
    # (eight bytes a key instead of a 32-character text): only the rows of a repeated hash,
    # a repeated id or a collision, are grouped by id. On 50M staged ids: 6.7 s instead of
    # 17.7 s, and far less to hold under the ingest's memory limit.
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE stg_dups AS WITH twice AS (SELECT hash(id) AS h"
        " FROM stg_transactions GROUP BY h HAVING count(*) > 1)"
        " SELECT id, min(source_row) AS first_row FROM stg_transactions"
        " WHERE hash(id) IN (SELECT h FROM twice) GROUP BY id HAVING count(*) > 1"
    )
    engine.execute(_PROBLEMS)
    # Accounts referenced by a transaction must be defined by this file or already known. A
    # tabular file stages every account its transactions name (one lookup table feeds both):
    # unless a check above took staged accounts away, the probe of millions of ids is skipped.
    if not ctx.unique_ids or _count(engine, "stg_accounts") != staged_accounts:
        engine.execute(_ACCOUNT_UNKNOWN)
    engine.execute(_CHECKED)
    engine.execute(_QUARANTINE_CHECKED)  # one pass for every problem code
    if ctx.one_record_per_line:
        drop_rejected_records(engine)
    now = datetime.now(UTC).replace(tzinfo=None)

    before = _count(engine, "parties")
    engine.execute(
        "INSERT INTO parties SELECT s.id, s.kind, s.name, s.aliases, s.birth_date, s.nationality,"  # noqa: S608 - fixed SQL fragments
        f" s.country, ?, s.source_row FROM {_first_per_id('stg_parties', ctx)} s"
        f"{_new_only('parties', before)}",
        [src.id],
    )
    result.inserted["parties"] = _count(engine, "parties") - before

    before = _count(engine, "accounts")
    engine.execute(
        "INSERT INTO accounts SELECT s.id, s.kind, s.institution, s.number, s.name, s.currency,"  # noqa: S608 - fixed SQL fragments
        f" s.country, s.holder_party_id, ?, s.source_row FROM {_first_per_id('stg_accounts', ctx)}"
        f" s{_new_only('accounts', before)}",
        [src.id],
    )
    result.inserted["accounts"] = _count(engine, "accounts") - before
    if before or not ctx.unique_ids:  # a first load of unique ids has nothing to fill
        engine.execute(_FILL_ACCOUNTS)

    before = _count(engine, "identifiers")
    engine.execute(
        "INSERT INTO identifiers SELECT s.owner_id, s.scheme, s.value, ?, min(s.source_row)"
        " FROM stg_identifiers s WHERE NOT EXISTS (SELECT 1 FROM identifiers i"
        "  WHERE i.owner_id = s.owner_id AND i.scheme = s.scheme AND i.value = s.value)"
        " GROUP BY s.owner_id, s.scheme, s.value",
        [src.id],
    )
    result.inserted["identifiers"] = _count(engine, "identifiers") - before

    before = _count(engine, "transactions")
    rate_join = _rate_join(engine, reporting_currency)
    if before:  # facts that contradict a transaction already loaded: kept and reported
        result.conflicts, conflicts, _ = record_conflicts(
            engine, src.id, rate_join, [reporting_currency], now
        )
        result.warnings = [replace(p, file=str(src.path)) for p in conflicts]
    # An empty table needs no anti-join: the first load of a big file skips a 5M-row probe.
    new_only = "" if before == 0 else _NOT_PRESENT
    sql = (
        "INSERT INTO transactions SELECT c.id, c.ext_id, c.ts, c.src_account_id, c.dst_account_id,"  # noqa: S608 - fixed SQL fragments
        f" c.amount, c.currency, {reporting_amount_sql('c.amount', 'r.rate')}, c.channel,"
        " c.tx_type, c.fee, c.src_country, c.dst_country, c.reference, ?, c.source_row"
        " FROM stg_checked c"
        f"{rate_join} WHERE c.problem IS NULL{new_only}"
    )
    engine.execute(sql, [src.id, reporting_currency])
    inserted_tx = _count(engine, "transactions") - before
    result.inserted["transactions"] = inserted_tx
    accepted_tx = engine.fetchall("SELECT count(*) FROM stg_checked WHERE problem IS NULL")[0][0]

    _commit_labels(engine, src.id, result)
    result.already_present = int(accepted_tx) - inserted_tx - result.conflicts

    rejected = engine.fetchall(
        "SELECT line, field, raw_value, code, detail FROM stg_quarantine"
        " ORDER BY line NULLS FIRST LIMIT ?",
        [PROBLEMS_KEPT],
    )
    result.rows_ok, result.rows_rejected = _records(engine, ctx.one_record_per_line)
    result.problems = [
        Problem(
            file=str(src.path),
            code=code,
            line=line,
            field=fld,
            value=raw,
            params={"detail": detail or ""},
        )
        for line, fld, raw, code, detail in rejected
    ]
    if ctx.options.strict and result.rows_rejected:
        raise BadInputError(
            "error.strict_refused",
            problems=result.problems,
            file=str(src.path),
            count=result.rows_rejected,
        )
    engine.execute(
        "INSERT INTO quarantine SELECT ?, ?, line, field, raw_value, code, detail, ?"
        " FROM stg_quarantine",
        [src.id, str(src.path), now],
    )
    engine.execute(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            src.id,
            str(src.path),
            src.sha256,
            src.size,
            ctx.format,
            json.dumps(ctx.mapping_used, ensure_ascii=False, default=str),
            now,
            result.rows_ok,
            result.rows_rejected,
            __version__,
        ],
    )
    return result


def _first_per_id(table: str, ctx: StageContext) -> str:
    """The staged rows of ``table``, the first (by line) of each id. A reader that staged one
    row per id (``ctx.unique_ids``) skips the window: 6 million wallets cost a sort else."""
    if ctx.unique_ids:
        return table
    return (
        f"(SELECT * FROM {table}"  # noqa: S608 - fixed names
        " QUALIFY row_number() OVER (PARTITION BY id ORDER BY source_row) = 1)"
    )


def _new_only(table: str, before: int) -> str:
    """Anti-join against ``table``, skipped when it was empty (a first load)."""
    if not before:
        return ""
    return f" WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.id = s.id)"  # noqa: S608 - fixed names


_NOT_PRESENT = " AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.id = c.id)"

# A record is one line (or element) of the source, whatever it defined: a line giving a
# transaction, its two accounts and their holders is one record, accepted or rejected whole.
_RECORDS = """
SELECT count(*) FILTER (WHERE NOT bad), count(*) FILTER (WHERE bad) FROM (
  SELECT line, bool_or(bad) AS bad FROM (
    SELECT source_row AS line, FALSE AS bad FROM stg_transactions
    UNION ALL SELECT source_row, FALSE FROM stg_accounts
    UNION ALL SELECT source_row, FALSE FROM stg_parties
    UNION ALL SELECT source_row, FALSE FROM stg_identifiers
    UNION ALL SELECT source_row, FALSE FROM stg_labels
    UNION ALL SELECT line, TRUE FROM stg_quarantine
  ) WHERE line IS NOT NULL GROUP BY line)
"""


# One transaction per line (tabular files): every other staged row sits on a transaction's
# line, so counting transactions outside the quarantined lines is enough (no grouping).
_LINE_RECORDS = """
SELECT (SELECT count(*) FROM stg_transactions WHERE source_row NOT IN
          (SELECT line FROM stg_quarantine WHERE line IS NOT NULL)),
       (SELECT count(DISTINCT line) FROM stg_quarantine)
"""


def _records(engine: Engine, one_per_line: bool = False) -> tuple[int, int]:
    """``(accepted, rejected)`` records: distinct source lines, a line with a problem rejected.

    Problems not tied to a line (none today) count one rejected record each.
    """
    ok, bad = engine.fetchall(_LINE_RECORDS if one_per_line else _RECORDS)[0]
    unlined = engine.fetchall("SELECT count(*) FROM stg_quarantine WHERE line IS NULL")[0][0]
    return int(ok or 0), int(bad or 0) + int(unlined)


def _rate_join(engine: Engine, reporting_currency: str) -> str:
    """Join clause giving each staged transaction its rate to the reporting currency.

    With one rate per currency (the usual case: the legal EUR/XOF peg and identity) a hash join
    is enough and several times faster than the as-of join that dated rate series need.
    """
    rows = engine.fetchall(
        "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM fx_rates WHERE reporting = ?"
        " GROUP BY currency)",
        [reporting_currency],
    )
    rates = "(SELECT currency, valid_from, rate FROM fx_rates WHERE reporting = ?)"
    if int(rows[0][0]) <= 1:
        return (
            f" LEFT JOIN {rates} r"
            " ON c.currency = r.currency AND CAST(c.ts AS DATE) >= r.valid_from"
        )
    return engine.dialect.asof_left_join(
        rates,
        "r",
        keys=[("c.currency", "currency")],
        left_time="CAST(c.ts AS DATE)",
        right_time="valid_from",
    )


def _count(engine: Engine, table: str) -> int:
    return int(engine.fetchall(f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608 - fixed names


# The workspace's transactions a staged label names: the label ids first (a small hash table),
# then the transactions among them. Why not ``IN (SELECT id FROM transactions)``: that builds a
# hash table of every transaction id, which cannot spill; at 50M rows it failed the load under a
# 2 GiB memory limit ("failed to pin block"), even for a file without any label.
_LABELLED_TX = (
    "(SELECT t.id FROM transactions t WHERE t.id IN"
    " (SELECT subject_id FROM stg_labels WHERE subject_kind = 'transaction'))"
)


def _commit_labels(engine: Engine, source_id: str, result: CommitResult) -> None:
    """Insert the staged labels (none staged: nothing to read). A label must point at a
    transaction of the workspace; one that does not is rejected with its line (ground truth
    loaded before its transactions), never dropped in silence."""
    result.inserted["labels"] = 0
    if not engine.fetchall("SELECT EXISTS (SELECT 1 FROM stg_labels)")[0][0]:
        return
    engine.execute(
        "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"  # noqa: S608 - fixed SQL fragments
        " SELECT source_row, 'subject_id', subject_id, 'label_subject_unknown', NULL"
        " FROM stg_labels WHERE subject_kind = 'transaction'"
        f" AND subject_id NOT IN {_LABELLED_TX}"
        " AND source_row NOT IN (SELECT line FROM stg_quarantine WHERE line IS NOT NULL)"
    )  # a row already rejected as a transaction (AMLworld: same line) is counted once
    before = _count(engine, "labels")
    engine.execute(
        "INSERT INTO labels SELECT DISTINCT ON (s.subject_kind, s.subject_id, s.label,"  # noqa: S608 - fixed SQL fragments
        " s.typology, s.instance_id) s.subject_kind, s.subject_id, s.label, s.typology,"
        " s.instance_id, ?, s.source_row FROM stg_labels s WHERE NOT EXISTS (SELECT 1 FROM labels"
        "  l WHERE l.subject_kind = s.subject_kind AND l.subject_id = s.subject_id"
        "  AND l.label = s.label AND l.typology IS NOT DISTINCT FROM s.typology"
        "  AND l.instance_id IS NOT DISTINCT FROM s.instance_id) AND (s.subject_kind <>"
        f" 'transaction' OR s.subject_id IN {_LABELLED_TX})"
        " ORDER BY s.subject_kind, s.subject_id, s.label, s.typology, s.instance_id, s.source_row",
        [source_id],
    )
    result.inserted["labels"] = _count(engine, "labels") - before
