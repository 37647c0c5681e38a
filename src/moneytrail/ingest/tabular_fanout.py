"""From ``tab_rows`` to the staging tables: accounts, channels and ids on distinct values.

Why distinct values: a 5-million-row mobile-money export names perhaps 200,000 wallets and a
dozen transaction types. Cleaning an MSISDN takes regexes and an id takes an md5, so they run
once per distinct (number, institution) in ``tab_accts`` and once per distinct type in
``tab_channels``; the transactions then join them back (hash joins on small tables).

Natural keys (docs/decisions/0101-tabular-natural-keys.md):

* account with a number: ``("account", kind, scope, normalised number)``, scope empty for
  wallets (E.164) and IBANs, else the institution (column or mapping ``institution``);
* account known only by a name (statement counterparty): ``("account", "external", "",
  lower-case unaccented name)``;
* party: ``("party", account id, lower-case unaccented name)``: the first name the file gives an
  account is its holder; equal names on different accounts stay different parties;
* transaction: ``("tx", institution, external id)``, else ``("tx", institution, src, ts, amount,
  currency, dst, occurrence)``.

Example: ``stage_fanout(engine, plan)`` after ``rows_sql`` has filled ``tab_rows``.
"""

# ruff: noqa: S608 - SQL built from code-chosen names (c0, a_id...); user values are bound

from __future__ import annotations

from moneytrail.engine.base import Engine
from moneytrail.ingest.tabular_rows import filled_side_parts, quarantine_sql
from moneytrail.ingest.tabular_sql import Params, Plan, channel_sql
from moneytrail.model.identifiers import (
    compact_number_sql,
    e164_sql,
    iban_shape_sql,
    msisdn_digits_sql,
    msisdn_shape_sql,
)
from moneytrail.model.ids import natural_key_sql

_SIDE = (
    "SELECT {s}_number AS number, {s}_inst AS inst,"
    " CASE WHEN {s}_number IS NULL THEN {s}_name END AS ename,"
    " {s}_name AS name, {s}_country AS country, line FROM tab_rows"
    " WHERE bad_code IS NULL AND ({s}_number IS NOT NULL OR {s}_name IS NOT NULL)"
)
SIDES_SQL = " UNION ALL ".join(_SIDE.format(s=s) for s in ("a", "b"))
_NO_TEXT = "CAST(NULL AS VARCHAR)"


def _distinct_sql(parts: frozenset[str]) -> str:
    """One row per distinct (number, institution, name of a number-less account) of either
    side, with its first line, name and country. A part no side fills (``parts``:
    :func:`~moneytrail.ingest.tabular_rows.filled_side_parts`) is NULL on every row: it is left
    out of the grouping key and the aggregates, which gives the same rows for less work (a
    mobile-money export with numbers only groups on the number alone; decision 0154)."""
    keys = ["number"] + [k for k, part in (("inst", "inst"), ("ename", "name")) if part in parts]
    first = {
        col: f"min_by({col}, line) FILTER (WHERE {col} IS NOT NULL)" if col in parts else _NO_TEXT
        for col in ("name", "country")
    }
    return (
        f"SELECT number, {'inst' if 'inst' in parts else _NO_TEXT} AS inst,"
        f" {'ename' if 'name' in parts else _NO_TEXT} AS ename, min(line) AS line,"
        f" {first['name']} AS name, {first['country']} AS country"
        f" FROM ({SIDES_SQL}) GROUP BY {', '.join(keys)}"
    )


def _join(alias: str, side: str, parts: frozenset[str]) -> str:
    """The lookup of a side's account in ``tab_accts``, on the parts of the key some side
    fills (the others are NULL on both sides of the join)."""
    conditions = [f"{alias}.number IS NOT DISTINCT FROM r.{side}_number"]
    if "inst" in parts:
        conditions.append(f"{alias}.inst IS NOT DISTINCT FROM r.{side}_inst")
    if "name" in parts:
        conditions.append(
            f"{alias}.ename IS NOT DISTINCT FROM"
            f" (CASE WHEN r.{side}_number IS NULL THEN r.{side}_name END)"
        )
    return f"LEFT JOIN tab_accts {alias} ON {' AND '.join(conditions)}"


def accounts_sql(plan: Plan, p: Params) -> str:
    """``tab_accts``: one row per distinct account of the file, with kind, number and id."""
    if plan.account_kind:
        kind0 = f"CASE WHEN number IS NULL THEN NULL ELSE {p.add(plan.account_kind)} END"
    else:
        kind0 = (
            "CASE WHEN number IS NULL THEN NULL WHEN iban THEN 'bank'"
            " WHEN phone AND regexp_matches(digits, '^(\\+|00)') THEN 'mobile_money'"
            " ELSE 'unknown' END"
        )
    msisdn = f"CASE WHEN NOT phone THEN number ELSE {e164_sql('digits', plan.dial)} END"
    scope = "CASE WHEN kind = 'mobile_money' OR iban THEN '' ELSE coalesce(inst, '') END"
    by_number = natural_key_sql("account", ["kind", scope, "norm"])
    by_name = natural_key_sql("account", ["'external'", "''", "lower(strip_accents(ename))"])
    distinct = _distinct_sql(filled_side_parts(plan))
    # The value rules are the model's SQL twins (moneytrail.model.identifiers), computed once
    # per distinct number in these nested levels.
    cleaned = (
        f"SELECT *, {msisdn_digits_sql('number')} AS digits,"
        f" {compact_number_sql('number')} AS compact FROM ({distinct})"
    )
    shaped = (
        f"SELECT *, {msisdn_shape_sql('digits')} AS phone,"
        f" {iban_shape_sql('compact')} AS iban FROM ({cleaned})"
    )
    kinded = f"SELECT *, {kind0} AS kind0 FROM ({shaped})"
    normal = (
        "SELECT *, CASE kind0 WHEN 'mobile_money' THEN "
        + msisdn
        + " WHEN 'bank' THEN compact ELSE number END AS norm,"
        " CASE WHEN number IS NOT NULL THEN kind0 ELSE 'external' END AS kind"
        f" FROM ({kinded})"
    )
    return (
        "CREATE OR REPLACE TEMP TABLE tab_accts AS SELECT number, inst, ename, kind, norm,"
        " name, country, line,"
        f" CASE WHEN number IS NOT NULL THEN {by_number} ELSE {by_name} END AS id FROM ({normal})"
    )


ACCOUNT_TWINS_SQL = (
    "CREATE OR REPLACE TEMP TABLE tab_acct_twins AS SELECT hash(id) AS h FROM tab_accts"
    " GROUP BY h HAVING count(*) > 1"
)
"""The hashes of the ids that more than one row of ``tab_accts`` carries (two spellings of one
wallet, one number under two institutions of a wallet): only their rows need grouping."""

_ACCOUNT_COLUMNS = "id, kind, inst, norm, name, country, line"


def accounts_insert_sql() -> str:
    """``stg_accounts``: one row per account id, with its first line, name, country and party.

    Grouped by id, not by raw number: "0022376123456" and "+223 76 12 34 56" are one wallet.
    Read straight from ``tab_accts`` (no intermediate table): parties and identifiers are then
    read back from ``stg_accounts``, whose rows are few next to the transactions'.

    Only the rows whose id hash is in ``tab_acct_twins`` (:data:`ACCOUNT_TWINS_SQL`) go through
    the grouping; every other id has one row, which the grouping would return unchanged (each
    ``min_by`` of one row is its value, a ``FILTER`` of a NULL leaves NULL). Why: on a file
    naming millions of wallets, grouping millions of md5 ids with six ``min_by`` took about
    2 s per 2 million rows; finding the few twins by a 64-bit hash takes a sixth of it
    (decision 0154). A hash shared by two different ids only sends both to the grouping.
    """
    party = natural_key_sql("party", ["id", "lower(strip_accents(name))"])
    twins = "hash(id) IN (SELECT h FROM tab_acct_twins)"
    per_id = (
        "SELECT id, min_by(kind, line) AS kind, min_by(norm, line) AS norm,"
        " min_by(inst, line) FILTER (WHERE inst IS NOT NULL) AS inst,"
        " min_by(name, line) FILTER (WHERE name IS NOT NULL) AS name,"
        " min_by(country, line) FILTER (WHERE country IS NOT NULL) AS country,"
        f" min(line) AS line FROM tab_accts WHERE {twins} GROUP BY id"
    )
    single = f"SELECT {_ACCOUNT_COLUMNS} FROM tab_accts WHERE NOT ({twins})"
    return (
        "INSERT INTO stg_accounts (id, kind, institution, number, name, currency, country,"
        " holder_party_id, source_row)"
        " SELECT id, kind, inst, norm, name, NULL, country,"
        f" CASE WHEN name IS NOT NULL THEN {party} END, line"
        f" FROM ({single} UNION ALL SELECT {_ACCOUNT_COLUMNS} FROM ({per_id}))"
    )


def transactions_sql(plan: Plan, p: Params) -> str:
    """``stg_transactions`` from ``tab_rows`` joined to the account and channel lookups."""
    scope = p.add(plan.institution or "")
    parts = filled_side_parts(plan)
    if plan.statement:
        src = "CASE WHEN r.is_debit THEN a.id ELSE b.id END"
        dst = "CASE WHEN r.is_debit THEN b.id ELSE a.id END"
        countries = "NULL AS src_country, NULL AS dst_country"
    else:
        src, dst = "a.id", "b.id"
        countries = "r.a_country AS src_country, r.b_country AS dst_country"
    if "ext_id" in plan.columns:
        tx_id = natural_key_sql("tx", [scope, "ext_id"])
        occurrence = ""
    else:
        tx_id = natural_key_sql(
            "tx", [scope, "src_id", "ts", "amount_value", "currency", "dst_id", "occurrence"]
        )
        occurrence = (
            ", row_number() OVER (PARTITION BY src_id, dst_id, ts, amount_value, currency"
            " ORDER BY line) AS occurrence"
        )
    joined = (
        f"SELECT r.*, {src} AS src_id, {dst} AS dst_id, {countries}, c.channel FROM tab_rows r"
        f" {_join('a', 'a', parts)} {_join('b', 'b', parts)}"
        " LEFT JOIN tab_channels c ON c.raw IS NOT DISTINCT FROM r.raw_channel"
        " WHERE r.bad_code IS NULL"
    )
    return (
        "INSERT INTO stg_transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
        " currency, channel, tx_type, fee, src_country, dst_country, reference, source_row)"
        f" SELECT {tx_id}, ext_id, ts, src_id, dst_id, amount_value, currency, channel, tx_type,"
        " fee, src_country, dst_country, reference, line"
        f" FROM (SELECT *{occurrence} FROM ({joined}))"
    )


PARTIES_SQL = (
    "INSERT INTO stg_parties (id, kind, name, source_row)"
    " SELECT holder_party_id, 'legal_entity', min_by(name, source_row), min(source_row)"
    " FROM stg_accounts WHERE holder_party_id IS NOT NULL GROUP BY holder_party_id"
)
IDENTIFIERS_SQL = (
    "INSERT INTO stg_identifiers (owner_id, scheme, value, source_row)"
    " SELECT holder_party_id, 'phone', number, source_row FROM stg_accounts"
    " WHERE holder_party_id IS NOT NULL AND kind = 'mobile_money' AND starts_with(number, '+')"
)


# Where a cash-in or cash-out happened belongs to the agent (or counter) that handed or took
# the cash: the sender of a cash-in, the receiver of a cash-out (decision 0102). One identifier
# per (agent, place); an agent seen at two places keeps both. Rows of other channels, and cash
# rows whose agent is outside the data, keep no place.
PLACES_SQL = (
    "INSERT INTO stg_identifiers (owner_id, scheme, value, source_row)"
    " SELECT agent, 'address', place, min(line) FROM ("
    "  SELECT CASE t.channel WHEN 'cash_withdrawal' THEN t.dst_account_id"
    "   ELSE t.src_account_id END AS agent, r.place, r.line"
    "  FROM stg_transactions t JOIN tab_rows r ON r.line = t.source_row"
    "  WHERE r.place IS NOT NULL AND t.channel IN ('cash_withdrawal', 'cash_deposit'))"
    " WHERE agent IS NOT NULL GROUP BY agent, place"
)


# Ground truth (decision 0138): a positive row labels its own transaction, keyed by the id the
# row was given above (from the file's ext_id), so evaluate reads it as it reads synth truth.
# Only positives get a row: evaluate counts an unlabelled transaction as negative (a ``0``
# says the same). Rejected rows have no staged transaction, hence no label.
LABELS_SQL = (
    "INSERT INTO stg_labels (subject_kind, subject_id, label, typology, instance_id, source_row)"
    " SELECT 'transaction', t.id, $1, r.label_typology, r.label_case, t.source_row"
    " FROM stg_transactions t JOIN tab_rows r ON r.line = t.source_row WHERE r.label_flag"
)


def stage_fanout(engine: Engine, plan: Plan) -> None:
    """Fill the staging tables from ``tab_rows``; drop each work table once read."""
    p = Params()
    engine.execute(quarantine_sql(plan, p), p.values)
    p = Params()
    engine.execute(accounts_sql(plan, p), p.values)
    p = Params()
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE tab_channels AS SELECT raw,"
        f" {channel_sql('raw', plan, p)} AS channel"
        " FROM (SELECT DISTINCT raw_channel AS raw FROM tab_rows)",
        p.values,
    )
    p = Params()
    engine.execute(transactions_sql(plan, p), p.values)
    if "place" in plan.columns:
        engine.execute(PLACES_SQL)
    if plan.labelled:
        engine.execute(LABELS_SQL, [plan.label_word])
    engine.execute("DROP TABLE IF EXISTS tab_rows")  # free its memory before the accounts
    engine.execute("DROP TABLE IF EXISTS tab_channels")
    engine.execute(ACCOUNT_TWINS_SQL)
    engine.execute(accounts_insert_sql())
    engine.execute("DROP TABLE IF EXISTS tab_accts")
    engine.execute("DROP TABLE IF EXISTS tab_acct_twins")
    engine.execute(PARTIES_SQL)
    engine.execute(IDENTIFIERS_SQL)
