"""Every route × every role × member or not: the answer the policy gives, and no other.

Generated from the route table (:mod:`routemap`): a route added to any module of
``ROUTE_MODULES`` is tried here without anyone writing a test for it, and one that declares
neither ``permit()`` nor ``signed_in()`` (nor is public) fails :func:`test_route_declares`.
The expected answer comes from the policy itself: ``CaseDesk.allowed`` for the route's global
action, ``authorize()`` on the case for the case action the route maps to
(:data:`routemap.CASE_ROUTES`).
"""

from __future__ import annotations

import pytest

from moneytrail.api.cases import CaseDesk
from moneytrail.cases.roles import authorize
from moneytrail.cases.service import TRANSITIONS
from tests.web.security.calls import describe, refused, send, to_login
from tests.web.security.conftest import ROLES, World
from tests.web.security.routemap import (
    CASE_ROUTES,
    FORM_VALUES,
    WORKFLOW,
    RouteInfo,
    app_routes,
    declared_routes,
    mounts,
    write_order,
)

ROUTES = declared_routes()
GUARDED = [r for r in ROUTES if not r.public]
ORDERED: list[RouteInfo] = sorted(GUARDED, key=write_order)


def _needs_case_entry(route: RouteInfo) -> bool:
    return "{ref}" in route.path or (not route.public and route.action is None)


def _matrix() -> list[pytest.ParameterSet]:
    cases: list[pytest.ParameterSet] = []
    for route in ORDERED:
        for login in ROLES:
            for which in ("awa_case", "moussa_case") if "{ref}" in route.path else (None,):
                label = f"{route.id}|{login}" + (f"|{which}" if which else "")
                cases.append(pytest.param(route, login, which, id=label))
    return cases


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_route_declares(route: RouteInfo) -> None:
    """Public, or a Permit (``permit(action)`` or ``signed_in()``) among its dependencies."""
    assert route.public or route.permits, f"{route.id} is neither public nor permitted"


@pytest.mark.parametrize("route", [r for r in ROUTES if _needs_case_entry(r)], ids=lambda r: r.id)
def test_case_route_is_mapped(route: RouteInfo) -> None:
    """A case route (or a signed_in() one) says which action of the policy guards it."""
    assert route.key in CASE_ROUTES, (
        f"{route.id}: add it to tests/web/security/routemap.py CASE_ROUTES with the case "
        "action (and global action) its CaseDesk call checks"
    )


def test_app_has_only_declared_routes(world: World) -> None:
    """The built app serves what the modules declare, and only the public /static mount."""
    assert {r.key for r in app_routes(world.app)} == {r.key for r in ROUTES}
    assert mounts(world.app) == ["/static"]


def expected(world: World, route: RouteInfo, login: str, ref: str | None) -> bool:
    """Whether the policy lets ``login`` through ``route`` (on case ``ref``)."""
    actor = world.actor(login)
    allowed = CaseDesk.allowed(actor, route.action) if route.action else True
    case_action, global_action = CASE_ROUTES.get(route.key, (None, None))
    if global_action is not None:
        allowed = allowed and CaseDesk.allowed(actor, global_action)
    if ref is not None:
        if case_action is None:
            pytest.fail(f"{route.id}: no case action in CASE_ROUTES")
        case = world.access(ref)
        if case_action == WORKFLOW:
            step = TRANSITIONS.get((case.status, FORM_VALUES["to"]))
            # No such step: a usage error, but only to who may see the case at all.
            case_action = step or "case.read"
        allowed = allowed and authorize(actor, case_action, case)
    return allowed


@pytest.mark.parametrize(("route", "login", "which"), _matrix())
def test_role_matrix(world: World, route: RouteInfo, login: str, which: str | None) -> None:
    if _needs_case_entry(route) and route.key not in CASE_ROUTES:
        pytest.fail(f"{route.id}: not in CASE_ROUTES, its expected answer is unknown")
    ref = getattr(world, which) if which else None
    client = world.signed(login)
    allowed = expected(world, route, login, ref)
    answer = send(world, client, route, ref)
    if allowed:
        assert not refused(answer) and not to_login(answer), (
            f"{route.id} as {login} ({ROLES[login]}) on {which}: allowed by the policy, "
            f"got {describe(answer)}"
        )
        assert answer.status_code < 500, f"{route.id} as {login}: {describe(answer)}"
    else:
        assert refused(answer), (
            f"{route.id} as {login} ({ROLES[login]}) on {which}: refused by the policy, "
            f"got {describe(answer)}"
        )


@pytest.mark.parametrize("route", ORDERED, ids=lambda r: r.id)
def test_anonymous_goes_to_login(world: World, route: RouteInfo) -> None:
    """No session: pages redirect to /login, JSON and writes answer 401 (the pre-login
    session's CSRF token is sent, so that CSRF is not what refuses)."""
    browser = world.browser()
    browser.get("/login")
    answer = send(world, browser, route, world.awa_case)
    if route.method == "GET" and not route.is_api:
        assert answer.status_code == 303, describe(answer)
        assert answer.headers["location"].startswith("/login"), describe(answer)
    else:
        assert answer.status_code == 401, describe(answer)


@pytest.mark.parametrize(
    ("path", "field", "known"),
    [
        ("/cases/{ref}/subjects", "text", "Moussa Traoré"),
        ("/cases/{ref}/traces", "account", "ML01-0002-118820"),
    ],
)
def test_case_route_is_no_oracle_on_the_workspace(
    world: World, path: str, field: str, known: str
) -> None:
    """A reviewer outside the case (no ``workspace.read``, no ``case.add``) gets the same 403
    whether the name exists in the workspace or not: a case route must not tell them."""
    route = next((r for r in ROUTES if r.key == ("POST", path)), None)
    assert route is not None, f"no POST {path}: the test must follow the route"
    ines = world.signed("ines")
    for value in (known, "Personne Inconnue 4711"):
        answer = send(world, ines, route, world.moussa_case, form={field: value})
        assert refused(answer), f"POST {path} {field}={value!r} as ines: {describe(answer)}"
