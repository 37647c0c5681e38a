"""Who is calling, and may they: sign-in, CSRF and the one ``authorize()`` on every route.

Every route of the workbench declares what it needs in its signature:

* ``caller: Annotated[Caller, permit("workspace.read")]`` — signed in, and the global action
  allowed by :meth:`CaseDesk.permit` (audited, allowed or refused);
* ``caller: Annotated[Caller, signed_in()]`` — signed in; the page's data is case data, and the
  ``CaseDesk`` call behind it asks ``authorize()`` for the case itself (and audits);
* listed in :data:`PUBLIC_ROUTES` — the login page, the language switch, static files.

``tests/web/security/`` walks the route table and fails on a route that is none
of these, so a new route cannot escape the checks. The role is read from the store on every
request (``CaseDesk.actor``): a disabled account loses its sessions at its next click.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Depends
from starlette.requests import Request

from moneytrail.api import LANGS, UsageError
from moneytrail.api.cases import AccessDeniedError
from moneytrail.web.state import web_state

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor
    from moneytrail.web.sessions import WebSession
    from moneytrail.web.state import WebState

SESSION_COOKIE = "mt_session"
LANG_COOKIE = "mt_lang"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
INACTIVE = "cases.denied.inactive"
"""The refusal of a disabled account: its sessions end (sign-in page), not a 403."""

PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("GET", "/lang/{code}"),
        ("GET", "/static"),
        ("GET", "/healthz"),
    }
)
"""Routes anyone may call (``/static`` is the mount of the vendored and own assets)."""


class NotSignedInError(Exception):
    """No live session: pages redirect to the login page, JSON answers 401."""


class CsrfRefusedError(Exception):
    """A state-changing request without this session's CSRF token."""


@dataclass
class Caller:
    """The signed-in user of one request, in their language, with the workbench's parts."""

    actor: Actor
    session: WebSession
    lang: str
    web: WebState

    @property
    def login(self) -> str:
        return self.actor.login

    def may(self, action: str) -> bool:
        """Whether to show a button for the global ``action`` (the route still checks)."""
        return self.web.desk.allowed(self.actor, action)


def lang_of(request: Request) -> str:
    """The language chosen in this browser (cookie), else the workbench's default."""
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGS else web_state(request).settings.default_lang


def session_of(request: Request) -> WebSession | None:
    """The live session of this browser, if any."""
    return web_state(request).sessions.get(request.cookies.get(SESSION_COOKIE))


class Permit:
    """The dependency a route declares: signed in, and ``action`` allowed (when given)."""

    def __init__(self, action: str | None) -> None:
        self.action = action

    def __call__(self, request: Request) -> Caller:
        web = web_state(request)
        session = session_of(request)
        if session is None or session.login is None:
            raise NotSignedInError
        try:
            if self.action is None:
                actor = web.desk.actor(session.login)
            else:  # one transaction: the account as it is now, the decision, the audit entry
                actor = web.desk.permit_login(session.login, self.action, target=_target(request))
        except UsageError:  # the account was removed from the store
            web.sessions.drop(session.id)
            raise NotSignedInError from None
        except AccessDeniedError as refused:
            if refused.key != INACTIVE:
                raise
            actor = None
        if actor is None or not actor.active:  # disabled since they signed in
            web.sessions.drop_login(session.login)
            raise NotSignedInError
        return Caller(actor, session, lang_of(request), web)

    def __repr__(self) -> str:
        return f"Permit({self.action!r})"


def permit(action: str) -> Any:
    """Signed in and allowed the global ``action`` (audited)."""
    return Depends(Permit(action))


def signed_in() -> Any:
    """Signed in; the case data behind the route is guarded by the ``CaseDesk`` call."""
    return Depends(Permit(None))


def _target(request: Request) -> str:
    """What is read or changed, for the audit trail: the path and its query."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def csrf_guard(request: Request) -> None:
    """Refuse a state-changing request that does not carry its session's CSRF token.

    Applied to the whole app. The token comes in the ``X-CSRF-Token`` header (htmx) or the
    ``csrf`` form field; the login form's token belongs to the pre-login session.
    """
    if request.method in SAFE_METHODS:
        return
    session = session_of(request)
    sent: object = request.headers.get(CSRF_HEADER)
    if sent is None:
        kind = request.headers.get("content-type", "")
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            sent = (await request.form()).get(CSRF_FIELD)
    if session is None or not isinstance(sent, str):
        raise CsrfRefusedError
    if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise CsrfRefusedError
