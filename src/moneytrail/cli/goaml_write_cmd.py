"""``moneytrail goaml write``: a goAML report from a case's subjects and evidence.

Example::

    moneytrail goaml write --case D-2026-0001 --profile uae-5.0.2 --type STR \\
        --entity-id 1234 --indicator TFSSP --reporter "Awa Traoré" \\
        --out D-2026-0001.xml --as awa -w enquete

Without ``--out`` the report is only built and checked: every problem is listed and nothing
is written. With ``--out`` a report with any problem is refused (exit 3), every problem listed
as ``file:line: element path [case items]: reason``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import BadInputError, UsageError, Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.goaml_cmd import goaml_app
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, open_desk, sign_in
from moneytrail.cli.output import Output, output

ENTITY_VARIABLE = "MONEYTRAIL_GOAML_ENTITY_ID"


def register(app: typer.Typer) -> None:
    """``write`` is attached to the ``goaml`` group when this module is imported."""


@goaml_app.command("write")
def write_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Option("--case", help="Case reference / dossier (D-2026-0001)")],
    profile: Annotated[
        str, typer.Option("--profile", help="goAML profile / profil (uae-5.0.2, lk-2.0)")
    ] = "uae-5.0.2",
    report_type: Annotated[
        str, typer.Option("--type", help="Report code / type de déclaration (STR, SAR...)")
    ] = "STR",
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="Report file; without it, only check / sans : vérifier"),
    ] = None,
    entity_id: Annotated[
        int | None,
        typer.Option(
            "--entity-id",
            envvar=ENTITY_VARIABLE,
            min=1,
            help="Reporting entity's goAML id (rentity_id) / identifiant goAML du déclarant",
        ),
    ] = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option("--indicator", help="Report indicator code (repeat) / indicateur"),
    ] = None,
    reporter: Annotated[
        str | None, typer.Option("--reporter", help="Submitting person / déclarant (nom)")
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Reason (default: case title) / motif")
    ] = "",
    action: Annotated[str, typer.Option("--action", help="Action taken / mesures prises")] = "",
    subject_window: Annotated[
        bool,
        typer.Option(
            "--subject-window",
            help="Also the subjects' transactions in the evidence's time window",
        ),
    ] = False,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write a goAML report from a case / écrire une déclaration goAML depuis un dossier."""
    from moneytrail.api.goaml_write import ReportingEntity, write_from_case

    out = output(ctx)
    if entity_id is None:
        raise UsageError("goaml_write.error.need_entity")
    entity = ReportingEntity(
        entity_id=entity_id,
        reporter=reporter,
        indicators=tuple(indicator or ()),
        reason=reason,
        action=action,
        subject_window=subject_window,
    )
    with (
        open_desk(workspace, cases_url) as desk,
        Workspace.open(workspace_path(workspace), read_only=True) as ws,
    ):
        who = sign_in(desk, as_user)
        try:
            done = write_from_case(
                desk, who, case, ws, profile, report_type, out_path, entity, out.lang
            )
        except BadInputError as refused:
            _list_problems(out, refused, json_out)
            raise typer.Exit(refused.exit_code) from None
    params = {
        "case": done.case,
        "code": done.report_code,
        "profile": done.profile,
        "transactions": done.transactions,
        "parties": done.parties,
    }
    if json_out:
        out.json(done)
    elif done.path is not None:
        out.print(out.tr("goaml_write.written", path=done.path, **params))
    elif not done.problems:
        out.print(out.tr("goaml_write.checked", **params))
    else:
        out.warn(out.tr("goaml_write.problems", count=len(done.problems), **params))
    if done.problems:
        if not json_out:
            for problem in done.problems:
                out.warn("  " + out.text(problem))
        raise typer.Exit(BadInputError.exit_code)


def _list_problems(out: Output, refused: BadInputError, json_out: bool) -> None:
    """Every problem (the error's own text stops at twenty)."""
    out.warn(out.tr(refused.key, **refused.params))
    for problem in refused.problems:
        out.warn("  " + out.text(problem))
    if json_out:
        out.json({"written": None, "problems": refused.problems})
