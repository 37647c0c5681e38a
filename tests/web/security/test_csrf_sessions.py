"""CSRF on every write, and sessions: fixation, logout, a disabled account.

The CSRF cases are generated from the route table: every POST (PUT, PATCH, DELETE) of the app,
sent by a signed-in head of unit (who may do nearly everything, so that only the token can be
what refuses) without a token, with a wrong one, and with another live session's token.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from moneytrail.web.security import SESSION_COOKIE
from tests.web.conftest import PASSWORD, csrf_of, sign_in
from tests.web.security.calls import describe, send, to_login
from tests.web.security.conftest import World
from tests.web.security.routemap import RouteInfo, declared_routes

WRITES = [r for r in declared_routes() if r.method not in ("GET", "HEAD", "OPTIONS")]


@pytest.mark.parametrize("route", WRITES, ids=lambda r: r.id)
@pytest.mark.parametrize("token", ["none", "wrong", "other-session", "form-wrong"])
def test_write_without_its_token_is_refused(world: World, route: RouteInfo, token: str) -> None:
    fatou = world.signed("fatou")
    if token == "none":
        answer = send(world, fatou, route, world.moussa_case, token=None)
    elif token == "wrong":
        answer = send(world, fatou, route, world.moussa_case, token="x" * 43)
    elif token == "other-session":
        other = world.csrf(world.signed("awa"))
        answer = send(world, fatou, route, world.moussa_case, token=other)
    else:  # the form field, as a plain HTML form sends it
        answer = send(world, fatou, route, world.moussa_case, token=None, form={"csrf": "x"})
    assert answer.status_code == 403, f"{route.id} with token {token}: {describe(answer)}"


def test_login_form_needs_its_token(world: World) -> None:
    browser = world.browser()
    csrf_of(browser)
    answer = browser.post("/login", data={"login": "awa", "password": PASSWORD})
    assert answer.status_code == 403
    assert browser.get("/cases").status_code == 303  # not signed in


def _cookie(client: TestClient) -> str:
    value: str | None = client.cookies.get(SESSION_COOKIE)
    assert value
    return value


def _with_cookie(world: World, session_id: str) -> TestClient:
    browser = world.browser()
    browser.cookies.set(SESSION_COOKIE, session_id, domain="testserver.local")
    return browser


def test_session_id_changes_at_login_and_dies_at_logout(world: World) -> None:
    victim = world.browser()
    planted = (csrf_of(victim), _cookie(victim))[1]  # an id an attacker could have planted
    sign_in(victim, "awa")
    signed = _cookie(victim)
    assert signed != planted
    assert victim.get("/cases").status_code == 200
    attacker = _with_cookie(world, planted)
    assert to_login(attacker.get("/cases"))
    assert attacker.get("/api/cases").status_code == 401
    token = world.csrf(victim)
    assert victim.post("/logout", data={"csrf": token}).status_code == 303
    replay = _with_cookie(world, signed)
    assert to_login(replay.get("/cases"))
    assert replay.get("/api/cases").status_code == 401


def test_session_cookie_is_locked_down(world: World) -> None:
    browser = world.browser()
    answer = browser.get("/login")
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=strict" in cookie


def test_disabled_account_loses_its_session_at_once(world: World) -> None:
    zoe = sign_in(world.browser(), "zoe")
    old = _cookie(zoe)
    assert zoe.get("/cases").status_code == 200
    desk = world.desk
    head = desk.actor("fatou")
    desk.disable_user(head, "zoe")
    try:
        assert to_login(zoe.get("/cases"))
        assert zoe.get("/api/alerts").status_code == 401
        again = world.browser()
        csrf = csrf_of(again)
        refused = again.post("/login", data={"login": "zoe", "password": PASSWORD, "csrf": csrf})
        assert refused.status_code == 401
    finally:
        desk.enable_user(head, "zoe")
    # Enabled again, the old session stays dead: it was dropped, not suspended.
    assert to_login(_with_cookie(world, old).get("/cases"))
