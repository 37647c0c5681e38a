"""``moneytrail goaml validate`` and ``goaml profiles``: check a goAML report from elsewhere.

Example::

    moneytrail goaml validate declaration.xml --profile uae-5.0.2
    moneytrail goaml profiles --json
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import JsonOpt
from moneytrail.cli.goaml_cmd import goaml_app
from moneytrail.cli.output import output


def register(app: typer.Typer) -> None:
    """Nothing to add: the commands attach to the ``goaml`` group of ``goaml_cmd``."""


@goaml_app.command("validate")
def validate_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="goAML report (XML) / déclaration goAML (XML)")],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Country profile id or folder (goaml profiles) / profil pays ou dossier",
        ),
    ],
    json_out: JsonOpt = False,
) -> None:
    """Validate a report against a country profile / valider une déclaration goAML."""
    from moneytrail.api import BadInputError
    from moneytrail.api.goaml_validate import validate_file

    out = output(ctx)
    result = validate_file(file, profile)
    if json_out:
        out.json(result)
    if not result.ok:
        raise BadInputError(
            "error.goaml_report_invalid",
            problems=result.problems,
            file=result.file,
            profile=result.profile,
            count=len(result.problems),
        )
    if not json_out:
        out.print(
            out.tr(
                "goaml_validate.ok",
                file=result.file,
                profile=result.profile,
                transactions=result.transactions,
            )
        )


@goaml_app.command("profiles")
def profiles_command(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Shipped country profiles / profils pays livrés."""
    from rich.table import Table

    from moneytrail.api.goaml_validate import profiles

    out = output(ctx)
    listed = profiles()
    if json_out:
        out.json(listed)
        return
    table = Table(title=out.tr("goaml_validate.profiles_title"))
    for key in ("col_id", "col_title", "col_fixes", "col_lookups"):
        table.add_column(out.tr(f"goaml_validate.{key}"))
    for info in listed:
        lookups = ", ".join(f"{name} ({count})" for name, count in info.lookups.items())
        table.add_row(info.id, info.title.get(out.lang, ""), ", ".join(info.fixes), lookups)
    out.print(table)
