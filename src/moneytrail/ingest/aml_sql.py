"""Set-based staging shared by the AML benchmark readers (AMLworld, AMLSim).

Benchmark files hold millions of rows, so nothing here loops over rows in Python. A layout first
loads its CSV as text into the temporary table ``aml_raw`` and the view ``aml_rows`` adds the
physical line ``line`` (row index + 2: one header line, no quoted line breaks in these
machine-written files; :func:`load_raw`), then
describes its rows as one SQL ``SELECT`` with fixed column names (:data:`TX_COLUMNS`,
:data:`ACCOUNT_COLUMNS`); :func:`stage_transactions` and :func:`stage_accounts` turn that into
quarantined rejects and canonical staging rows with deterministic ids.

Ids (natural keys, see :mod:`moneytrail.model.ids`):

* account: ``("account", "bank", namespace, bank, number)`` (``bank`` is empty for AMLSim);
* transaction with a source id: ``("tx", namespace, ext_id)``;
* transaction without one: ``("tx", namespace, src account id, timestamp, amount, currency,
  dst account id, occurrence)``, occurrence numbering identical rows in file order;
* party: ``("party", namespace, customer id)``.

>>> account_id("HI-Small", "10", "8000EBD30") == natural_key("account", "bank", "HI-Small", "10",
...     "8000EBD30")
True
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa

from moneytrail.engine.errors import EngineError
from moneytrail.errors import BadInputError
from moneytrail.ingest.base import StageContext
from moneytrail.model.dates import EARLIEST, LATEST
from moneytrail.model.ids import natural_key, natural_key_sql

TX_COLUMNS = (
    "line",  # physical line
    "ts",  # TIMESTAMP or NULL when unreadable
    "ts_raw",
    "amount",  # DECIMAL(38, 12) before rounding, NULL when unreadable
    "amount_raw",
    "currency",  # ISO code or NULL when unknown
    "currency_raw",
    "src_bank",
    "src_num",  # NULL: money comes from outside the data (cash in)
    "dst_bank",
    "dst_num",  # NULL: money leaves the data (cash out)
    "src_expected",  # BOOLEAN: the layout requires a source account on this row
    "dst_expected",
    "ext_id",
    "channel",
    "tx_type",
    "reference",
    "label",  # 'laundering' / NULL
)
"""Columns the layout's transaction SELECT must give, in any order."""

ACCOUNT_COLUMNS = (
    "line",
    "bank",
    "num",
    "institution",
    "name",
    "currency",
    "country",
    "party_key",  # the data set's customer / entity id, NULL when none
    "party_name",
    "party_kind",
    "label",  # 'fraud' / 'suspicious' / 'sar_alert' / NULL
    "typology",
    "instance_id",
)
"""Columns the layout's account SELECT must give."""


def account_id(namespace: str, bank: str | None, number: str) -> str:
    """Account id of ``number`` at ``bank`` in data set ``namespace`` (as the SQL computes it)."""
    return natural_key("account", "bank", namespace, bank or "", number)


def load_raw(ctx: StageContext, width: int, namespace: str) -> None:
    """Load ``ctx.path`` as text into ``aml_raw(ns, c0 .. c{width-1})``, header skipped.

    A malformed file (wrong number of fields, bad quoting, not UTF-8) refuses the whole file with
    the engine's own message: benchmark files are machine-written, so a broken row means a broken
    download, not one bad record. So does a value holding a line break (a quote left open that
    the next quote closed lines later): its lines would be lost in one record.
    """
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    sql = (
        "CREATE OR REPLACE TEMP TABLE aml_raw AS SELECT CAST(? AS VARCHAR) AS ns, *"  # noqa: S608
        " FROM read_csv(?,"
        f" header = false, skip = 1, delim = ',', quote = '\"', columns = {{{columns}}},"
        " auto_detect = false, strict_mode = true, null_padding = false)"
    )
    try:
        ctx.engine.execute(sql, [namespace, str(ctx.read_path)])
        # Temporary tables number their rows from an offset, in insertion (= file) order.
        ctx.engine.execute(
            "CREATE OR REPLACE TEMP VIEW aml_rows AS SELECT rowid - (SELECT min(rowid)"
            " FROM aml_raw) + 2 AS line, * FROM aml_raw"
        )
        broken = " OR ".join(
            f"contains(c{i}, chr(10)) OR contains(c{i}, chr(13))" for i in range(width)
        )
        found = ctx.engine.fetchall(f"SELECT min(line) FROM aml_rows WHERE {broken}")  # noqa: S608
    except EngineError as exc:
        raise BadInputError(
            "error.file_refused",
            problems=[
                ctx.problem("aml_csv_malformed", params={"detail": str(exc).splitlines()[0]})
            ],
            file=str(ctx.path),
        ) from exc
    if found and found[0][0] is not None:  # a quote left open swallowed the next lines
        problem = ctx.problem("aml_quoted_line_break", line=int(found[0][0]))
        raise BadInputError("error.file_refused", problems=[problem], file=str(ctx.path))


def register_currency_names(ctx: StageContext, names: Mapping[str, str]) -> None:
    """Temp table ``aml_currency_names(name, code)`` for joining currency names to ISO codes."""
    table = pa.table(
        {
            "name": pa.array(list(names), pa.string()),
            "code": pa.array(list(names.values()), pa.string()),
        }
    )
    ctx.engine.execute(
        "CREATE OR REPLACE TEMP TABLE aml_currency_names (name VARCHAR, code VARCHAR)"
    )
    ctx.engine.append_arrow("aml_currency_names", table)


# Rounding to the currency's minor units, half away from zero (DuckDB's ROUND on decimals).
_ROUNDED = (
    "CASE f.factor "
    + " ".join(
        f"WHEN {10**d} THEN CAST(round(t.amount, {d}) AS DECIMAL(38, 8))" for d in range(0, 5)
    )
    + " ELSE CAST(round(t.amount, 8) AS DECIMAL(38, 8)) END"
)
_SRC = natural_key_sql("account", ["'bank'", "ns", "src_bank", "src_num"])
_DST = natural_key_sql("account", ["'bank'", "ns", "dst_bank", "dst_num"])
_TX_BY_EXT = natural_key_sql("tx", ["ns", "ext_id"])
_TX_BY_CONTENT = natural_key_sql(
    "tx", ["ns", "src_id", "ts", "amount", "currency", "dst_id", "occurrence"]
)


def stage_transactions(ctx: StageContext, select_sql: str, fields: Mapping[str, str]) -> None:
    """Stage the rows of ``select_sql`` (over ``aml_rows``) as transactions, accounts and labels.

    ``fields`` names the file's columns for the quarantine (keys ``ts``, ``amount``,
    ``currency``, ``src``, ``dst``). Rows with an unreadable or out-of-range time, an unreadable
    amount, an unknown currency or a missing account are quarantined with their line; the commit
    step checks the rest.
    """
    engine = ctx.engine
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE aml_tx AS SELECT *, CASE WHEN src_num IS NULL THEN NULL"  # noqa: S608
        f" ELSE {_SRC} END AS src_id, CASE WHEN dst_num IS NULL THEN NULL ELSE {_DST} END"
        f" AS dst_id FROM ({select_sql})"
    )
    # A time outside the years every reader accepts (a year 0 the engine reads without a
    # complaint, an AMLSim step centuries away) is refused with its line, as elsewhere.
    out_of_range = f"ts < TIMESTAMP '{EARLIEST:%Y-%m-%d}' OR ts >= TIMESTAMP '{LATEST:%Y-%m-%d}'"
    engine.execute(
        "INSERT INTO stg_quarantine SELECT line, ?, ts_raw, 'date_out_of_range', NULL"  # noqa: S608
        f" FROM aml_tx WHERE {out_of_range}",
        [fields["ts"]],
    )
    engine.execute(f"DELETE FROM aml_tx WHERE {out_of_range}")  # noqa: S608 - fixed bounds
    rejects = (
        ("ts", "ts IS NULL", "ts_raw", "date_invalid"),
        ("amount", "ts IS NOT NULL AND amount IS NULL", "amount_raw", "amount_not_number"),
        (
            "currency",
            "ts IS NOT NULL AND amount IS NOT NULL AND currency IS NULL",
            "currency_raw",
            "currency_unknown",
        ),
    )
    for key, condition, raw, code in rejects:
        engine.execute(
            "INSERT INTO stg_quarantine SELECT line, ?, "  # noqa: S608 - fixed expressions
            f"{raw}, ?, NULL FROM aml_tx WHERE {condition}",
            [fields[key], code],
        )
    engine.execute(
        "INSERT INTO stg_quarantine SELECT line, CASE WHEN src_expected AND src_num IS NULL"
        " THEN ? ELSE ? END, NULL, 'field_missing', NULL FROM aml_tx WHERE ts IS NOT NULL AND"
        " amount IS NOT NULL AND currency IS NOT NULL AND ((src_expected AND src_num IS NULL)"
        " OR (dst_expected AND dst_num IS NULL))",
        [fields["src"], fields["dst"]],
    )
    engine.execute(
        "DELETE FROM aml_tx WHERE ts IS NULL OR amount IS NULL OR currency IS NULL"
        " OR (src_expected AND src_num IS NULL) OR (dst_expected AND dst_num IS NULL)"
    )
    for side in ("src", "dst"):
        engine.execute(
            "INSERT INTO stg_accounts (id, kind, institution, number, source_row) "  # noqa: S608
            f"SELECT {side}_id, 'bank', any_value({side}_bank), any_value({side}_num), min(line)"
            f" FROM aml_tx WHERE {side}_id IS NOT NULL GROUP BY {side}_id"
        )
    engine.execute(
        "CREATE OR REPLACE TEMP TABLE aml_tx_ids AS SELECT *, CASE WHEN ext_id IS NOT NULL THEN"  # noqa: S608
        f" {_TX_BY_EXT} ELSE {_TX_BY_CONTENT} END AS id FROM (SELECT *, row_number() OVER"
        " (PARTITION BY src_id, ts, amount, currency, dst_id ORDER BY line) AS occurrence"
        f" FROM (SELECT t.* EXCLUDE (amount), {_ROUNDED} AS amount"
        " FROM aml_tx t JOIN ref_currencies f ON f.code = t.currency))"
    )
    engine.execute(
        "INSERT INTO stg_transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
        " currency, channel, tx_type, reference, source_row) SELECT id, ext_id, ts, src_id,"
        " dst_id, amount, currency, channel, tx_type, reference, line FROM aml_tx_ids"
    )
    engine.execute(
        "INSERT INTO stg_labels (subject_kind, subject_id, label, source_row)"
        " SELECT 'transaction', id, label, line FROM aml_tx_ids WHERE label IS NOT NULL"
    )
    engine.execute("DROP TABLE IF EXISTS aml_tx_ids")
    engine.execute("DROP TABLE IF EXISTS aml_tx")


_ACCOUNT = natural_key_sql("account", ["'bank'", "ns", "bank", "num"])
_PARTY = natural_key_sql("party", ["ns", "party_key"])


def stage_accounts(ctx: StageContext, select_sql: str, number_field: str) -> None:
    """Stage the rows of ``select_sql`` as accounts, their holders (parties) and labels."""
    engine = ctx.engine
    engine.execute(f"CREATE OR REPLACE TEMP TABLE aml_acc AS {select_sql}")
    engine.execute(
        "INSERT INTO stg_quarantine SELECT line, ?, NULL, 'field_missing', NULL FROM aml_acc"
        " WHERE num IS NULL",
        [number_field],
    )
    engine.execute("DELETE FROM aml_acc WHERE num IS NULL")
    engine.execute(
        "INSERT INTO stg_parties (id, kind, name, country, source_row) "  # noqa: S608
        f"SELECT {_PARTY}, arg_min(party_kind, line), arg_min(coalesce(party_name, party_key),"
        " line), arg_min(country, line), min(line) FROM aml_acc WHERE party_key IS NOT NULL"
        " GROUP BY ns, party_key"
    )
    engine.execute(
        "INSERT INTO stg_accounts (id, kind, institution, number, name, currency, country,"  # noqa: S608
        f" holder_party_id, source_row) SELECT {_ACCOUNT}, 'bank', institution, num, name,"
        f" currency, country, CASE WHEN party_key IS NULL THEN NULL ELSE {_PARTY} END, line"
        " FROM aml_acc"
    )
    engine.execute(
        "INSERT INTO stg_labels (subject_kind, subject_id, label, typology, instance_id,"  # noqa: S608
        f" source_row) SELECT 'account', {_ACCOUNT}, label, typology, instance_id, line"
        " FROM aml_acc WHERE label IS NOT NULL"
    )
    engine.execute("DROP TABLE IF EXISTS aml_acc")


def read_header(path: Path) -> tuple[str, ...]:
    """The first line of ``path`` split on commas (BOM and spaces around names removed)."""
    with path.open("rb") as handle:
        first = handle.readline(4096)
    return split_header(first)


def split_header(head: bytes) -> tuple[str, ...]:
    r"""Column names of the first line of ``head`` (empty when it is not text), read as CSV:
    a quote left open makes the rest of the line one name, which no layout has (the engine
    would read every line after it as one quoted value and load nothing).

    >>> split_header(b'"Timestamp", From Bank\r\n'), len(split_header(b'"a,b,c\n'))
    (('Timestamp', 'From Bank'), 1)
    """
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        cells = next(csv.reader([line.decode("utf-8-sig")], skipinitialspace=True), [])
    except (UnicodeDecodeError, csv.Error):
        return ()
    return tuple(name.strip() for name in cells)


def default_namespace(path: Path, suffixes: Sequence[str] = ()) -> str:
    """The data set a file belongs to: the name before one of ``suffixes``, else its folder.

    >>> default_namespace(Path("/data/HI-Small_Trans.csv"), ("_Trans", "_accounts"))
    'HI-Small'
    >>> default_namespace(Path("/data/20K_fanin200cycle200/nodes.csv"))
    '20K_fanin200cycle200'
    """
    for suffix in suffixes:
        if path.stem.endswith(suffix) and len(path.stem) > len(suffix):
            return path.stem[: -len(suffix)]
    return path.resolve().parent.name
