"""Build and send one request for a route of the table, with every parameter filled."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
from fastapi.testclient import TestClient

from tests.web.security.conftest import World
from tests.web.security.routemap import FORM_VALUES, Param, RouteInfo

CSV_BODY = (
    "Date valeur;Réf. opération;Donneur d'ordre;Compte donneur d'ordre;Bénéficiaire;"
    "Compte bénéficiaire;Montant FCFA;Motif\n"
    "04/03/2024;SEC-1;Awa Test;ML01-9999-000001;Zoé Test;ML01-9999-000002;1 000;test\n"
).encode()


def sample(param: Param) -> Any:
    """A harmless value for ``param``: the table's, else one of its type."""
    if param.name in FORM_VALUES:
        return FORM_VALUES[param.name]
    text = repr(param.annotation)
    if "bool" in text:
        return "false"
    if "int" in text or "float" in text:
        return "1"
    return "test"


def fill(path: str, name: str, value: str) -> str:
    """``path`` with ``{name}`` (or ``{name:converter}``) replaced by ``value``, encoded."""
    return re.sub(r"\{" + re.escape(name) + r"(:[^}]*)?\}", quote(value, safe=""), path)


def url_of(
    world: World, route: RouteInfo, ref: str | None, given: dict[str, str] | None = None
) -> str:
    """The route's path with real ids (``given`` wins; ``{ref}`` is ``ref``)."""
    path, given = route.path, given or {}
    for param in route.of("path"):
        if param.name in given:
            value = given[param.name]
        elif param.name == "ref" and ref is not None:
            value = ref
        else:
            value = world.value(param.name, param.annotation, ref)
        path = fill(path, param.name, value)
    return path


def send(
    world: World,
    client: TestClient,
    route: RouteInfo,
    ref: str | None = None,
    *,
    token: str | None = "session",
    path: str | None = None,
    query: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> httpx.Response:
    """Send ``route`` as ``client``: required parameters filled, and for a write the session's
    CSRF token in the header (``token="session"``), a given token, or none (``None``)."""
    target = path if path is not None else url_of(world, route, ref)
    params = {p.name: sample(p) for p in route.of("query") if p.required}
    params.update(query or {})
    if route.method in ("GET", "HEAD"):
        answer: httpx.Response = client.request(route.method, target, params=params)
        return answer
    body = {p.name: sample(p) for p in route.of("form") if not p.is_file and p.required}
    body.update(form or {})
    upload = {p.name: ("securite.csv", CSV_BODY, "text/csv") for p in route.of("form") if p.is_file}
    upload.update(files or {})
    headers = {}
    if token == "session":
        headers["x-csrf-token"] = world.csrf(client)
    elif token is not None:
        headers["x-csrf-token"] = token
    answer = client.request(
        route.method,
        target,
        params=params,
        data=body or None,
        files=upload or None,
        headers=headers,
    )
    return answer


def refused(answer: httpx.Response) -> bool:
    return answer.status_code == 403


def to_login(answer: httpx.Response) -> bool:
    """Not signed in: a redirect to the login page (pages) or 401 (JSON, writes)."""
    if answer.status_code == 401:
        return True
    return answer.status_code in (302, 303, 307) and answer.headers.get("location", "").startswith(
        "/login"
    )


def describe(answer: httpx.Response) -> str:
    """Status, redirect target and the start of the body, for a failure message."""
    where = answer.headers.get("location", "")
    return f"{answer.status_code} {where} {answer.text[:300]!r}"
