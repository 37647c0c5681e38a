"""``create_app(settings)``: the workbench as a FastAPI application.

Routes come from the modules of :data:`ROUTE_MODULES`, each with a ``router``; adding a page is
adding its module there (the security tests then find its routes). Every response carries a
strict Content-Security-Policy: scripts only from the app itself (no inline script, no eval),
so that a name that slipped through escaping still could not run.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from moneytrail.web.security import csrf_guard
from moneytrail.web.settings import WebSettings
from moneytrail.web.state import WebState

ROUTE_MODULES = (
    "moneytrail.web.routes.auth",
    "moneytrail.web.routes.alerts",
    "moneytrail.web.routes.cases",
    "moneytrail.web.routes.chart",
    "moneytrail.web.routes.trace",
    "moneytrail.web.routes.timeline",
    "moneytrail.web.routes.screening",
    "moneytrail.web.routes.ingest",
)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def create_app(settings: WebSettings) -> FastAPI:
    """The workbench for ``settings.workspace`` (its case store is opened now: a missing
    workspace or an unreachable store fails here, before the server listens)."""
    from moneytrail.api.cases import CaseDesk
    from moneytrail.web.errors import install
    from moneytrail.web.pages import make_templates
    from moneytrail.web.pool import WorkspacePool
    from moneytrail.web.sessions import SessionStore

    desk = CaseDesk.for_workspace(settings.workspace, settings.cases_url)
    web = WebState(
        settings=settings,
        desk=desk,
        pool=WorkspacePool(Path(settings.workspace), settings.pool_size),
        sessions=SessionStore(settings.idle_minutes * 60.0),
        templates=make_templates(),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            threading.Thread(target=_warm_up, args=(web,), daemon=True).start()
        yield
        web.close()

    app = FastAPI(
        title="moneytrail",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_guard)],
        lifespan=lifespan,
    )
    app.state.web = web
    static = resources.files("moneytrail.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(name).router)
    install(app)

    limit = (settings.max_upload_mb + 1) * 1024 * 1024  # the files, and room for the form

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            # Refused before the body is read: nothing of it reaches the disk.
            from moneytrail.web.errors import too_large

            return too_large(request)
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _warm_up(web: WebState) -> None:
    """Screen one name once, so that the name tables are loaded before the first user asks."""
    from moneytrail.api import MoneytrailError

    try:
        with web.pool.lease() as ws:
            ws.screening.name("moneytrail")
    except MoneytrailError:  # no list loaded yet: nothing to warm
        return
