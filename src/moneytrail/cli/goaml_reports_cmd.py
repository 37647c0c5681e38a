"""``moneytrail goaml reports``: search the goAML reports read into a workspace.

Example::

    moneytrail goaml reports -w enquete --indicator AFFRD --text "espèces"
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from moneytrail.api import Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.goaml_cmd import goaml_app
from moneytrail.cli.output import output


def register(app: typer.Typer) -> None:
    """Nothing to do: the command attaches itself to the ``goaml`` group on import."""


@goaml_app.command("reports")
def reports_command(
    ctx: typer.Context,
    indicator: Annotated[
        str | None, typer.Option("--indicator", help="Indicator code / code d'indicateur")
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Words of the reason or action / mots du motif")
    ] = None,
    code: Annotated[str | None, typer.Option("--code", help="STR, SAR, CTR...")] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """goAML reports read into the workspace / déclarations goAML lues."""
    out = output(ctx)
    tr = out.tr
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        found = ws.goaml.reports(indicator=indicator, text=text, code=code)
    if json_out:
        out.json(found)
        return
    if not found.reports:
        out.print(tr("goaml_read.none"))
        return
    table = Table(title=tr("goaml_read.title", count=len(found.reports)))
    for key in ("col_code", "col_reference", "col_date", "col_indicators", "col_tx", "col_reason"):
        table.add_column(tr(f"goaml_read.{key}"))
    for report in found.reports:
        reason = report.reason or ""
        table.add_row(
            report.report_code,
            report.entity_reference,
            str(report.submission_date or ""),
            ", ".join(report.indicators),
            str(len(report.transaction_ids)),
            reason if len(reason) <= 80 else reason[:79] + "…",
        )
    out.print(table)
