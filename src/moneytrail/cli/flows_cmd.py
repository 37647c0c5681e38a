"""Widest paths, brokers and bridges (``network widest``, ``network brokers``), temporal paths
and common counterparties (``paths between``, ``paths common``).

A thin face over :mod:`moneytrail.flows` and :mod:`moneytrail.trace.paths`: parse, call, print a
table (or one JSON document with ``--json``; amounts are exact decimal strings). The network
commands join the existing ``network`` group; the paths commands form the ``paths`` group.

Examples::

    moneytrail network widest +22376000002 "عبد الله" -w case1 [--temporal] --json
    moneytrail network brokers -w case1 --top 10
    moneytrail paths between +22376000001 +22376000030 --max-hops 4 --window 30d -w case1
    moneytrail paths common "Awa Traoré" "Moussa Diarra" +22376000020 -w case1 --json
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from moneytrail.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    print_json,
    state,
    to_jsonable,
    tr,
    workspace_path,
)
from moneytrail.cli.network_cmd import network_app
from moneytrail.errors import UsageError
from moneytrail.flows.brokers import BrokerReport, brokers_and_bridges
from moneytrail.flows.subjects import account_facts, subject_accounts
from moneytrail.flows.text import exact, format_amount
from moneytrail.flows.widest import (
    WidestPath,
    route_network,
    temporal_widest_path,
    widest_path,
)
from moneytrail.trace.paths import common_counterparties, temporal_paths
from moneytrail.workspace import Workspace

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
    source: Annotated[str, typer.Argument(help="From (account number, name or id)")],
    target: Annotated[str, typer.Argument(help="To (account number, name or id)")],
    temporal: Annotated[
        bool, typer.Option("--temporal", help="Single transactions in time order")
    ] = False,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Route carrying the most money / chemin au plus fort débit (goulot maximal)."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        if temporal:
            sources = subject_accounts(ws.engine, source)
            targets = subject_accounts(ws.engine, target)
            facts = account_facts(ws.engine, sources + targets)
            found = temporal_widest_path(
                ws.engine, sources, targets, {k: v.label for k, v in facts.items()}
            )
            if found is not None:
                labels = account_facts(ws.engine, found.nodes)
                found.labels = [labels[n].label if n in labels else n for n in found.nodes]
        else:
            found = widest_path(ws.network(), source, target)
        currency = ws.reporting_currency
    if json_out:
        print_json({"source": source, "target": target, "temporal": temporal, "path": found})
    elif found is None:
        console.print(tr("flows.no_route", source=source, target=target))
    else:
        _show_widest(found, currency)


def _show_widest(found: WidestPath, currency: str) -> None:
    console.print(
        tr("flows.widest", amount=format_amount(found.bottleneck, state.lang), currency=currency)
    )
    table = Table()
    keys = ["flows.col_from", "flows.col_to", "flows.col_amount"]
    for key in [*keys, "flows.col_when"] if found.temporal else keys:
        table.add_column(tr(key), justify="right" if key == "flows.col_amount" else "left")
    for i, amount in enumerate(found.amounts):
        row = [found.labels[i], found.labels[i + 1], format_amount(amount, state.lang)]
        table.add_row(*row, *([found.timestamps[i]] if found.temporal else []))
    console.print(table)


def brokers_command(
    workspace: WorkspaceOpt = None,
    top: Annotated[int, typer.Option("--top", help="Length of the lists")] = 10,
    json_out: JsonOpt = False,
) -> None:
    """Brokers, cut accounts and bridges / intermédiaires, points de coupure et ponts."""
    if top < 1:
        raise UsageError("error.flows_bad_number", option="--top", value=top)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        report = brokers_and_bridges(ws.network(), top=top)
    if json_out:
        print_json(report)
    else:
        _show_brokers(report)


def _show_brokers(report: BrokerReport) -> None:
    table = Table(title=tr("flows.brokers_title"))
    for key in ("node", "betweenness", "communities", "cut"):
        table.add_column(tr(f"flows.col_{key}"))
    for b in report.brokers:
        cut = tr("flows.yes") if b.cut else ""
        table.add_row(b.label, f"{b.betweenness:.6g}", str(b.communities), cut)
    console.print(table)
    cuts = Table(title=tr("flows.cuts_title"))
    for key in ("flows.col_node", "flows.col_counterparties"):
        cuts.add_column(tr(key))
    for c in report.cut_accounts:
        cuts.add_row(c.label, str(c.counterparties))
    console.print(cuts)
    bridges = Table(title=tr("flows.bridges_title"))
    for key in ("flows.col_from", "flows.col_to", "flows.col_amount", "flows.col_count"):
        bridges.add_column(tr(key))
    for br in report.bridges:
        amount = format_amount(br.amount, state.lang)
        bridges.add_row(br.a_label, br.b_label, amount, str(br.count))
    console.print(bridges)
    if report.bridges_total > len(report.bridges):
        console.print(tr("flows.more_bridges", count=report.bridges_total - len(report.bridges)))
    console.print(tr("flows.leaf_bridges", count=report.leaf_bridges))


@paths_app.command("between")
def between_command(
    source: Annotated[str, typer.Argument(help="From (account number or id, party)")],
    target: Annotated[str, typer.Argument(help="To (account number or id, party)")],
    max_hops: Annotated[int, typer.Option("--max-hops", help="Most transactions")] = 4,
    window: Annotated[
        str | None, typer.Option("--window", help="Max days between two hops (30 or 30d)")
    ] = None,
    max_paths: Annotated[int, typer.Option("--max-paths", help="Most paths listed")] = 50,
    picture: Annotated[
        Path | None, typer.Option("--picture", help="Draw the accounts of the paths (.png/.svg)")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Time-respecting paths / chemins respectant le temps."""
    for option, value in (("--max-hops", max_hops), ("--max-paths", max_paths)):
        if value < 1:
            raise UsageError("error.flows_bad_number", option=option, value=value)
    days = _days(window)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        sources = subject_accounts(ws.engine, source)
        targets = subject_accounts(ws.engine, target)
        found = temporal_paths(ws.engine, sources, targets, max_hops, days, max_paths)
        facts = account_facts(ws.engine, [a for p in found.paths for a in p.accounts if a])
        if picture is not None:
            from moneytrail.network.picture import draw_ego

            on_paths = [a for p in found.paths for a in p.accounts if a]
            title = tr("flows.paths_picture_title", source=source, target=target)
            draw_ego(route_network(ws.network(), on_paths), picture, title)
    labels = {k: v.label for k, v in facts.items()}
    paths = [{**_plain(p), "labels": [labels.get(a, a) for a in p.accounts]} for p in found.paths]
    doc = {"source": source, "target": target, "complete": found.complete, "paths": paths}
    if picture is not None:
        doc["picture"] = str(picture)
    if json_out:
        print_json(doc)
        return
    if not paths:
        console.print(tr("flows.no_route", source=source, target=target))
        return
    table = Table(title=tr("flows.paths_title", count=len(paths), source=source, target=target))
    for key in ("flows.col_rank", "flows.col_route", "flows.col_amounts", "flows.col_when"):
        table.add_column(tr(key))
    for rank, p in enumerate(found.paths, start=1):
        route = " → ".join(labels.get(a, a) for a in p.accounts)
        amounts = " / ".join(format_amount(a, state.lang) for a in p.amounts)
        table.add_row(str(rank), route, amounts, f"{p.first_ts} … {p.last_ts}")
    console.print(table)
    if not found.complete:
        console.print(tr("flows.paths_incomplete"))
    if picture is not None:
        console.print(tr("flows.picture_written", path=str(picture)))


@paths_app.command("common")
def common_command(
    subjects: Annotated[list[str], typer.Argument(help="Two or more subjects")],
    minimum: Annotated[int, typer.Option("--min", help="Subjects a counterparty shares")] = 2,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Counterparties shared by several subjects / contreparties communes."""
    if len(subjects) < 2:
        raise UsageError("error.flows_too_few_subjects")
    if minimum < 1:
        raise UsageError("error.flows_bad_number", option="--min", value=minimum)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        named: dict[str, Sequence[str]] = {s: subject_accounts(ws.engine, s) for s in subjects}
        found = common_counterparties(ws.engine, named, minimum)
        facts = account_facts(ws.engine, [c.account_id for c in found])
    rows = [
        {
            **_plain(c),
            "total": str(exact(c.total)),
            "label": facts[c.account_id].label if c.account_id in facts else None,
        }
        for c in found
    ]
    if json_out:
        print_json({"subjects": subjects, "counterparties": rows})
        return
    table = Table(title=tr("flows.common_title", count=len(rows)))
    for key in ("flows.col_node", "flows.col_subjects", "flows.col_count", "flows.col_amount"):
        table.add_column(tr(key))
    for c in found:
        label = facts[c.account_id].label if c.account_id in facts else c.account_id
        table.add_row(
            label, ", ".join(c.subjects), str(c.transactions), format_amount(c.total, state.lang)
        )
    console.print(table)


def _plain(value: Any) -> dict[str, Any]:
    plain: dict[str, Any] = to_jsonable(value)
    return plain


def _days(value: str | None) -> float | None:
    """``30``, ``30d`` or ``30j`` -> 30.0 days; None stays None."""
    if value is None:
        return None
    text = value.strip().lower().removesuffix("d").removesuffix("j")
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not (math.isfinite(days) and days > 0):
        raise UsageError("error.flows_bad_window", value=value)
    return days
