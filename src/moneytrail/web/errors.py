"""What the browser sees when a request fails: a page (or JSON under ``/api/``) in the
reader's language, never a traceback.

Refusals are 403 (a role or a case's membership: ``AccessDeniedError``, already audited by the
store; a missing CSRF token), no session is a redirect to the login page (401 for JSON), an
unknown case or alert 404, a usage error 400, bad input 422 with its problems as
``line: field: reason``. Anything else is a bug: 500 with the path of a private crash report.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from moneytrail.api import BadInputError, MoneytrailError, translate
from moneytrail.api.cases import AccessDeniedError
from moneytrail.api.faces import report_crash
from moneytrail.web.pages import render
from moneytrail.web.security import (
    Caller,
    CsrfRefusedError,
    NotSignedInError,
    Permit,
    lang_of,
)
from moneytrail.web.state import web_state


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _answer(
    request: Request, status: int, message: str, problems: list[str] | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "problems": problems or []}, status_code=status)
    shown = dict(status=status, message=message, problems=problems or [])
    return render(request, "error.html", _caller(request), status, **shown)


def _caller(request: Request) -> Caller | None:
    """The signed-in user, so that an error page keeps the menu and the sign-out button."""
    try:
        return Permit(None)(request)
    except (NotSignedInError, MoneytrailError):
        return None


class UploadTooLargeError(Exception):
    """An upload over ``settings.max_upload_mb`` (counted while it is saved): 413, nothing kept."""


def too_large(request: Request, exc: Exception | None = None) -> Response:
    """413: the request's body is larger than the workbench accepts (``max_upload_mb``)."""
    limit = web_state(request).settings.max_upload_mb
    return _answer(request, 413, translate("web.error.too_large", lang_of(request), mb=limit))


def _not_signed_in(request: Request, exc: Exception) -> Response:
    if _wants_json(request) or request.method != "GET":
        return JSONResponse({"error": translate("web.error.sign_in", lang_of(request))}, 401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _csrf(request: Request, exc: Exception) -> Response:
    return _answer(request, 403, translate("web.error.csrf", lang_of(request)))


def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MoneytrailError)
    return _answer(request, 403, exc.render(lang_of(request)))


def _moneytrail(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MoneytrailError)
    lang = lang_of(request)
    if isinstance(exc, BadInputError):
        problems = [p.render(lang) for p in exc.problems]
        return _answer(request, 422, exc.render(lang), problems)
    unknown = ".unknown_" in exc.key or exc.key.endswith(("_unknown", "not_found"))
    status = 404 if unknown else 400
    return _answer(request, status, exc.render(lang))


def _crash(request: Request, exc: Exception) -> Response:
    where = report_crash(exc)
    message = translate("web.error.crash", lang_of(request), report=str(where))
    return _answer(request, 500, message)


def install(app: FastAPI) -> None:
    """Attach the handlers to ``app``."""
    handlers: dict[Any, Any] = {
        NotSignedInError: _not_signed_in,
        UploadTooLargeError: too_large,
        CsrfRefusedError: _csrf,
        AccessDeniedError: _denied,
        MoneytrailError: _moneytrail,
        Exception: _crash,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
