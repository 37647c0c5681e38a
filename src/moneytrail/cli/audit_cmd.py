"""``moneytrail audit``: verify the tamper-evident trail, read a case's trail, sign and export
checkpoints.

Example::

    moneytrail audit verify --as aminata -w enquete
    moneytrail audit verify --trusted /media/cle/points-de-controle.json --as aminata
    moneytrail audit show --case D-2026-0001 --as moussa -w enquete
    moneytrail audit key --generate --as fatou -w enquete
    moneytrail audit checkpoint --export /media/cle/points-de-controle.json --as fatou
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import UsageError
from moneytrail.cli.common import JsonOpt, WorkspaceOpt
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, open_desk, sign_in
from moneytrail.cli.output import output
from moneytrail.cli.render_cases import show_trail

audit_app = typer.Typer(help="Audit trail / journal d'audit", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the ``audit`` group to ``app``."""
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    ctx: typer.Context,
    trusted: Annotated[
        Path | None,
        typer.Option("--trusted", help="Checkpoints exported elsewhere / export de confiance"),
    ] = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Check the whole chain; exit 1 when it is broken / vérifier toute la chaîne."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        report = desk.verify(sign_in(desk, as_user), trusted)
    if json_out:
        out.json(report)
    else:
        out.print(report.render(out.lang))
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("show")
def show_command(
    ctx: typer.Context,
    case: Annotated[str, typer.Option("--case", help="Case reference / dossier")],
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Who did what on a case, reads included / qui a fait quoi sur un dossier."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        trail = desk.trail(sign_in(desk, as_user), case)
    if json_out:
        out.json(trail)
    else:
        show_trail(out, trail)


@audit_app.command("key")
def key_command(
    ctx: typer.Context,
    generate: Annotated[bool, typer.Option("--generate", help="Create the key / la créer")],
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create the key that signs checkpoints (head of unit) / créer la clé de signature."""
    out = output(ctx)
    if not generate:
        raise UsageError("audit.key_needs_generate")
    with open_desk(workspace, cases_url) as desk:
        key_id = desk.create_key(sign_in(desk, as_user))
    if json_out:
        out.json({"key_id": key_id})
    else:
        out.print(out.tr("audit.key_created", key_id=key_id))


@audit_app.command("checkpoint")
def checkpoint_command(
    ctx: typer.Context,
    export: Annotated[
        Path | None, typer.Option("--export", help="Write every checkpoint here / exporter")
    ] = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Sign the chain up to now (head of unit) / signer la chaîne jusqu'à maintenant."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        done = desk.checkpoint(sign_in(desk, as_user), export)
    if json_out:
        out.json(done)
        return
    out.print(
        out.tr(
            "audit.checkpointed",
            signed=done.signed,
            covered=done.covered_to,
            key_id=done.key_id[:16],
        )
    )
    if done.exported_to:
        out.print(out.tr("audit.exported", path=done.exported_to))
