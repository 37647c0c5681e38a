"""Signing in and out, the language switch, the home page.

Signing in checks the password against the case store (argon2, audited by the store, refusals
too) and always issues a new session id: an id planted before login is worth nothing after
(session fixation). The pre-login session exists only to carry the login form's CSRF token.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from moneytrail.api import LANGS, translate
from moneytrail.api.cases import AccessDeniedError
from moneytrail.web.pages import render
from moneytrail.web.security import (
    LANG_COOKIE,
    SESSION_COOKIE,
    Caller,
    lang_of,
    session_of,
    signed_in,
)
from moneytrail.web.state import web_state

router = APIRouter()


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def _set_session_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        secure=web_state(request).settings.secure_cookies,
        samesite="strict",
        path="/",
    )


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """For a supervisor script: the server answers."""
    return {"status": "ok"}


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    """The login form, with a pre-login session for its CSRF token."""
    session = session_of(request)
    if session is None or session.login is not None:
        session = web_state(request).sessions.new()
    response = render(
        request, "login.html", None, next=local_path(next), error="", csrf_override=session.csrf
    )
    _set_session_cookie(request, response, session.id)
    return response


@router.post("/login")
def login(
    request: Request,
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; on success a new session, on failure the form again (401)."""
    web = web_state(request)
    try:
        actor = web.desk.login(login.strip(), password)
    except AccessDeniedError:
        old = session_of(request)
        message = translate("web.login.failed", lang_of(request))
        return render(
            request,
            "login.html",
            None,
            401,
            next=local_path(next),
            error=message,
            csrf_override=old.csrf if old else "",
        )
    old = session_of(request)
    web.sessions.drop(old.id if old else None)
    session = web.sessions.new(actor.login)
    home = "/cases" if actor.role == "reviewer" else "/alerts"
    response = RedirectResponse(local_path(next if next != "/" else home, home), status_code=303)
    _set_session_cookie(request, response, session.id)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session (its id is worthless afterwards) and go back to the login page."""
    session = session_of(request)
    web_state(request).sessions.drop(session.id if session else None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_lang(request: Request, code: str, next: str = "/") -> Response:
    """Switch between French and English (a cookie; nothing else changes)."""
    response = RedirectResponse(local_path(next), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, samesite="strict", path="/", max_age=31_536_000)
    return response


@router.get("/")
def home(caller: Annotated[Caller, signed_in()]) -> Response:
    """The alert queue, or the case list for a reviewer (who sees only their cases)."""
    return RedirectResponse(
        "/alerts" if caller.may("workspace.read") else "/cases", status_code=303
    )
