"""Readers of the public AML benchmark layouts: IBM AMLworld and IBM AMLSim.

Investigators and analysts train and test detectors on these synthetic data sets because their
ground truth is known; moneytrail keeps that truth in the ``labels`` table (never as evidence).
Every layout is recognised by its exact header line and staged in SQL (:mod:`aml_sql`).

Decisions (see docs/formats/aml_benchmarks.md):

* AMLworld ``*_Trans.csv``: the canonical amount is **Amount Paid** in **Payment Currency**,
  the money that left the payer's account; when the received currency differs, the received
  amount is kept in ``reference`` ("received 12.50 EUR"). Timestamps (``2022/09/01 00:20``) are
  taken as UTC. Bitcoin becomes ``XBT`` (8 decimals). ``Is Laundering = 1`` becomes the label
  ``laundering`` on the transaction.
* AMLSim: time is a step number, one step = one day from the base date 2017-01-01 (AMLSim's
  default ``base_date``); amounts are USD rounded half away from zero to cents; ``isFraud``
  becomes the label ``fraud``, ``suspicious`` the label ``suspicious``, and each alert of
  ``alerts.csv`` the label ``sar_alert`` with its typology (``CHECK_NAME``) and id (``ALERT_KEY``);
  ``cash_tx.csv`` rows are cash deposits / withdrawals with no account on the cash side.
* Account numbers are unique only inside one data set, so ids are scoped by ``--namespace``,
  by default the data set's name: the file-name prefix for AMLworld (``HI-Small`` of
  ``HI-Small_Trans.csv``), the parent folder for AMLSim (``20K_fanin200cycle200``).

>>> AmlWorldReader("amlworld").sniff(Path("x.csv"), _AMLWORLD_TRANS_HEADER.encode())
95
"""

from __future__ import annotations

from pathlib import Path

from moneytrail.errors import BadInputError
from moneytrail.ingest.aml_sql import (
    default_namespace,
    load_raw,
    read_header,
    register_currency_names,
    split_header,
    stage_accounts,
    stage_transactions,
)
from moneytrail.ingest.base import StageContext

SNIFF_SCORE = 95
AMLSIM_BASE_DATE = "2017-01-01"
AMLSIM_MAX_STEPS = 100_000
AMLSIM_CURRENCY = "USD"
_AMLWORLD_TRANS_HEADER = (
    "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
    "Amount Paid,Payment Currency,Payment Format,Is Laundering"
)
_AMLWORLD_SUFFIXES = ("_Trans", "_trans", "_accounts", "_Accounts")

# AMLworld writes currencies by name; Bitcoin has no ISO 4217 code (see money.CRYPTO_MINOR_UNITS).
AMLWORLD_CURRENCIES = {
    "US Dollar": "USD",
    "Euro": "EUR",
    "Yuan": "CNY",
    "Bitcoin": "XBT",
    "Saudi Riyal": "SAR",
    "Rupee": "INR",
    "Yen": "JPY",
    "Mexican Peso": "MXN",
    "UK Pound": "GBP",
    "Ruble": "RUB",
    "Canadian Dollar": "CAD",
    "Australian Dollar": "AUD",
    "Swiss Franc": "CHF",
    "Shekel": "ILS",
    "Brazil Real": "BRL",
}

_AMLWORLD_CHANNEL = (
    "CASE c9 WHEN 'Cheque' THEN 'cheque' WHEN 'Credit Card' THEN 'card' WHEN 'ACH' THEN 'wire'"
    " WHEN 'Wire' THEN 'wire' WHEN 'Bitcoin' THEN 'crypto' ELSE 'unknown' END"
)
_AMLSIM_CHANNEL = (
    "CASE upper(c3) WHEN 'CHECK' THEN 'cheque' WHEN 'WIRE' THEN 'wire' WHEN 'CREDIT' THEN 'wire'"
    " WHEN 'CASH-IN' THEN 'cash_deposit'"
    " WHEN 'CASH-OUT' THEN 'cash_withdrawal' ELSE 'unknown' END"
)


def _step_ts(column: str) -> str:
    """SQL: AMLSim step ``column`` as a timestamp (step 0 = the base date, one step = a day).

    A step further than :data:`AMLSIM_MAX_STEPS` days from the base date is unreadable (NULL,
    quarantined as ``date_invalid``): the date arithmetic would overflow long before the
    engine's last date, and no simulation runs for centuries.
    """
    step = f"try_cast(trim({column}) AS BIGINT)"
    return (
        f"CASE WHEN {step} BETWEEN -{AMLSIM_MAX_STEPS} AND {AMLSIM_MAX_STEPS} THEN"
        f" CAST(DATE '{AMLSIM_BASE_DATE}' AS TIMESTAMP) + to_days(CAST({step} AS INTEGER)) END"
    )


def _usd(column: str) -> str:
    return f"try_cast(trim({column}) AS DECIMAL(38, 12))"


def _text(column: str) -> str:
    return f"nullif(trim({column}), '')"


# Layouts: header -> (transaction or account SELECT over aml_rows, quarantine field names).
_TX_LAYOUTS: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {
    tuple(_AMLWORLD_TRANS_HEADER.split(",")): (
        "SELECT ns, line, try_strptime(trim(c0), '%Y/%m/%d %H:%M') AS ts, c0 AS ts_raw,"  # noqa: S608 - code-chosen SQL, no user values
        " try_cast(trim(c7) AS DECIMAL(38, 12)) AS amount, c7 AS amount_raw, p.code AS currency,"
        f" c8 AS currency_raw, {_text('c1')} AS src_bank, {_text('c2')} AS src_num,"
        f" {_text('c3')} AS dst_bank, {_text('c4')} AS dst_num, true AS src_expected,"
        f" true AS dst_expected, NULL AS ext_id, {_AMLWORLD_CHANNEL} AS channel, c9 AS tx_type,"
        " CASE WHEN trim(c6) <> trim(c8) THEN 'received ' || trim(c5) || ' '"
        " || coalesce(r.code, trim(c6)) END AS reference,"
        " CASE WHEN trim(c10) = '1' THEN 'laundering' END AS label"
        " FROM aml_rows LEFT JOIN aml_currency_names p ON p.name = trim(c8)"
        " LEFT JOIN aml_currency_names r ON r.name = trim(c6)",
        {
            "ts": "Timestamp",
            "amount": "Amount Paid",
            "currency": "Payment Currency",
            "src": "Account",
            "dst": "Account",
        },
    ),
    ("sourceNodeId", "targetNodeId", "value", "time"): (
        f"SELECT ns, line, {_step_ts('c3')} AS ts, c3 AS ts_raw,"  # noqa: S608 - code-chosen SQL, no user values
        f" {_usd('c2')} AS amount, c2 AS amount_raw, '{AMLSIM_CURRENCY}' AS currency,"
        f" NULL AS currency_raw, NULL AS src_bank, {_text('c0')} AS src_num, NULL AS dst_bank,"
        f" {_text('c1')} AS dst_num, true AS src_expected, true AS dst_expected, NULL AS ext_id,"
        " 'unknown' AS channel, NULL AS tx_type, NULL AS reference, NULL AS label FROM aml_rows",
        {
            "ts": "time",
            "amount": "value",
            "currency": "value",
            "src": "sourceNodeId",
            "dst": "targetNodeId",
        },
    ),
    (
        "TXN_ID",
        "ACCOUNT_ID",
        "COUNTER_PARTY_ACCOUNT_NUM",
        "TXN_SOURCE_TYPE_CODE",
        "tx_count",
        "TXN_AMOUNT_ORIG",
        "start",
        "end",
    ): (
        f"SELECT ns, line, {_step_ts('c6')} AS ts, c6 AS ts_raw,"  # noqa: S608 - code-chosen SQL, no user values
        f" {_usd('c5')} AS amount, c5 AS amount_raw, '{AMLSIM_CURRENCY}' AS currency,"
        f" NULL AS currency_raw, NULL AS src_bank, {_text('c1')} AS src_num, NULL AS dst_bank,"
        f" {_text('c2')} AS dst_num, true AS src_expected, true AS dst_expected,"
        f" {_text('c0')} AS ext_id, {_AMLSIM_CHANNEL} AS channel, c3 AS tx_type,"
        " NULL AS reference, NULL AS label FROM aml_rows",
        {
            "ts": "start",
            "amount": "TXN_AMOUNT_ORIG",
            "currency": "TXN_AMOUNT_ORIG",
            "src": "ACCOUNT_ID",
            "dst": "COUNTER_PARTY_ACCOUNT_NUM",
        },
    ),
    (
        "TXN_ID",
        "ACCOUNT_ID",
        "BRANCH_ID",
        "TXN_SOURCE_TYPE_CODE",
        "tx_count",
        "TXN_AMOUNT_ORIG",
        "RUN_DATE",
        "end",
    ): (
        # Cash: CASH-IN brings money from outside the data into ACCOUNT_ID, CASH-OUT takes it out.
        f"SELECT ns, line, {_step_ts('c6')} AS ts, c6 AS ts_raw,"  # noqa: S608 - code-chosen SQL, no user values
        f" {_usd('c5')} AS amount, c5 AS amount_raw, '{AMLSIM_CURRENCY}' AS currency,"
        " NULL AS currency_raw, NULL AS src_bank,"
        f" CASE WHEN upper(c3) = 'CASH-IN' THEN NULL ELSE {_text('c1')} END AS src_num,"
        f" NULL AS dst_bank, CASE WHEN upper(c3) = 'CASH-IN' THEN {_text('c1')} END AS dst_num,"
        " upper(c3) <> 'CASH-IN' AS src_expected, upper(c3) = 'CASH-IN' AS dst_expected,"
        f" {_text('c0')} AS ext_id, {_AMLSIM_CHANNEL} AS channel, c3 AS tx_type,"
        " CASE WHEN nullif(trim(c2), '') IS NOT NULL THEN 'branch ' || trim(c2) END"
        " AS reference, NULL AS label FROM aml_rows",
        {
            "ts": "RUN_DATE",
            "amount": "TXN_AMOUNT_ORIG",
            "currency": "TXN_AMOUNT_ORIG",
            "src": "ACCOUNT_ID",
            "dst": "ACCOUNT_ID",
        },
    ),
}


def _sim_account(label: str, where: str) -> str:
    """SQL: one row of AMLSim ``accounts.csv`` as an account of customer PRIMARY_CUSTOMER_ID."""
    return (
        f"SELECT ns, line, NULL AS bank, {_text('c0')} AS num, NULL AS institution,"  # noqa: S608 - code-chosen SQL, no user values
        f" NULL AS name, '{AMLSIM_CURRENCY}' AS currency, upper({_text('c5')}) AS country,"
        f" {_text('c1')} AS party_key, NULL AS party_name,"
        " CASE WHEN upper(trim(c6)) = 'I' THEN 'person' ELSE 'company' END AS party_kind,"
        f" {label} AS label, NULL AS typology, NULL AS instance_id FROM aml_rows{where}"
    )


_PARTY_KIND_AMLWORLD = (
    "CASE WHEN c4 ILIKE 'Corporation%' OR c4 ILIKE 'Partnership%' THEN 'company'"
    " WHEN c4 ILIKE 'Individual%' OR c4 ILIKE 'Person%' THEN 'person' ELSE 'legal_entity' END"
)

_ACCOUNT_LAYOUTS: dict[tuple[str, ...], tuple[str, str]] = {
    ("Bank Name", "Bank ID", "Account Number", "Entity ID", "Entity Name"): (
        f"SELECT ns, line, {_text('c1')} AS bank, {_text('c2')} AS num,"  # noqa: S608 - code-chosen SQL, no user values
        f" {_text('c1')} AS institution, {_text('c4')} AS name, NULL AS currency,"
        f" NULL AS country, {_text('c3')} AS party_key, {_text('c4')} AS party_name,"
        f" {_PARTY_KIND_AMLWORLD} AS party_kind, NULL AS label, NULL AS typology,"
        " NULL AS instance_id FROM aml_rows",
        "Account Number",
    ),
    ("nodeid", "isFraud", "init_balance", "fraudStep"): (
        f"SELECT ns, line, NULL AS bank, {_text('c0')} AS num, NULL AS institution,"  # noqa: S608 - code-chosen SQL, no user values
        f" NULL AS name, '{AMLSIM_CURRENCY}' AS currency, NULL AS country, NULL AS party_key,"
        " NULL AS party_name, NULL AS party_kind,"
        " CASE WHEN trim(c1) = '1' THEN 'fraud' END AS label, NULL AS typology,"
        " NULL AS instance_id FROM aml_rows",
        "nodeid",
    ),
    (
        "ACCOUNT_ID",
        "PRIMARY_CUSTOMER_ID",
        "init_balance",
        "start",
        "end",
        "country",
        "business",
        "suspicious",
        "isFraud",
        "modelID",
    ): (
        # An account flagged both suspicious and fraud gets both labels (two SELECTs).
        _sim_account("CASE WHEN lower(trim(c8)) IN ('true', '1') THEN 'fraud' END", "")
        + " UNION ALL "
        + _sim_account("'suspicious'", " WHERE lower(trim(c7)) IN ('true', '1')"),
        "ACCOUNT_ID",
    ),
    (
        "ALERT_KEY",
        "ALERT_TEXT",
        "ACCOUNT_ID",
        "CUSTOMER_ID",
        "EVENT_DATE",
        "CHECK_NAME",
        "Organization_Type",
        "Escalated_To_Case_Investigation",
    ): (
        f"SELECT ns, line, NULL AS bank, {_text('c2')} AS num, NULL AS institution,"  # noqa: S608 - code-chosen SQL, no user values
        f" NULL AS name, '{AMLSIM_CURRENCY}' AS currency, NULL AS country, NULL AS party_key,"
        f" NULL AS party_name, NULL AS party_kind, 'sar_alert' AS label,"
        f" {_text('c5')} AS typology, {_text('c0')} AS instance_id FROM aml_rows",
        "ACCOUNT_ID",
    ),
}

_AMLWORLD_HEADERS = {
    tuple(_AMLWORLD_TRANS_HEADER.split(",")),
    ("Bank Name", "Bank ID", "Account Number", "Entity ID", "Entity Name"),
}


class _BenchmarkReader:
    """Common sniff/stage of the benchmark layouts; subclasses say which headers are theirs."""

    headers: frozenset[tuple[str, ...]] = frozenset()
    name_suffixes: tuple[str, ...] = ()

    def __init__(self, name: str) -> None:
        self.name = name

    def sniff(self, path: Path, head: bytes) -> int:
        """Certain when the first line is exactly one of this reader's headers."""
        return SNIFF_SCORE if split_header(head) in self.headers else 0

    def stage(self, ctx: StageContext) -> None:
        """Load the file's layout in SQL: rejects to quarantine, the rest to staging."""
        header = read_header(ctx.path)
        if header not in self.headers:
            expected = " | ".join(",".join(h) for h in sorted(self.headers))
            raise BadInputError(
                "error.file_refused",
                problems=[
                    ctx.problem(
                        "aml_header_unknown",
                        line=1,
                        value=",".join(header),
                        params={"expected": expected},
                    )
                ],
                file=str(ctx.path),
            )
        namespace = ctx.options.namespace or default_namespace(ctx.path, self.name_suffixes)
        ctx.mapping_used = {"layout": ",".join(header), "namespace": namespace}
        load_raw(ctx, len(header), namespace)
        register_currency_names(ctx, AMLWORLD_CURRENCIES)
        if header in _TX_LAYOUTS:
            select, fields = _TX_LAYOUTS[header]
            stage_transactions(ctx, select, fields)
        else:
            select, number_field = _ACCOUNT_LAYOUTS[header]
            stage_accounts(ctx, select, number_field)
        ctx.engine.execute("DROP VIEW IF EXISTS aml_rows")
        ctx.engine.execute("DROP TABLE IF EXISTS aml_raw")


class AmlWorldReader(_BenchmarkReader):
    """IBM AMLworld ``*_Trans.csv`` and ``*_accounts.csv`` (format ``amlworld``)."""

    headers = frozenset(_AMLWORLD_HEADERS)
    name_suffixes = _AMLWORLD_SUFFIXES


class AmlSimReader(_BenchmarkReader):
    """IBM AMLSim outputs: nodes/transactions graphs and accounts/tx/cash_tx/alerts (``amlsim``)."""

    headers = frozenset(set(_TX_LAYOUTS) | set(_ACCOUNT_LAYOUTS)) - frozenset(_AMLWORLD_HEADERS)
