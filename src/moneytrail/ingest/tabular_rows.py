"""The one statement that reads a whole tabular source into ``tab_rows``.

Why so little per row: a 5-million-row file must cost about what DuckDB needs to read it. Only
what differs on every row is computed per row (timestamp, amounts, the first problem); what has
few distinct values (account numbers, channels) is normalised once per distinct value by
:mod:`moneytrail.ingest.tabular_fanout` and joined back. Nested levels matter: DuckDB recomputes
an expression each time a sibling expression of the same ``SELECT`` names it (lateral aliases are
inlined), but a column of an inner ``SELECT`` is computed once:

1. texts: trimmed text of every mapped field (``raw_*``, ``a_*`` for the first side, ``b_*`` for
   the other: src/dst, or statement account/counterparty);
2. parsed: timestamp, amounts, fee, direction flags, currency;
3. derived: signed amount -> amount and direction;
4. checked: the first problem of the row.

Example: ``rows_sql(plan, "SELECT line, c0, c1 FROM tab_xlsx", Params())``.
"""

# ruff: noqa: S608 - SQL built from code-chosen names (c0, a_id...); user values are bound

from __future__ import annotations

from moneytrail.ingest.tabular_sql import (
    ISO_8601,
    LABEL_FALSE,
    LABEL_TRUE,
    Params,
    Plan,
    amount_sql,
    fold_sql,
    in_list_sql,
)

SIDES = ("a", "b")
_OFFSET = r"\d:\d{2}(:\d{2}([.,]\d+)?)? ?([Zz]|[+-]\d{2}(:?\d{2})?)$"
"""A time followed by a UTC offset: the value carries its own zone."""
KEPT = (
    "line, ts, amount_value, is_debit, fee, ext_id, currency, raw_channel, tx_type, reference,"
    " place"
)
SIDE_KEPT = ("number", "name", "inst", "country")
LABEL_KEPT = "label_flag, label_typology, label_case"
"""Ground truth of a labelled file (``plan.labelled``), kept only then: the common path pays
nothing for it."""


def side_fields(plan: Plan) -> dict[str, tuple[str, str, str | None, str | None]]:
    """Per side (``a``, ``b``): the canonical fields of its number, name, institution and
    country (None: the layout has no such field on that side)."""
    if plan.statement:
        return {
            "a": ("account", "account_name", "account_institution", None),
            "b": ("counterparty_account", "counterparty_name", None, None),
        }
    return {
        s: (f"{x}_account", f"{x}_name", f"{x}_institution", f"{x}_country")
        for s, x in zip(SIDES, ("src", "dst"), strict=True)
    }


def filled_side_parts(plan: Plan) -> frozenset[str]:
    """Which of ``name``, ``inst``, ``country`` some side of ``tab_rows`` may fill; the others
    are NULL on every row (their field is not mapped, and no default institution is set), so
    the account statements can leave them out of their keys and aggregates."""
    parts = set()
    for _, name, inst, country in side_fields(plan).values():
        if name in plan.columns:
            parts.add("name")
        if inst and (inst in plan.columns or plan.institution):
            parts.add("inst")
        if country and country in plan.columns:
            parts.add("country")
    return frozenset(parts)


def _texts(plan: Plan, source: str, p: Params) -> str:
    if "timestamp" in plan.columns:
        raw_ts = plan.text("timestamp")
    elif "time" in plan.columns:
        raw_ts = f"nullif(concat_ws(' ', {plan.text('date')}, {plan.text('time')}), '')"
    else:
        raw_ts = plan.text("date")
    fields = {
        "raw_ts": raw_ts,
        "raw_amount": plan.text("amount"),
        "raw_debit": plan.text("debit"),
        "raw_credit": plan.text("credit"),
        "raw_fee": plan.text("fee"),
        "raw_direction": plan.text("direction"),
        "raw_currency": plan.text("currency"),
        "raw_channel": plan.text("channel") if "channel" in plan.columns else plan.text("tx_type"),
        "ext_id": plan.text("ext_id"),
        "tx_type": plan.text("tx_type"),
        "reference": plan.text("reference"),
        "place": plan.text("place"),
    }
    if plan.labelled:
        fields["raw_label"] = plan.text("label")
        fields["label_typology"] = plan.text("typology")
        fields["label_case"] = plan.text("case_id")
    for side, (number, name, inst, country) in side_fields(plan).items():
        fields[f"{side}_number"] = plan.text(number)
        fields[f"{side}_name"] = plan.text(name)
        if inst:
            default = p.add(plan.institution) if plan.institution else "NULL"
            fields[f"{side}_inst"] = f"coalesce({plan.text(inst)}, {default})"
        else:
            fields[f"{side}_inst"] = "NULL"
        fields[f"{side}_country"] = f"upper({plan.text(country)})" if country else "NULL"
    cols = ", ".join(f"{expr} AS {name}" for name, expr in fields.items())
    return f"SELECT line, {cols} FROM ({source})"


def _parsed(plan: Plan, inner: str, p: Params) -> str:
    if plan.date_format == ISO_8601:
        ts = "TRY_CAST(replace(raw_ts, ',', '.') AS TIMESTAMP)"
    else:
        ts = f"try_strptime(raw_ts, {p.add(plan.date_format)})"
    if plan.timezone.upper() != "UTC":
        ts = f"timezone('UTC', timezone({p.add(plan.timezone)}, {ts}))"
    if plan.date_format == ISO_8601:
        # A written offset (``Z``, ``+01:00``, ``+0100``) wins over the file's time zone.
        ts = (
            f"CASE WHEN regexp_matches(raw_ts, {p.add(_OFFSET)})"
            " THEN timezone('UTC', TRY_CAST(replace(raw_ts, ',', '.') AS TIMESTAMPTZ))"
            f" ELSE {ts} END"
        )
    cols = [
        f"{ts} AS ts",
        f"{amount_sql('raw_amount', plan.decimal)} AS signed",
        f"{amount_sql('raw_debit', plan.decimal)} AS debit_value",
        f"{amount_sql('raw_credit', plan.decimal)} AS credit_value",
        f"{amount_sql('raw_fee', plan.decimal)} AS fee",
        f"{in_list_sql('raw_direction', plan.debit_values, p)} AS dir_debit",
        f"{in_list_sql('raw_direction', plan.credit_values, p)} AS dir_credit",
        f"coalesce(upper(raw_currency), {p.add(plan.currency)}) AS currency",
    ]
    if plan.labelled:
        yes = ", ".join(p.add(v) for v in LABEL_TRUE)
        no = ", ".join(p.add(v) for v in LABEL_FALSE)
        folded = fold_sql("raw_label")
        cols.append(
            f"CASE WHEN {folded} IN ({yes}) THEN TRUE WHEN {folded} IN ({no}) THEN FALSE END"
            " AS label_flag"
        )
    return f"SELECT *, {', '.join(cols)} FROM ({inner})"


def _derived(plan: Plan, inner: str) -> str:
    if "debit" in plan.columns or "credit" in plan.columns:
        is_debit = "coalesce(debit_value <> 0, FALSE)"
        amount = (
            "CASE WHEN coalesce(debit_value <> 0, FALSE) THEN abs(debit_value)"
            " ELSE abs(credit_value) END"
        )
        raw = "coalesce(raw_debit, raw_credit)"
    elif "direction" in plan.columns:
        is_debit = "dir_debit"
        amount = "abs(signed)" if plan.statement else "signed"
        raw = "raw_amount"
    else:
        is_debit = "coalesce(signed < 0, FALSE)"
        amount = "abs(signed)" if plan.statement else "signed"
        raw = "raw_amount"
    cols = [f"{is_debit} AS is_debit", f"{amount} AS amount_value", f"{raw} AS raw_money"]
    return f"SELECT *, {', '.join(cols)} FROM ({inner})"


def problem_checks(plan: Plan) -> list[tuple[str, str, str, str]]:
    """``(condition, problem code, header, raw value)`` of each per-row check, in order."""
    date_header = plan.headers.get("timestamp") or plan.headers.get("date") or "date"
    money = next(
        (plan.headers[f] for f in ("amount", "debit", "credit") if f in plan.headers), "amount"
    )
    checks: list[tuple[str, str, str, str]] = [
        ("raw_ts IS NULL", "date_empty", date_header, "NULL"),
        ("ts IS NULL", "date_invalid", date_header, "raw_ts"),
        (
            "ts < TIMESTAMP '1900-01-01' OR ts >= TIMESTAMP '2100-01-01'",
            "date_out_of_range",
            date_header,
            "raw_ts",
        ),
        ("raw_money IS NULL", "amount_empty", money, "NULL"),
    ]
    if "debit" in plan.columns:
        checks.append(
            (
                "raw_debit IS NOT NULL AND debit_value IS NULL",
                "amount_not_number",
                plan.headers["debit"],
                "raw_debit",
            )
        )
    if "credit" in plan.columns:
        checks.append(
            (
                "raw_credit IS NOT NULL AND credit_value IS NULL",
                "amount_not_number",
                plan.headers["credit"],
                "raw_credit",
            )
        )
    checks.append(("amount_value IS NULL", "amount_not_number", money, "raw_money"))
    if "fee" in plan.columns:
        checks.append(
            (
                "raw_fee IS NOT NULL AND fee IS NULL",
                "amount_not_number",
                plan.headers["fee"],
                "raw_fee",
            )
        )
    if "direction" in plan.columns and plan.statement:
        checks.append(
            (
                "NOT dir_debit AND NOT dir_credit",
                "tabular_direction_unknown",
                plan.headers["direction"],
                "raw_direction",
            )
        )
    if plan.labelled:
        checks.append(
            (
                "raw_label IS NOT NULL AND label_flag IS NULL",
                "label_invalid",
                plan.headers["label"],
                "raw_label",
            )
        )
    return checks


def _problem(plan: Plan) -> str:
    """``bad_code`` = ``"<problem>|<check index>"`` of the first failed check, and its raw value.

    The header of the failed column is looked up from the index only for the few bad rows
    (:func:`quarantine_sql`): one CASE less on every row.
    """
    code = raw = "CASE"
    for index, (condition, problem, _header, value) in enumerate(problem_checks(plan)):
        code += f" WHEN {condition} THEN '{problem}|{index}'"
        raw += f" WHEN {condition} THEN {value}"
    return f"{code} END AS bad_code, {raw} END AS bad_raw"


def quarantine_sql(plan: Plan, p: Params) -> str:
    """``stg_quarantine`` rows for the rows of ``tab_rows`` that failed a check."""
    headers = p.add([header for _c, _p, header, _v in problem_checks(plan)])
    return (
        "INSERT INTO stg_quarantine (line, field, raw_value, code, detail)"
        " SELECT line, list_extract(CAST("
        + headers
        + " AS VARCHAR[]), CAST(split_part(bad_code, '|', 2) AS INTEGER) + 1),"
        " bad_raw, split_part(bad_code, '|', 1), NULL FROM tab_rows WHERE bad_code IS NOT NULL"
    )


def rows_sql(plan: Plan, source: str, p: Params) -> str:
    """``CREATE TEMP TABLE tab_rows`` from ``source`` (a SELECT of ``line, c0, c1...``)."""
    level = _texts(plan, source, p)
    level = _parsed(plan, level, p)
    level = _derived(plan, level)
    kept = [KEPT] + [f"{s}_{c}" for s in SIDES for c in SIDE_KEPT]
    if plan.labelled:
        kept.append(LABEL_KEPT)
    return (
        f"CREATE OR REPLACE TEMP TABLE tab_rows AS SELECT {', '.join(kept)}, {_problem(plan)}"
        f" FROM ({level})"
    )
