"""``moneytrail export``: hand a workspace over in other tools' formats (FtM JSON lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import output

export_app = typer.Typer(
    help="Export a workspace / exporter un espace de travail", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``export`` group to ``app``."""
    app.add_typer(export_app, name="export")


@export_app.command("ftm")
def ftm_cmd(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Argument(help="FollowTheMoney JSON lines file to write")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Parties, accounts and payments as FtM entities / entités FollowTheMoney."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        done = ws.export.ftm(out_file)
    if json_out:
        out.json(done)
    else:
        out.print(
            out.tr(
                "cli.export_ftm_done",
                path=done.path,
                parties=done.parties,
                accounts=done.accounts,
                ownerships=done.ownerships,
                payments=done.payments,
            )
        )
