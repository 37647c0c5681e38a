"""Shared last steps of the tabular readers: parse the source into ``tab_rows``, then fan out.

Why apart: CSV, XLSX and Parquet readers all end the same way, and the XLSX reader lives in its own
module. Example: ``stage_rows(ctx, plan, "SELECT line, c0, c1 FROM tab_xlsx", Params())``.
"""

from __future__ import annotations

from moneytrail.engine.errors import EngineError
from moneytrail.ingest.base import StageContext
from moneytrail.ingest.tabular_fanout import stage_fanout
from moneytrail.ingest.tabular_mapping import Mapping, load_mapping
from moneytrail.ingest.tabular_plan import refuse
from moneytrail.ingest.tabular_rows import rows_sql
from moneytrail.ingest.tabular_sql import Params, Plan


def mapping_of(ctx: StageContext) -> Mapping | None:
    """The ``--mapping`` of this run, checked (``UsageError`` when invalid)."""
    return load_mapping(ctx.options.mapping) if ctx.options.mapping else None


def stage_rows(ctx: StageContext, plan: Plan, source: str, params: Params) -> None:
    """Parse ``source`` into ``tab_rows`` (with progress), then fill the staging tables."""
    parse_rows(ctx, plan, source, params)
    finish(ctx, plan)


def parse_rows(
    ctx: StageContext, plan: Plan, source: str, params: Params, start: float = 0.0
) -> None:
    """The statement parsing the whole source into ``tab_rows``, reporting its progress."""
    run_watched(ctx, rows_sql(plan, source, params), params, start, 95.0)


def run_watched(ctx: StageContext, sql: str, params: Params, start: float, end: float) -> None:
    """Run one long statement; its progress maps onto ``start..end`` percent of the file."""

    def report(pct: float) -> None:
        ctx.report(start + (end - start) * max(pct, 0.0) / 100.0, 100.0)

    try:
        ctx.engine.execute_watched(sql, params.values, report)
    except EngineError as exc:
        raise refuse(ctx, "value_invalid", detail=exc.detail) from exc


def finish(ctx: StageContext, plan: Plan) -> None:
    """Check no mapped column came out empty, then fan ``tab_rows`` out into staging."""
    check_empty_columns(ctx, plan)
    ctx.one_record_per_line = True
    ctx.unique_ids = True
    stage_fanout(ctx.engine, plan)
    ctx.report(100.0, 100.0)


# Mapped field -> its column in ``tab_rows``. Account fields must never be empty in every row:
# a statement whose sender column is blank everywhere (a header read with the wrong encoding,
# a shifted mapping) would load every transaction without its sender.
_ROW_COLUMN = {
    "src_account": "a_number",
    "account": "a_number",
    "dst_account": "b_number",
    "counterparty_account": "b_number",
    "src_name": "a_name",
    "account_name": "a_name",
    "dst_name": "b_name",
    "counterparty_name": "b_name",
    "ext_id": "ext_id",
    "reference": "reference",
    "tx_type": "tx_type",
    "label": "label_flag",
    "typology": "label_typology",
    "case_id": "label_case",
}
_ACCOUNT_FIELDS = ("src_account", "account", "dst_account", "counterparty_account")


def check_empty_columns(ctx: StageContext, plan: Plan) -> None:
    """Refuse a file whose mapped account column is empty on every line; warn for the others.

    One pass over ``tab_rows`` (a count per column). A file without data rows is left to the
    commit step, which reports it has nothing to load.
    """
    fields = [f for f in plan.columns if f in _ROW_COLUMN]
    if not fields:
        return
    counts = ", ".join(f"count({_ROW_COLUMN[f]})" for f in fields)
    row = ctx.engine.fetchall(f"SELECT count(*), {counts} FROM tab_rows")[0]  # noqa: S608 - fixed names
    if not row[0]:
        return
    for fld, filled in zip(fields, row[1:], strict=True):
        if filled:
            continue
        header = plan.headers.get(fld, fld)
        if fld in _ACCOUNT_FIELDS:
            raise refuse(ctx, "column_empty", value=header, field=header, detail=fld)
        ctx.warn("column_empty_warning", field=header, detail=fld)
