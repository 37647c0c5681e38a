"""Fixtures of the browser stories: a live workbench and Debian's headless Chromium.

The stories drive a real browser (Playwright's sync API) against a real server: uvicorn runs
``create_app(WebSettings(...))`` in a background thread on ``127.0.0.1`` and a free port, over a
private copy of the demo workspace of ``tests/web/conftest.py`` into which a small mobile-money
export with a loop (A → B → C → A, :data:`LOOP_CSV`) was ingested first, so that the Sankey has
money going round to show. The cookies stay ``Secure``: Chromium accepts them from
``http://127.0.0.1`` (a "potentially trustworthy" origin), which the login step proves.

The browser is Debian's ``chromium`` (``make chromium`` installs it; ``playwright install``
cannot download browsers on an offline machine). When it is missing the stories FAIL, saying
how to install it; set ``MONEYTRAIL_SKIP_BROWSER=1`` to skip them instead (a machine without
apt-get or root, for example). ``MONEYTRAIL_CHROMIUM`` names another Chromium binary.

Every page a story visits is kept as a full-page PNG under
``build/screenshots/<lang>/<role>/<nn>-<page>.png``: the test artefacts a person looks at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    ViewportSize,
    sync_playwright,
)

from moneytrail.api import Workspace
from moneytrail.web import WebSettings, create_app
from tests.web.conftest import PASSWORD, Team

REPO = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO / "build" / "screenshots"
SKIP_ENV = "MONEYTRAIL_SKIP_BROWSER"
CHROMIUM_ENV = "MONEYTRAIL_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

LOOP_SEED = "OMLOOP0001"
"""The loop's first transfer (the source's own reference): tracing it goes round to A."""
LOOP_CSV = """\
Date;N° Transaction;Type;Expéditeur;Nom expéditeur;Destinataire;Nom destinataire;Montant (XOF);Frais (XOF)
10/03/2024 09:00;OMLOOP0001;Transfert;+223 66 10 00 01;Adama Boucle;+223 66 10 00 02;Bintou Boucle;900 000;0
11/03/2024 09:00;OMLOOP0002;Transfert;+223 66 10 00 02;Bintou Boucle;+223 66 10 00 03;Cheick Boucle;880 000;0
12/03/2024 09:00;OMLOOP0003;Transfert;+223 66 10 00 03;Cheick Boucle;+223 66 10 00 01;Adama Boucle;860 000;0
"""
I18N_KEY = re.compile(r"\bweb\.[a-z_]+\.[a-z_.]+")
"""An i18n key of the workbench that was shown instead of its text."""


VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
"""A common FIU laptop screen."""


class PageOverflowError(AssertionError):
    """A page wider than the browser's window."""


@dataclass(frozen=True)
class LiveServer:
    """The running workbench: where it answers, and the team's cases in its workspace."""

    url: str
    team: Team


def chromium_path() -> str:
    """Debian's Chromium (or ``$MONEYTRAIL_CHROMIUM``); fails or skips when it is missing."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: browser stories skipped")
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"headless Chromium not found at {path}: run `make chromium` (Debian's chromium "
            f"package), set {CHROMIUM_ENV} to a Chromium binary, or {SKIP_ENV}=1 to skip",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test session (per xdist worker)."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def live_server(built: Team, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The workbench over a copy of the demo workspace with the loop, on a free local port."""
    chromium_path()  # fail (or skip) before building anything
    folder = tmp_path_factory.mktemp("browser") / "ws"
    shutil.copytree(built.folder, folder)
    loop = folder.parent / "boucle_om_2024-03.csv"
    loop.write_text(LOOP_CSV, encoding="utf-8")
    with Workspace.open(folder) as ws:
        [outcome] = ws.ingest([loop])
        assert outcome.status.value == "loaded", outcome
    app = create_app(WebSettings(workspace=folder, pool_size=2))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    try:
        yield LiveServer(
            f"http://127.0.0.1:{port}", Team(folder, built.awa_case, built.moussa_case)
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass
class Story:
    """One story's browser tab, with its screenshots and the JavaScript errors it met."""

    page: Page
    server: LiveServer
    lang: str
    role: str
    shots: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    expected: set[tuple[int, str]] = field(default_factory=set)
    """Refusals the story provokes on purpose: (status, path)."""
    overflows: list[str] = field(default_factory=list)
    """Pages wider than the window (a horizontal scroll bar: broken layout)."""

    def check_clean(self) -> None:
        """At the story's end: no script error nor refused resource, then no page too wide
        (:class:`PageOverflowError`, last, so that the story has run every step first)."""
        assert not self.errors, "\n".join(self.errors)
        if self.overflows:
            raise PageOverflowError("; ".join(self.overflows))

    def console(self, message: ConsoleMessage) -> None:
        """A console error is a script's error (a refused resource is kept by its URL)."""
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def answered(self, response: Response) -> None:
        """A resource the workbench refused, unless the story expects that refusal."""
        path = response.url.removeprefix(self.server.url)
        if response.status >= 400 and (response.status, path) not in self.expected:
            self.errors.append(f"HTTP {response.status}: {response.request.method} {path}")

    def go(self, path: str) -> None:
        """Open ``path`` of the workbench and wait until the network is quiet."""
        self.page.goto(self.server.url + path)
        self.page.wait_for_load_state("networkidle")

    def shot(self, name: str) -> Path:
        """Keep the page as ``<nn>-<name>.png`` and check it shows no i18n key."""
        self.page.wait_for_load_state("networkidle")
        folder = SCREENSHOTS / self.lang / self.role
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(self.shots) + 1:02d}-{name}.png"
        # a full page with a Plotly chart and long tables can take over 20 s to paint on a busy
        # 2-core machine (CI runs the Spark parity JVM beside it): the picture gets 60 s, the
        # story's actions keep the 20 s of the context
        self.page.screenshot(path=str(path), full_page=True, timeout=SHOT_TIMEOUT_MS)
        self.shots.append(path)
        text = self.page.inner_text("body")
        assert self.page.get_attribute("html", "lang") == self.lang, f"{name}: wrong language"
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        if width > VIEWPORT["width"]:
            self.overflows.append(f"{name}: {width} px wide in a {VIEWPORT['width']} px window")
        keys = sorted(set(I18N_KEY.findall(text)))
        assert not keys, f"{name}: i18n keys shown instead of their text: {keys}"
        return path

    def sign_in(self, login: str) -> None:
        """Fill the login form as a person would, in the story's language."""
        self.go("/login")
        if self.lang != "fr":
            self.page.click(f"header .langs a:text-is('{self.lang.upper()}')")
            self.page.wait_for_load_state("networkidle")
        self.page.fill("input[name=login]", login)
        self.page.fill("input[name=password]", PASSWORD)
        self.shot("login")
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        cookie = {c["name"]: c for c in self.page.context.cookies()}.get("mt_session")
        assert cookie is not None and cookie["secure"], "the Secure session cookie was refused"
        assert "/login" not in self.page.url, self.page.inner_text("body")[:500]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the story failed, for :func:`context` to keep the page it failed on."""
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


SHOT_TIMEOUT_MS = 60_000


@pytest.fixture
def context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) for one story; downloads allowed. When the story
    fails, the page it was on is kept as ``FAILED-<test>.png`` beside the screenshots."""
    made = browser.new_context(accept_downloads=True, viewport=VIEWPORT, locale="fr-FR")
    made.set_default_timeout(20_000)
    try:
        yield made
        if request.node.stash.get(FAILED, False) and made.pages:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
            made.pages[-1].screenshot(path=str(SCREENSHOTS / f"FAILED-{name}.png"), full_page=True)
    finally:
        made.close()


def open_story(context: BrowserContext, server: LiveServer, lang: str, role: str) -> Story:
    """A tab whose JavaScript errors (CSP refusals included) are collected for the story."""
    shutil.rmtree(SCREENSHOTS / lang / role, ignore_errors=True)
    story = Story(context.new_page(), server, lang, role)
    story.page.on("pageerror", lambda error: story.errors.append(f"pageerror: {error}"))
    story.page.on("console", lambda message: story.console(message))
    story.page.on("response", lambda response: story.answered(response))
    return story
