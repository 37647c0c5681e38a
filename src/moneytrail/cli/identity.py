"""Who acts, and on which case store: the options every ``user``, ``case`` and ``audit``
command shares, and signing in.

Identity on the command line (decision 0128): ``--as LOGIN`` (or ``$MONEYTRAIL_USER``), the
password from ``$MONEYTRAIL_PASSWORD`` (scripts, tests) or a hidden prompt. A new account's
password comes from ``--password-stdin``, ``$MONEYTRAIL_NEW_PASSWORD`` or a prompt (twice).
The store is the workspace's (``cases.sqlite`` in its folder) unless ``--cases-url`` (or
``$MONEYTRAIL_CASES_URL``) names a team's PostgreSQL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from moneytrail.api import UsageError
from moneytrail.cli.common import workspace_path

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor, CaseDesk

AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as", envvar="MONEYTRAIL_USER", help="Who acts (login) / qui agit (identifiant)"
    ),
]
CasesUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--cases-url",
        envvar="MONEYTRAIL_CASES_URL",
        help="Case store (default: cases.sqlite in the workspace) / base des dossiers",
    ),
]
PASSWORD_VARIABLE = "MONEYTRAIL_PASSWORD"
NEW_PASSWORD_VARIABLE = "MONEYTRAIL_NEW_PASSWORD"


def open_desk(workspace: Path | None, url: str | None) -> CaseDesk:
    """The case store of the workspace (or the one at ``url``)."""
    from moneytrail.api.cases import CaseDesk

    return CaseDesk.for_workspace(workspace_path(workspace), url)


def sign_in(desk: CaseDesk, login: str | None) -> Actor:
    """The signed-in user (password from the environment or a hidden prompt)."""
    if not login:
        raise UsageError("cases.error.need_user")
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = typer.prompt(f"Mot de passe / password ({login})", hide_input=True)
    return desk.login(login, password)


def new_password(from_stdin: bool) -> str:
    """The password of an account being created: the first line of stdin
    (``--password-stdin``), else ``$MONEYTRAIL_NEW_PASSWORD``, else prompted twice, hidden."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    given = os.environ.get(NEW_PASSWORD_VARIABLE)
    if given is not None:
        return given
    value: str = typer.prompt(
        "Nouveau mot de passe / new password", hide_input=True, confirmation_prompt=True
    )
    return value
