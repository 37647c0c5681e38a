"""``moneytrail conflicts``: transactions two sources tell differently, and the analyst's choice.

Example::

    moneytrail conflicts list -w enquete
    moneytrail conflicts decide -w enquete 3fa2c1 --use --by "A. Traoré" --note "relevé rectifié"
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from moneytrail.api import UsageError, Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import output

conflicts_app = typer.Typer(
    help="Conflicting versions of transactions / versions contradictoires", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``conflicts`` group to ``app``."""
    app.add_typer(conflicts_app, name="conflicts")


@conflicts_app.command("list")
def list_command(
    ctx: typer.Context,
    every: Annotated[
        bool, typer.Option("--all", help="Decided versions too / aussi les versions tranchées")
    ] = False,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Versions to review beside the one in use / versions à trancher."""
    out = output(ctx)
    tr = out.tr
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        listed = ws.conflicts.list(every)
    if json_out:
        out.json(listed)
        return
    views = listed.versions
    if not views:
        out.print(tr("conflicts.none"))
        return
    table = Table(title=tr("conflicts.title", count=len(views)))
    for key in (
        "col_version",
        "col_reference",
        "col_facts",
        "col_in_use",
        "col_other",
        "col_status",
    ):
        table.add_column(tr(f"conflicts.{key}"))
    for view in views:
        table.add_row(
            view.version_id[:12],
            view.ext_id or view.transaction_id[:12],
            ", ".join(view.differs),
            _facts(view.in_use, view.differs),
            _facts(view.other, view.differs),
            tr(f"conflicts.status.{view.status}"),
        )
    out.print(table)


def _facts(row: dict[str, object], differs: list[str]) -> str:
    shown = [f"{name}={row.get(name)}" for name in differs]
    shown.append(f"source={str(row.get('source_id'))[:8]}:{row.get('source_row')}")
    return "\n".join(shown)


@conflicts_app.command("decide")
def decide_command(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="Version id (first characters)")],
    use: Annotated[
        bool, typer.Option("--use", help="Put this version in use / retenir cette version")
    ] = False,
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Keep the version in use / garder la version en usage"),
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who decides / qui décide")] = "",
    note: Annotated[str | None, typer.Option("--note", help="Why / pourquoi")] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Decide which version the analysis uses / trancher entre deux versions."""
    out = output(ctx)
    if use == keep:
        raise UsageError("error.conflict_use_or_keep")
    with Workspace.open(workspace_path(workspace)) as ws:
        decision = ws.conflicts.decide(version, use=use, by=by, note=note)
    if json_out:
        out.json(decision)
    else:
        key = "conflicts.used" if use else "conflicts.kept"
        out.print(out.tr(key, version=decision.version[:12]))
