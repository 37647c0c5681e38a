"""``moneytrail report``: the investigation report of a case, as PDF/A or standalone HTML.

Example::

    moneytrail report --case D-2026-0001 --lang fr --out rapport.pdf --as moussa -w enquete
    moneytrail report --case D-2026-0001 --format html --out rapport.html --as moussa
    MONEYTRAIL_SIGN_PASSPHRASE='…' moneytrail report --case D-2026-0001 --out rapport.pdf \
        --sign centif.p12 --sign-location Bamako --as moussa
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, open_desk, sign_in
from moneytrail.cli.output import output
from moneytrail.cli.signature_cmd import PASSPHRASE_ENV, PassEnvOpt, passphrase_from


def register(app: typer.Typer) -> None:
    """Attach the top-level ``report`` command to ``app``."""
    app.command("report")(report)


def report(
    ctx: typer.Context,
    case: Annotated[str, typer.Option("--case", help="Case reference / référence du dossier")],
    out: Annotated[Path, typer.Option("--out", help="File to write / fichier à écrire")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="fr | en (default: the run's / celle de l'appel)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="pdf (PDF/A-3b) | html")] = "pdf",
    sign: Annotated[
        Path | None,
        typer.Option("--sign", help="Sign with this PKCS#12 key / signer avec cette clé (.p12)"),
    ] = None,
    sign_location: Annotated[
        str | None, typer.Option("--sign-location", help="Place of signing / lieu (Bamako)")
    ] = None,
    passphrase_env: PassEnvOpt = PASSPHRASE_ENV,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Investigation report of a case / rapport d'enquête d'un dossier."""
    from moneytrail.api import Workspace
    from moneytrail.api.report import Signing, write_report

    shown = output(ctx)
    folder = workspace_path(workspace)
    signing = None
    if sign is not None:
        signing = Signing(sign, passphrase_from(passphrase_env), sign_location)
    with ExitStack() as stack:
        desk = stack.enter_context(open_desk(workspace, cases_url))
        who = sign_in(desk, as_user)
        ws = None
        if (folder / "workspace.duckdb").is_file():
            ws = stack.enter_context(Workspace.open(folder, read_only=True))
        done = write_report(desk, who, case, ws, out, lang or shown.lang, fmt, signing)
    if json_out:
        shown.json(done)
        return
    shown.print(
        shown.tr("report.written", path=done.path, pages=done.pages or "-", sha256=done.sha256)
    )
    if done.fingerprint:
        shown.print(
            shown.tr("signature.signed", signer=done.signed_by, fingerprint=done.fingerprint)
        )
