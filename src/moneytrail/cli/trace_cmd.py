"""``moneytrail trace``: follow the money from accounts, a party, transactions or an amount.

A thin face over :meth:`moneytrail.api.Workspace.trace`: parse options, call the library, print
a table (or one JSON document with ``--json``; amounts are exact decimal strings). Accounts are
named in any written form, transactions by id or by the bank's reference.

Example::

    moneytrail trace --account "+223 76 12 34 56" --policy fifo --hops 4 --window 30 -w case1
    moneytrail trace --transaction OM2400300004 -w case1 --sankey rancon.svg
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moneytrail.api import UsageError, Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count, positive

if TYPE_CHECKING:
    from moneytrail.api import Policy, TraceResult


def register(app: typer.Typer) -> None:
    """Attach ``trace`` to ``app``."""
    app.command("trace")(trace_command)


def trace_command(
    ctx: typer.Context,
    account: Annotated[
        list[str] | None,
        typer.Option("--account", help="Account number (any written form) or id (repeatable)"),
    ] = None,
    party: Annotated[str | None, typer.Option("--party", help="Party name or id")] = None,
    transaction: Annotated[
        list[str] | None,
        typer.Option("--transaction", help="Transaction id or bank reference (repeatable)"),
    ] = None,
    backward: Annotated[
        bool, typer.Option("--backward", help="Where did it come from? / d'où vient-il ?")
    ] = False,
    policy: Annotated[
        str, typer.Option("--policy", help="fifo | lifo | pro-rata | poison")
    ] = "fifo",
    hops: Annotated[
        int,
        typer.Option(
            "--hops", parser=count("--hops", 0, 1_000), help="Transactions followed after the seed"
        ),
    ] = 6,
    window: Annotated[
        float | None,
        typer.Option(
            "--window",
            parser=positive("--window", 36_600.0),
            help="Max days between arrival and onward spend",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="Seed from this date (YYYY-MM-DD[THH:MM])")
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="Amount on the (single) account at --from")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
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
    from moneytrail.api import Direction, EndpointKind, Seed, TraceSettings

    out = output(ctx)
    stops = TraceSettings().stop_at
    settings = TraceSettings(
        policy=_policy(policy),
        direction=Direction.BACKWARD if backward else Direction.FORWARD,
        max_hops=hops,
        window_days=window,
        start=_when(start),
        # A regional case (money paid in Senegal, spent in Mali and Niger) reads better when a
        # border is a transition on the path, still shown, rather than the end of it.
        stop_at=stops - {EndpointKind.ABROAD} if through_borders else stops,
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
            ws.flows.sankey(result, sankey, out.lang)
    if json_out:
        out.json(result)
        return
    show(out, result)
    if sankey is not None:
        out.print(out.tr("flows.sankey_written", path=str(sankey)))


def show(out: Output, result: TraceResult) -> None:
    """Endpoints as a table, largest first, with the channel and border transitions."""
    tr = out.tr
    out.print(
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
        ("trace.col_references", "left"),
    ):
        # amounts never wrap: a narrow terminal folds the route and the references instead
        table.add_column(tr(key), justify=justify, no_wrap=justify == "right")  # type: ignore[arg-type]
    for end in result.endpoints:
        route = end.paths[0] if end.paths else None
        table.add_row(
            tr(f"trace.kind.{end.kind.value}"),
            _where(out, end.account_number or end.account_id, end.holder, end.place),
            end.country or "",
            _money(end.amount),
            f"{end.share * 100:.2f} %",
            str(end.paths_total),
            " → ".join(route.channels + route.countries) if route else "",
            # the bank's references of the main path (a short internal id where none was given)
            " → ".join(s.ext_id or s.transaction_id[:12] for s in route.steps) if route else "",
        )
    out.print(table)
    if result.endpoints_total > len(result.endpoints):
        out.print(
            tr(
                "trace.omitted",
                count=result.endpoints_total - len(result.endpoints),
                amount=_money(result.endpoints_omitted_amount),
            )
        )
    out.print(tr("trace.unexplained", share=f"{result.unexplained_share * 100:.2f} %"))


def _where(out: Output, number: str | None, holder: str | None, place: str | None) -> str:
    """The account number, then its holder (for cash: the agent) and where it is."""
    lines = [number or "-"]
    if holder and holder != number:
        lines.append(holder)
    if place:
        lines.append(out.tr("trace.place", place=place))
    return "\n".join(lines)


def _money(value: Decimal) -> str:
    return f"{value:,}".replace(",", " ")


def _policy(value: str) -> Policy:
    from moneytrail.api import Policy

    try:
        return Policy(value)
    except ValueError:
        raise UsageError("error.trace_bad_option", option="--policy", value=value) from None


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError("error.trace_bad_option", option="--from", value=value) from None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _amount(value: str | None) -> Decimal | None:
    """``--amount`` as typed (``1 250 000``, ``12,5``), checked by the library's rule for an
    amount to trace (finite, above zero, within the workspace's limit); the message names the
    option as the user typed it."""
    from moneytrail.api import Seed

    if value is None:
        return None
    try:
        parsed = Decimal(value.replace(" ", "").replace("\u202f", "").replace(",", "."))
        Seed(amount=parsed)
    except (InvalidOperation, UsageError):
        raise UsageError("error.trace_bad_option", option="--amount", value=value) from None
    return parsed
