"""Shared last steps of the tabular readers: parse the source into ``tab_rows``, then fan out.

Why apart: CSV, XLSX and Parquet readers all end the same way, and the XLSX reader lives in its own
module. Example: ``stage_rows(ctx, plan, "SELECT line, c0, c1 FROM tab_xlsx", Params())``.
"""

from __future__ import annotations

import duckdb

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
    watched = getattr(ctx.engine, "execute_watched", None)

    def report(pct: float) -> None:
        ctx.report(start + (end - start) * max(pct, 0.0) / 100.0, 100.0)

    try:
        if watched is not None:
            watched(sql, params.values, report)
        else:
            ctx.engine.execute(sql, params.values)
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0]
        raise refuse(ctx, "value_invalid", detail=detail) from exc


def finish(ctx: StageContext, plan: Plan) -> None:
    """Fan ``tab_rows`` out into the staging tables."""
    stage_fanout(ctx.engine, plan)
    ctx.report(100.0, 100.0)
