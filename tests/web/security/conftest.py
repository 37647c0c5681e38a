"""One workspace, one app and one signed-in browser per role, shared by a module's tests.

Why module-scoped: the security tests are generated (every route × every role × member or
not), a few hundred requests; a fresh copy of the demo and a fresh app for each would take
minutes. Each module gets its own copy, so modules do not depend on each other's writes, and the
expected answer of every request is computed from the store *at that moment* (a case moved on by
an earlier request is judged as it now is).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from moneytrail.api import Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.cases.roles import Actor, CaseAccess
from moneytrail.web import WebSettings, create_app
from moneytrail.web.security import SESSION_COOKIE
from tests.web.conftest import PASSWORD, TEAM, Team

ROLES = {"awa": "analyst", "moussa": "supervisor", "fatou": "head", "ines": "reviewer"}
DUMMY = "000000000000"


@dataclass
class World:
    """A private workspace, its app, and a signed-in browser per login."""

    folder: Path
    app: FastAPI
    anon: TestClient
    clients: dict[str, TestClient]
    awa_case: str
    moussa_case: str
    ids: dict[str, str] = field(default_factory=dict)  # path parameter -> a real value
    per_case: dict[str, dict[str, str]] = field(default_factory=dict)  # ref -> param -> value

    @property
    def desk(self) -> CaseDesk:
        desk: CaseDesk = self.app.state.web.desk
        return desk

    def actor(self, login: str) -> Actor:
        return self.desk.actor(login)

    def access(self, ref: str) -> CaseAccess:
        """The case as ``authorize()`` sees it now (status and members)."""
        head = self.desk.actor("fatou")
        for case in self.desk.list(head).cases:
            if case.ref == ref:
                return CaseAccess(case.ref, case.status, frozenset(case.members))
        raise AssertionError(f"no case {ref}")

    def csrf(self, client: TestClient) -> str:
        """The CSRF token of ``client``'s session, as the server holds it."""
        session = self.app.state.web.sessions.get(client.cookies.get(SESSION_COOKIE))
        assert session is not None, "client has no live session"
        token: str = session.csrf
        return token

    def signed(self, login: str) -> TestClient:
        """``login``'s browser, signed in again if an earlier request ended its session."""
        client = self.clients[login]
        if self.app.state.web.sessions.get(client.cookies.get(SESSION_COOKIE)) is None:
            self.clients[login] = client = self.session_for(login)
        return client

    def session_for(self, login: str) -> TestClient:
        """A browser with a fresh session of ``login`` (made on the server: signing in through
        the form, argon2 and all, is what ``test_sessions`` tries; here it would only cost)."""
        client = self.browser()
        session = self.app.state.web.sessions.new(login)
        client.cookies.set(SESSION_COOKIE, session.id, domain="testserver.local")
        return client

    def browser(self) -> TestClient:
        """A new anonymous browser on the same app (the app's lifespan is ``anon``'s)."""
        return TestClient(self.app, base_url="https://testserver", follow_redirects=False)

    def value(self, name: str, annotation: Any, ref: str | None) -> str:
        """A real value for the path parameter ``name`` (of case ``ref`` when it has one)."""
        if ref is not None and name in self.per_case.get(ref, {}):
            return self.per_case[ref][name]
        if name in self.ids:
            return self.ids[name]
        if "int" in repr(annotation):
            return "999999"
        return DUMMY


def prepare(folder: Path, team: Team) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Give the cases evidence, a task and a note, and add ``zoe`` (a login the routes that
    take one may change without harming the team); the real ids the routes will be given."""
    ids: dict[str, str] = {"login": "zoe", "code": "en"}
    per_case: dict[str, dict[str, str]] = {}
    with CaseDesk.for_workspace(folder) as desk, Workspace.open(folder) as ws:
        fatou = desk.actor("fatou")
        desk.add_user(fatou, "zoe", "analyst", "Zoé Sangaré", PASSWORD)
        alerts = ws.alerts.list(limit=5, lang="fr").alerts
        ids["alert_id"] = alerts[0].id
        matches = ws.screening.matches().matches
        if matches:
            for name in ("match_id", "finding_id", "finding"):
                ids[name] = matches[0].id
        for login, ref, alert in (
            ("awa", team.awa_case, alerts[1]),
            ("moussa", team.moussa_case, alerts[2]),
        ):
            actor = desk.actor(login)
            evidence = desk.add_alert(actor, ref, ws, alert.id, lang="fr")
            task = desk.add_task(actor, ref, "Vérifier le compte")
            note = desk.note(actor, ref, "Première note")
            per_case[ref] = {
                "evidence_id": str(evidence.id),
                "task_id": str(task.id),
                "note_id": str(note),
                "subject_id": "1",
            }
    return ids, per_case


@pytest.fixture(scope="module")
def world(built: Team, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A copy of the demo, prepared, served by one app, with one signed-in browser per role."""
    folder = tmp_path_factory.mktemp("security") / "ws"
    shutil.copytree(built.folder, folder)
    ids, per_case = prepare(folder, built)
    app = create_app(WebSettings(workspace=folder, pool_size=2))
    with ExitStack() as stack:
        anon = stack.enter_context(
            TestClient(app, base_url="https://testserver", follow_redirects=False)
        )
        world = World(folder, app, anon, {}, built.awa_case, built.moussa_case, ids, per_case)
        for login in ROLES:
            world.clients[login] = world.session_for(login)
        yield world


__all__ = ["DUMMY", "PASSWORD", "ROLES", "TEAM", "World"]
