"""Checks every staged record passes before it may enter the workspace, whatever its reader.

Why here and not in each reader: a reader knows its format, not what the workspace may hold.
Two rules the canonical model imposes on every source:

* **no control characters** in a text (NUL, BEL, ESC...; TAB, LF and CR aside): they hide
  characters from the analyst, break exports and are the mark of a binary or mis-decoded file.
  A record holding one is rejected whole (its transaction, account and party staged from the
  same line), with the field and the character (``U+0000``) named;
* **closed vocabularies**: a channel or an account kind outside the canonical lists (a mapping
  that says ``especes`` or ``banque``) is refused rather than stored as is, since every rule and
  picture reads those lists.

A third step drops what a rejected line of a tabular file staged besides its transaction
(:func:`drop_rejected_records`). All run in SQL on the staging tables, so a 5-million-row
file is checked without leaving the engine. Example: :func:`reject_control_characters`
moves a party named ``"Ou\\x00mar"`` staged at line 61 to
``stg_quarantine`` as ``(61, "name", "Ou�mar", "control_character", "U+0000")``.
"""

# ruff: noqa: S608 - SQL built from the staging schemas' own column names; values are bound

from __future__ import annotations

import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.ingest.canonical import STAGING, staging_table
from moneytrail.model.vocab import AccountKind, Channel

# C0 controls except TAB (09), LF (0A) and CR (0D), and DEL (7F).
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CHECKED_TABLES = ("transactions", "accounts", "parties", "identifiers")
_NOT_TEXT = {"id", "owner_id", "src_account_id", "dst_account_id", "holder_party_id"}


def _text_columns(kind: str) -> list[tuple[str, bool]]:
    """``(column, is_list)`` of the text columns of staging table ``kind`` a source can fill."""
    columns = []
    for f in STAGING[kind]:
        if f.name in _NOT_TEXT:
            continue
        if pa.types.is_string(f.type):
            columns.append((f.name, False))
        elif pa.types.is_list(f.type) and pa.types.is_string(f.type.value_type):
            columns.append((f.name, True))
    return columns


def reject_control_characters(engine: Engine) -> int:
    """Quarantine every staged record with a control character; return how many lines."""
    found = []
    for kind in _CHECKED_TABLES:
        table = staging_table(kind)
        for column, is_list in _text_columns(kind):
            value = f"array_to_string({column}, ' | ')" if is_list else column
            found.append(
                f"SELECT source_row AS line, '{column}' AS field, {value} AS value"
                f" FROM {table} WHERE regexp_matches({value}, '{CONTROL}')"
            )
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE stg_control AS SELECT line, arg_min(field, field) AS field,"
        " arg_min(value, field) AS value FROM (" + " UNION ALL ".join(found) + ") GROUP BY line"
    )
    lines = int(engine.fetchall("SELECT count(*) FROM stg_control")[0][0])
    if lines:
        engine.execute(
            "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"
            f" SELECT line, field, regexp_replace(value, '{CONTROL}', '\ufffd', 'g'),"
            " 'control_character', 'U+' || lpad(upper(hex(unicode(regexp_extract(value,"
            f" '{CONTROL}')))), 4, '0') FROM stg_control"
        )
        for kind in (*_CHECKED_TABLES, "labels"):
            engine.execute(
                f"DELETE FROM {staging_table(kind)} WHERE source_row IN (SELECT line FROM"
                " stg_control)"
            )
    engine.execute("DROP TABLE IF EXISTS stg_control")
    return lines


def reject_unknown_vocabulary(engine: Engine) -> None:
    """Quarantine staged transactions whose channel, and accounts whose kind, are not canonical.

    A rejected account takes its transactions with it (the commit then finds them referring
    to an account the file does not define, and says so on their own lines).
    """
    channels = [c.value for c in Channel]
    kinds = [k.value for k in AccountKind]
    bad = engine.fetchall(
        "SELECT (SELECT count(*) FROM stg_transactions WHERE channel IS NULL"
        " OR NOT list_contains(?, channel)), (SELECT count(*) FROM stg_accounts"
        " WHERE kind IS NULL OR NOT list_contains(?, kind))",
        [channels, kinds],
    )[0]
    if not any(bad):
        return
    engine.execute(
        "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"
        " SELECT source_row, 'channel', channel, 'channel_unknown', ? FROM stg_transactions"
        " WHERE channel IS NULL OR NOT list_contains(?, channel)",
        [", ".join(channels), channels],
    )
    engine.execute(
        "DELETE FROM stg_transactions WHERE channel IS NULL OR NOT list_contains(?, channel)",
        [channels],
    )
    engine.execute(
        "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"
        " SELECT source_row, 'kind', kind, 'account_kind_unknown', ? FROM stg_accounts"
        " WHERE kind IS NULL OR NOT list_contains(?, kind)",
        [", ".join(kinds), kinds],
    )
    engine.execute(
        "DELETE FROM stg_accounts WHERE kind IS NULL OR NOT list_contains(?, kind)", [kinds]
    )


# Lines of this file with a problem (a rejected transaction, a reader's reject).
_BAD_LINES = (
    "SELECT source_row FROM stg_checked WHERE problem IS NOT NULL AND source_row IS NOT NULL"
    " UNION SELECT line FROM stg_quarantine WHERE line IS NOT NULL"
)
_ACCEPTED_ACCOUNTS = (
    "SELECT src_account_id FROM stg_checked WHERE problem IS NULL AND src_account_id IS NOT NULL"
    " UNION SELECT dst_account_id FROM stg_checked WHERE problem IS NULL"
    " AND dst_account_id IS NOT NULL"
)


def drop_rejected_records(engine: Engine) -> None:
    """A rejected record adds nothing: the accounts, parties and identifiers staged from a
    rejected line leave the staging tables unless an accepted transaction still needs them.

    Why: a record is accepted or rejected whole (see ``_RECORDS``); a sample of 200 lines with
    195 bad amounts must not fill the workspace with 364 wallets nobody paid. An account an
    accepted line also names stays (its ``source_row`` is its first line, perhaps a rejected
    one); a party stays while it holds a staged account, an identifier while its owner stays.
    A label staged from a rejected line goes too (decision 0138): it would otherwise label a
    transaction another line, or an earlier load, gave the same id.
    """
    bad = int(engine.fetchall(f"SELECT count(*) FROM ({_BAD_LINES})")[0][0])
    if not bad:
        return
    engine.execute(f"CREATE OR REPLACE TEMP TABLE stg_bad_lines AS {_BAD_LINES}")
    engine.execute(
        "DELETE FROM stg_accounts WHERE source_row IN (SELECT * FROM stg_bad_lines)"
        f" AND id NOT IN ({_ACCEPTED_ACCOUNTS})"
    )
    engine.execute(
        "DELETE FROM stg_parties WHERE source_row IN (SELECT * FROM stg_bad_lines)"
        " AND id NOT IN (SELECT holder_party_id FROM stg_accounts"
        " WHERE holder_party_id IS NOT NULL)"
    )
    engine.execute(
        "DELETE FROM stg_identifiers WHERE source_row IN (SELECT * FROM stg_bad_lines)"
        " AND owner_id NOT IN (SELECT id FROM stg_parties UNION SELECT id FROM stg_accounts)"
    )
    engine.execute("DELETE FROM stg_labels WHERE source_row IN (SELECT * FROM stg_bad_lines)")
    engine.execute("DROP TABLE IF EXISTS stg_bad_lines")
