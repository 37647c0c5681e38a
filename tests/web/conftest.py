"""Fixtures of the web workbench's tests: the demo workspace with a team, and clients.

The demo workspace (``moneytrail demo``: shipped samples + a generated Sahel scenario, with
alerts) is built once per session, with five accounts and two cases; each test that changes
something gets its own copy (a few megabytes). Clients speak HTTPS to the app in process
(Starlette's TestClient), so the ``Secure`` session cookie travels as in a browser.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moneytrail.api.cases import CaseDesk
from moneytrail.api.demo import build_demo
from moneytrail.web import WebSettings, create_app

PASSWORD = "un mot de passe assez long"
TEAM = {  # login -> (role, display name)
    "fatou": ("head", "Fatou Keïta"),
    "moussa": ("supervisor", "Moussa Diarra"),
    "awa": ("analyst", "Awa Traoré"),
    "idrissa": ("analyst", "إدريس ولد محمد"),
    "ines": ("reviewer", "Inès Coulibaly"),
}


@dataclass(frozen=True)
class Team:
    """The built workspace: its folder and the cases made in it."""

    folder: Path
    awa_case: str  # awa (analyst) and ines (reviewer) are members
    moussa_case: str  # only moussa is a member


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Team:
    """The demo workspace, its team and two cases; never changed by a test (copy it)."""
    folder = tmp_path_factory.mktemp("web") / "demo"
    build_demo(folder, "fr")
    with CaseDesk.for_workspace(folder) as desk:
        for i, (login, (role, name)) in enumerate(TEAM.items()):
            head = desk.login("fatou", PASSWORD) if i else None
            desk.add_user(head, login, role, name, PASSWORD)
        awa = desk.login("awa", PASSWORD)
        moussa = desk.login("moussa", PASSWORD)
        case = desk.new(awa, "Collecte à Tombouctou", "Réseau de collecte présumé")
        desk.assign(moussa, case.ref, "ines")
        other = desk.new(moussa, "Hawala Gao–Niamey", "Compensation présumée")
    return Team(folder, case.ref, other.ref)


@pytest.fixture
def team(built: Team, tmp_path: Path) -> Team:
    """A private copy of the built workspace and its case store."""
    folder = tmp_path / "ws"
    shutil.copytree(built.folder, folder)
    return Team(folder, built.awa_case, built.moussa_case)


@pytest.fixture
def app_settings(team: Team) -> WebSettings:
    return WebSettings(workspace=team.folder, pool_size=2)


@pytest.fixture
def client(app_settings: WebSettings) -> Iterator[TestClient]:
    """An anonymous browser on a fresh app over the private copy."""
    app = create_app(app_settings)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        yield browser


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's current page (any page renders it on ``<body>``)."""
    import re

    page = client.get("/login")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` in as ``login``; the client then carries its session cookie."""
    token = csrf_of(client)
    answer = client.post("/login", data={"login": login, "password": password, "csrf": token})
    assert answer.status_code == 303, answer.text[:500]
    return client


def page_csrf(client: TestClient, path: str = "/cases") -> str:
    """The CSRF token of the signed-in session, read from a page it can see."""
    import re

    page = client.get(path)
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)
