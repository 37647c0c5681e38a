"""The route table as the security tests see it: every route, what it declares, what it takes.

Why a module of its own: the tests are *generated* from the table (``pytest`` parametrises over
:func:`declared_routes`), so a route added by anyone is checked without anyone editing a test.
The table is read twice: at collection time from the routers of ``ROUTE_MODULES`` (to name the
parametrised cases), and at run time from the app ``create_app`` built, and the two must agree
(:func:`app_routes`), so a route added to the app some other way cannot slip through either.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, UploadFile
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from moneytrail.web.app import ROUTE_MODULES
from moneytrail.web.security import PUBLIC_ROUTES, Permit

WORKFLOW = "workflow"
"""The case action of a status change: the step's (``TRANSITIONS``), from the form's ``to``."""

# What each route reached with signed_in() does on case data, so that the test knows who may.
# Key: (method, path). Value: (case action on {ref} or None, global action or None).
# A signed_in() route missing here FAILS the matrix test: add it consciously, with the action
# the CaseDesk call behind it asks authorize() for (cases/data/permissions.yaml).
CASE_ROUTES: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("GET", "/"): (None, None),
    ("GET", "/cases"): (None, "case.list"),
    ("GET", "/api/cases"): (None, "case.list"),
    ("POST", "/cases"): (None, "case.create"),
    ("GET", "/cases/{ref}"): ("case.read", None),
    ("GET", "/api/cases/{ref}"): ("case.read", None),
    ("GET", "/cases/{ref}/audit"): ("audit.read", None),
    ("GET", "/api/cases/{ref}/audit"): ("audit.read", None),
    ("GET", "/cases/{ref}/evidence/{evidence_id}/attachment"): ("case.read", None),
    ("GET", "/cases/{ref}/goaml"): ("case.read", None),
    ("POST", "/cases/{ref}/goaml"): ("case.export", None),
    ("GET", "/cases/{ref}/report.html"): ("case.export", None),
    ("GET", "/cases/{ref}/report.pdf"): ("case.export", None),
    ("GET", "/cases/{ref}/transactions.csv"): ("case.export", None),
    ("POST", "/cases/{ref}/members"): ("case.assign", None),
    ("POST", "/cases/{ref}/notes"): ("case.note", None),
    ("POST", "/cases/{ref}/subjects"): ("case.add", None),
    ("POST", "/cases/{ref}/traces"): ("case.add", None),
    ("POST", "/cases/{ref}/tasks"): ("case.task", None),
    ("POST", "/cases/{ref}/tasks/{task_id}/done"): ("case.task", None),
    ("POST", "/cases/{ref}/status"): (WORKFLOW, None),
}

# Values for form fields and query parameters the routes take (by name); others get a
# value of their type. Chosen so that an allowed request does something harmless.
FORM_VALUES: dict[str, str] = {
    "status": "to_review",
    "note": "note de test",
    "text": "Moussa Traoré",  # a party of the demo: a subject that exists, a note's text
    "title": "Dossier de test",
    "summary": "résumé",
    "analyst": "awa",
    "assignee": "awa",
    "member": "zoe",
    "login": "zoe",
    "due": "2027-01-31",
    "to": "in_analysis",
    "reason": "test",
    "purpose": "report",
    "lang": "fr",
    "next": "/",
    "seed": "ML01-0002-118820",
    "subject": "Moussa Traoré",
    "name": "Moussa Traoré",
    "query": "Moussa Traoré",
    "decision": "false_positive",
    "account": "ML01-0002-118820",
    "entity_id": "1",
}


@dataclass(frozen=True)
class Param:
    """One parameter a route reads (path, query or form), with its annotation."""

    name: str
    where: str  # "path", "query" or "form"
    annotation: Any
    required: bool

    @property
    def is_file(self) -> bool:
        return "UploadFile" in repr(self.annotation) or self.annotation in (UploadFile, bytes)


@dataclass(frozen=True)
class RouteInfo:
    """One (method, path) of the app and what it declares."""

    method: str
    path: str
    permits: tuple[str | None, ...]  # the Permit actions found (None: signed_in())
    params: tuple[Param, ...] = field(default=())

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def public(self) -> bool:
        return self.key in PUBLIC_ROUTES

    @property
    def action(self) -> str | None:
        """The global action declared with ``permit()`` (``None``: signed_in() or public)."""
        actions = [a for a in self.permits if a is not None]
        return actions[0] if actions else None

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def is_download(self) -> bool:
        return bool(re.search(r"\.(csv|xlsx)$", self.path))

    def of(self, where: str) -> list[Param]:
        return [p for p in self.params if p.where == where]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def describe(route: APIRoute) -> list[RouteInfo]:
    """One :class:`RouteInfo` per method of ``route``."""
    permits: list[str | None] = []
    params: list[Param] = []
    for dep in _walk(route.dependant):
        if isinstance(dep.call, Permit):
            permits.append(dep.call.action)
        for where, fields in (
            ("path", dep.path_params),
            ("query", dep.query_params),
            ("form", dep.body_params),
        ):
            for f in fields:
                params.append(
                    Param(f.alias, where, f.field_info.annotation, f.field_info.is_required())
                )
    return [
        RouteInfo(method, route.path, tuple(permits), tuple(params))
        for method in sorted(route.methods or ())
        if method != "HEAD"
    ]


def _flat(routes: list[Any]) -> Iterator[Any]:
    """``routes`` with included routers opened (FastAPI keeps them as wrappers that hold the
    router they include, ``original_router``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flat(list(inner.routes))
        else:
            yield route


def routes_of(routes: list[Any]) -> list[RouteInfo]:
    """Every API route of ``routes`` (mounts, like ``/static``, are left out)."""
    found: list[RouteInfo] = []
    for route in _flat(routes):
        if isinstance(route, APIRoute):
            found.extend(describe(route))
    return sorted(found, key=lambda r: (r.path, r.method))


def declared_routes() -> list[RouteInfo]:
    """The routes of every module of ``ROUTE_MODULES`` (no app needed: collection time)."""
    routes: list[Any] = []
    for name in ROUTE_MODULES:
        routes.extend(importlib.import_module(name).router.routes)
    return routes_of(routes)


def app_routes(app: FastAPI) -> list[RouteInfo]:
    """The routes of a built app."""
    return routes_of(list(app.routes))


def mounts(app: FastAPI) -> list[str]:
    """The paths of the app's mounts (static files)."""
    return [r.path for r in _flat(list(app.routes)) if not isinstance(r, APIRoute)]


def write_order(route: RouteInfo) -> tuple[int, str, str]:
    """Reads first, then writes; workflow steps (status, close…) last, so that a case the
    matrix moves on is moved after the other routes were tried on it."""
    if route.method in ("GET", "HEAD"):
        rank = 0
    elif re.search(r"status|close|reopen|disseminat|propose|return|approve", route.path):
        rank = 2
    else:
        rank = 1
    return (rank, route.path, route.method)
