"""``moneytrail trace``: follow the money from accounts, a party, transactions or an amount.

A thin face over :func:`moneytrail.trace.trace`: parse options, call the library, print a table
(or one JSON document with ``--json``; amounts are exact decimal strings).

Example::

    moneytrail trace --account +22376000001 --policy fifo --hops 4 --window 30 -w case1 --json
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from moneytrail.cli.common import console, print_json, state, tr, workspace_path
from moneytrail.errors import UsageError
from moneytrail.trace.model import (
    DEFAULT_STOPS,
    Direction,
    EndpointKind,
    Policy,
    Seed,
    TraceResult,
    TraceSettings,
)
from moneytrail.workspace import Workspace


def register(app: typer.Typer) -> None:
    """Attach ``trace`` to ``app``."""
    app.command("trace")(trace_command)


def trace_command(
    account: Annotated[
        list[str] | None, typer.Option("--account", help="Account number or id (repeatable)")
    ] = None,
    party: Annotated[str | None, typer.Option("--party", help="Party name or id")] = None,
    transaction: Annotated[
        list[str] | None, typer.Option("--transaction", help="Transaction id (repeatable)")
    ] = None,
    backward: Annotated[
        bool, typer.Option("--backward", help="Where did it come from? / d'où vient-il ?")
    ] = False,
    policy: Annotated[
        str, typer.Option("--policy", help="fifo | lifo | pro-rata | poison")
    ] = "fifo",
    hops: Annotated[int, typer.Option("--hops", help="Transactions followed after the seed")] = 6,
    window: Annotated[
        float | None, typer.Option("--window", help="Max days between arrival and onward spend")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Seed from this date (YYYY-MM-DD[THH:MM])")
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="Amount on the (single) account at --from")
    ] = None,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace directory")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")] = False,
    sankey: Annotated[
        Path | None, typer.Option("--sankey", help="Also draw a Sankey diagram (.png or .svg)")
    ] = None,
    through_borders: Annotated[
        bool,
        typer.Option(
            "--through-borders",
            help="Follow money abroad instead of stopping there / suivre l'argent à l'étranger",
        ),
    ] = False,
) -> None:
    """Follow the money / suivre l'argent (FIFO, LIFO, pro-rata, poison)."""
    settings = TraceSettings(
        policy=_choice(Policy, policy, "--policy"),
        direction=Direction.BACKWARD if backward else Direction.FORWARD,
        max_hops=hops,
        window_days=window,
        start=_when(start),
        # A regional case (money paid in Senegal, spent in Mali and Niger) reads better when a
        # border is a transition on the path, still shown, rather than the end of it.
        stop_at=DEFAULT_STOPS - {EndpointKind.ABROAD} if through_borders else DEFAULT_STOPS,
    )
    seed = Seed(
        accounts=tuple(account or ()),
        party=party,
        transactions=tuple(transaction or ()),
        amount=_amount(amount),
        at=settings.start,
    )
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        result = ws.trace(seed, settings)
        if sankey is not None:
            from moneytrail.flows.sankey import write_trace_sankey

            write_trace_sankey(ws.engine, result, sankey, state.lang)
    if json_out:
        print_json(result)
    else:
        show(result)
        if sankey is not None:
            console.print(tr("flows.sankey_written", path=str(sankey)))


def show(result: TraceResult) -> None:
    """Endpoints as a table, largest first, with the channel and border transitions."""
    console.print(
        tr(
            "trace.title",
            direction=tr(f"trace.direction.{result.direction.value}"),
            policy=result.policy.value,
            amount=_money(result.seed_amount),
            currency=result.currency or "",
            scanned=result.transactions_scanned,
        )
    )
    table = Table()
    for key, justify in (
        ("trace.col_kind", "left"),
        ("trace.col_account", "left"),
        ("trace.col_country", "left"),
        ("trace.col_amount", "right"),
        ("trace.col_share", "right"),
        ("trace.col_paths", "right"),
        ("trace.col_route", "left"),
    ):
        table.add_column(tr(key), justify=justify)  # type: ignore[arg-type]
    for end in result.endpoints:
        route = end.paths[0] if end.paths else None
        table.add_row(
            tr(f"trace.kind.{end.kind.value}"),
            end.account_number or end.account_id or "-",
            end.country or "",
            _money(end.amount),
            f"{end.share * 100:.2f} %",
            str(end.paths_total),
            " → ".join(route.channels + route.countries) if route else "",
        )
    console.print(table)
    if result.endpoints_total > len(result.endpoints):
        console.print(
            tr(
                "trace.omitted",
                count=result.endpoints_total - len(result.endpoints),
                amount=_money(result.endpoints_omitted_amount),
            )
        )
    console.print(tr("trace.unexplained", share=f"{result.unexplained_share * 100:.2f} %"))


def _money(value: Decimal) -> str:
    return f"{value:,}".replace(",", " ")


def _choice(kind: type[Policy], value: str, option: str) -> Policy:
    try:
        return kind(value)
    except ValueError:
        raise UsageError("error.trace_bad_option", option=option, value=value) from None


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError("error.trace_bad_option", option="--from", value=value) from None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _amount(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        parsed = Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        parsed = Decimal(-1)
    if not parsed.is_finite() or parsed <= 0:
        raise UsageError("error.trace_bad_option", option="--amount", value=value)
    return parsed
