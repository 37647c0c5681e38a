"""``moneytrail serve``: the web workbench on this machine (issue 17, decision 0129).

Binds to 127.0.0.1 by default: other machines reach it only when ``--host`` says so (a team's
server behind its own TLS proxy). Example::

    moneytrail serve -w enquete                 # http://127.0.0.1:8000, French by default
    moneytrail serve -w enquete --port 8080 --lang en
    moneytrail serve -w enquete --check         # open everything, say what is there, exit
"""

from __future__ import annotations

from typing import Annotated

import typer

from moneytrail.cli.common import WorkspaceOpt, workspace_path
from moneytrail.cli.identity import CasesUrlOpt
from moneytrail.cli.output import output


def register(app: typer.Typer) -> None:
    """Attach the top-level ``serve`` command to ``app``."""
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to bind / adresse")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port / port TCP")] = 8000,
    pool: Annotated[
        int, typer.Option("--pool", help="Workspace connections / connexions à l'espace")
    ] = 8,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Cookies without Secure, for plain HTTP on another host than localhost",
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Check the workspace and case store, then exit / vérifier et sortir"
        ),
    ] = False,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Web workbench (FR/EN) / poste de travail dans le navigateur."""
    import uvicorn

    from moneytrail.web import WebSettings, create_app

    shown = output(ctx)
    settings = WebSettings(
        workspace=workspace_path(workspace),
        cases_url=cases_url,
        default_lang=shown.lang,
        secure_cookies=not insecure_cookies,
        pool_size=pool,
        warm_up=not check,
    )
    app = create_app(settings)
    web = app.state.web
    accounts = web.desk.account_count()
    if not accounts:
        shown.print(shown.tr("web.serve.no_account", workspace=str(settings.workspace)))
    if check:
        with web.pool.lease() as ws:
            info = ws.info()
        shown.print(
            shown.tr(
                "web.serve.ready",
                workspace=str(settings.workspace),
                transactions=info.counts.get("transactions", 0),
                store=web.desk.where,
                accounts=accounts,
            )
        )
        web.close()
        return
    shown.print(shown.tr("web.serve.listening", url=f"http://{host}:{port}/"))
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
