"""Widest paths, brokers and bridges (``network widest``, ``network brokers``), temporal paths
and common counterparties (``paths between``, ``paths common``).

A thin face over ``ws.network`` and ``ws.paths`` (:mod:`moneytrail.api.network`,
:mod:`moneytrail.api.paths`): parse, call, print a table (or one JSON document with ``--json``;
amounts are exact decimal strings). The network commands join the existing ``network`` group;
the paths commands form the ``paths`` group.

Examples::

    moneytrail network widest +22376000002 "عبد الله" -w case1 [--temporal] --json
    moneytrail network brokers -w case1 --top 10
    moneytrail paths between "+223 76 00 00 01" +22376000030 --max-hops 4 --window 30d -w case1
    moneytrail paths common "Awa Traoré" "Moussa Diarra" +22376000020 -w case1 --json
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moneytrail.api import UsageError, Workspace
from moneytrail.api.flows import format_amount
from moneytrail.api.paths import MAX_WINDOW_DAYS
from moneytrail.api.values import DurationError, duration_days
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.network_cmd import network_app
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count

if TYPE_CHECKING:
    from moneytrail.api.network import BrokerReport, WidestPath

paths_app = typer.Typer(
    help="Paths between subjects / chemins entre sujets (between, common).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach ``network widest``, ``network brokers`` and the ``paths`` group to ``app``."""
    network_app.command("widest")(widest_command)
    network_app.command("brokers")(brokers_command)
    app.add_typer(paths_app, name="paths")


def widest_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="From (account number, name or id)")],
    target: Annotated[str, typer.Argument(help="To (account number, name or id)")],
    temporal: Annotated[
        bool, typer.Option("--temporal", help="Single transactions in time order")
    ] = False,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Route carrying the most money / chemin au plus fort débit (goulot maximal)."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        route = ws.network.widest_path(source, target, temporal)
        currency = ws.reporting_currency
    if json_out:
        out.json(route)
    elif route.path is None:
        out.print(out.tr("flows.no_route", source=source, target=target))
    else:
        _show_widest(out, route.path, currency)


def _show_widest(out: Output, found: WidestPath, currency: str) -> None:
    tr = out.tr
    out.print(
        tr("flows.widest", amount=format_amount(found.bottleneck, out.lang), currency=currency)
    )
    table = Table()
    keys = ["flows.col_from", "flows.col_to", "flows.col_amount"]
    for key in [*keys, "flows.col_when"] if found.temporal else keys:
        table.add_column(tr(key), justify="right" if key == "flows.col_amount" else "left")
    for i, amount in enumerate(found.amounts):
        row = [found.labels[i], found.labels[i + 1], format_amount(amount, out.lang)]
        table.add_row(*row, *([found.timestamps[i]] if found.temporal else []))
    out.print(table)


def brokers_command(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    top: Annotated[
        int, typer.Option("--top", parser=count("--top", 1, 100_000), help="Length of the lists")
    ] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Brokers, cut accounts and bridges / intermédiaires, points de coupure et ponts."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        report = ws.network.brokers(top=top)
    if json_out:
        out.json(report)
    else:
        _show_brokers(out, report)


def _show_brokers(out: Output, report: BrokerReport) -> None:
    tr = out.tr
    table = Table(title=tr("flows.brokers_title"))
    for key in ("node", "betweenness", "communities", "cut"):
        table.add_column(tr(f"flows.col_{key}"))
    for b in report.brokers:
        cut = tr("flows.yes") if b.cut else ""
        table.add_row(b.label, f"{b.betweenness:.6g}", str(b.communities), cut)
    out.print(table)
    cuts = Table(title=tr("flows.cuts_title"))
    for key in ("flows.col_node", "flows.col_counterparties"):
        cuts.add_column(tr(key))
    for c in report.cut_accounts:
        cuts.add_row(c.label, str(c.counterparties))
    out.print(cuts)
    bridges = Table(title=tr("flows.bridges_title"))
    for key in ("flows.col_from", "flows.col_to", "flows.col_amount", "flows.col_count"):
        bridges.add_column(tr(key))
    for br in report.bridges:
        amount = format_amount(br.amount, out.lang)
        bridges.add_row(br.a_label, br.b_label, amount, str(br.count))
    out.print(bridges)
    if report.bridges_total > len(report.bridges):
        out.print(tr("flows.more_bridges", count=report.bridges_total - len(report.bridges)))
    out.print(tr("flows.leaf_bridges", count=report.leaf_bridges))


@paths_app.command("between")
def between_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="From (account number or id, party)")],
    target: Annotated[str, typer.Argument(help="To (account number or id, party)")],
    max_hops: Annotated[
        int, typer.Option("--max-hops", parser=count("--max-hops", 1, 50), help="Most transactions")
    ] = 4,
    window: Annotated[
        str | None, typer.Option("--window", help="Max days between two hops (30 or 30d)")
    ] = None,
    max_paths: Annotated[
        int,
        typer.Option(
            "--max-paths", parser=count("--max-paths", 1, 100_000), help="Most paths listed"
        ),
    ] = 50,
    picture: Annotated[
        Path | None, typer.Option("--picture", help="Draw the accounts of the paths (.png/.svg)")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Time-respecting paths / chemins respectant le temps."""
    out = output(ctx)
    tr = out.tr
    days = _days(window)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        found = ws.paths.between(
            source, target, max_hops, days, max_paths, picture=picture, lang=out.lang
        )
    if json_out:
        out.json(found)
        return
    if not found.paths:
        out.print(tr("flows.no_route", source=source, target=target))
        return
    title = tr("flows.paths_title", count=len(found.paths), source=source, target=target)
    table = Table(title=title)
    for key in ("flows.col_rank", "flows.col_route", "flows.col_amounts", "flows.col_when"):
        table.add_column(tr(key))
    for rank, p in enumerate(found.paths, start=1):
        route = " → ".join(p.labels)
        amounts = " / ".join(format_amount(a, out.lang) for a in p.amounts)
        table.add_row(str(rank), route, amounts, f"{p.first_ts} … {p.last_ts}")
    out.print(table)
    if not found.complete:
        out.print(tr("flows.paths_incomplete"))
    if found.picture is not None:
        out.print(tr("flows.picture_written", path=found.picture))


@paths_app.command("common")
def common_command(
    ctx: typer.Context,
    subjects: Annotated[list[str], typer.Argument(help="Two or more subjects")],
    minimum: Annotated[
        int,
        typer.Option(
            "--min", parser=count("--min", 2, 10_000), help="Subjects a counterparty shares"
        ),
    ] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Counterparties shared by several subjects / contreparties communes."""
    out = output(ctx)
    tr = out.tr
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        found = ws.paths.common(subjects, minimum)
    if json_out:
        out.json(found)
        return
    rows = found.counterparties
    table = Table(title=tr("flows.common_title", count=len(rows)))
    for key in ("flows.col_node", "flows.col_subjects", "flows.col_count", "flows.col_amount"):
        table.add_column(tr(key))
    for c in rows:
        table.add_row(
            c.label or c.account_id,
            ", ".join(c.subjects),
            str(c.transactions),
            format_amount(c.total, out.lang),
        )
    out.print(table)


def _days(value: str | None) -> float | None:
    """``30``, ``30d``, ``30j``, ``36h`` or ``2sem`` -> days (the model's duration rule, as rule
    parameters read it; a plain number is days); None stays None."""
    if value is None:
        return None
    try:
        days = duration_days(value)
    except DurationError:
        days = -1.0
    if not 0 < days <= MAX_WINDOW_DAYS:
        raise UsageError("error.flows_bad_window", value=value)
    return days
