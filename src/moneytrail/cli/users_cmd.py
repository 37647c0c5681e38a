"""``moneytrail user``: local accounts (head of unit only, but for the very first one).

Example::

    printf '%s\n' "$MOT_DE_PASSE" |
        moneytrail user add fatou --role head --name "Fatou Keïta" --password-stdin -w enquete
    export MONEYTRAIL_PASSWORD=…   # fatou's, for scripts; otherwise a hidden prompt
    moneytrail user add awa --role analyst --name "Awa Traoré" --as fatou -w enquete
    moneytrail user list --as fatou -w enquete
    moneytrail user disable awa --as fatou -w enquete
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from moneytrail.cli.common import JsonOpt, WorkspaceOpt
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, new_password, open_desk, sign_in
from moneytrail.cli.output import output

user_app = typer.Typer(help="Accounts / comptes", no_args_is_help=True)
LoginArg = Annotated[str, typer.Argument(help="Login / identifiant")]


def register(app: typer.Typer) -> None:
    """Attach the ``user`` group to ``app``."""
    app.add_typer(user_app, name="user")


@user_app.command("add")
def add_command(
    ctx: typer.Context,
    login: LoginArg,
    role: Annotated[str, typer.Option("--role", help="analyst | supervisor | head | reviewer")],
    name: Annotated[str, typer.Option("--name", help="Full name / nom complet")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from stdin")
    ] = False,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create an account (the first one: a head of unit, no --as) / créer un compte."""
    out = output(ctx)
    password = new_password(password_stdin)
    with open_desk(workspace, cases_url) as desk:
        who = sign_in(desk, as_user) if as_user else None
        user = desk.add_user(who, login, role, name, password)
    if json_out:
        out.json(user)
    else:
        out.print(out.tr("user.added", login=user.login, role=user.role))


@user_app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Every account / tous les comptes."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        listed = desk.users(sign_in(desk, as_user))
    if json_out:
        out.json(listed)
        return
    tr = out.tr
    table = Table(title=tr("user.list_title", count=len(listed.users)))
    for key in ("col_login", "col_name", "col_role", "col_active", "col_created"):
        table.add_column(tr(f"user.{key}"))
    for user in listed.users:
        active = tr("user.yes") if user.active else tr("user.no")
        table.add_row(user.login, user.display_name, user.role, active, user.created_at[:10])
    out.print(table)


@user_app.command("disable")
def disable_command(
    ctx: typer.Context,
    login: LoginArg,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Disable an account; its past stays / désactiver un compte ; son passé reste."""
    _set_active(ctx, login, False, as_user, cases_url, workspace, json_out)


@user_app.command("enable")
def enable_command(
    ctx: typer.Context,
    login: LoginArg,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Enable a disabled account again / réactiver un compte."""
    _set_active(ctx, login, True, as_user, cases_url, workspace, json_out)


def _set_active(
    ctx: typer.Context,
    login: str,
    active: bool,
    as_user: str | None,
    cases_url: str | None,
    workspace: Path | None,
    json_out: bool,
) -> None:
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        who = sign_in(desk, as_user)
        user = desk.enable_user(who, login) if active else desk.disable_user(who, login)
    if json_out:
        out.json(user)
    else:
        out.print(out.tr("user.enabled" if active else "user.disabled", login=user.login))
