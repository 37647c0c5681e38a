"""``moneytrail export``: hand a workspace over in other tools' formats (FtM JSON lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import console, print_json, tr, workspace_path
from moneytrail.export.ftm import export_ftm
from moneytrail.workspace import Workspace

export_app = typer.Typer(
    help="Export a workspace / exporter un espace de travail", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``export`` group to ``app``."""
    app.add_typer(export_app, name="export")


@export_app.command("ftm")
def ftm_cmd(
    out: Annotated[Path, typer.Argument(help="FollowTheMoney JSON lines file to write")],
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace directory")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")] = False,
) -> None:
    """Parties, accounts and payments as FtM entities / entités FollowTheMoney."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        counts = export_ftm(ws.engine, out)
    if json_out:
        print_json({"path": str(out), **counts})
    else:
        console.print(tr("cli.export_ftm_done", path=str(out), **counts))
