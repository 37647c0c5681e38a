"""HTML/JS injection through names and references, and formula injection in downloads.

A workspace where parties, accounts and references are named with hostile strings (ingested
through the API before the app starts) and a case whose title, subjects, notes and evidence
carry them; then every GET route of the table, with those strings in its parameters too.
Nothing may come back as markup: the pages show the strings as text, the templates do not
evaluate them, accents and Arabic survive, every answer has the strict CSP and no page holds an
inline script. Every CSV/XLSX download neutralises cells that a spreadsheet would run.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from moneytrail.api import IngestOptions, Seed, Workspace
from moneytrail.api.cases import CaseDesk
from moneytrail.web import WebSettings, create_app
from tests.web.conftest import Team
from tests.web.security.calls import describe, send, url_of
from tests.web.security.conftest import World, prepare
from tests.web.security.routemap import RouteInfo, declared_routes

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
FORMULA = '=HYPERLINK("http://x")'
ACCENTS = "Élise N'Diaye"
ARABIC = "عبد الله"
NAMES = [SCRIPT, IMG, TEMPLATE, FORMULA, ACCENTS, ARABIC]
QUERY_PAYLOADS = [SCRIPT, IMG, "{{7*191}}", ACCENTS, ARABIC, FORMULA]
MAPPING = Path(__file__).parents[3] / "src" / "moneytrail" / "samples" / "banque_bis.yaml"

PAGES = [
    r
    for r in declared_routes()
    if r.method == "GET" and not r.public and not r.path.endswith((".pdf", ".xlsx"))
]
DOWNLOADS = [r for r in declared_routes() if r.method == "GET" and r.is_download]


class _Markup(HTMLParser):
    """The tags of a page that would run script: inline ``<script>``, ``on*`` attributes,
    ``javascript:`` links, and any ``<img>`` or ``<svg>`` the payloads would have made."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script" and not named.get("src"):
            self.bad.append("inline <script>")
        for key, value in attrs:
            if key.startswith("on"):
                self.bad.append(f"<{tag} {key}=…>")
            if key in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.bad.append(f"<{tag} {key}=javascript:…>")
        if tag == "img" and named.get("src") == "x":
            self.bad.append("the payload's <img>")


def check_answer(answer: httpx.Response, sent: str = "") -> None:
    """The CSP is there; an HTML answer has no markup that runs and no evaluated template."""
    where = f"{answer.request.method} {answer.request.url}"
    policy = answer.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"{where}: CSP {policy!r}"
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], where
    if "text/html" not in answer.headers.get("content-type", ""):
        return
    text = answer.text
    assert SCRIPT not in text.lower(), f"{where}: raw {SCRIPT}"
    assert "<img src=x" not in text.lower(), f"{where}: raw <img> payload"
    parser = _Markup()
    parser.feed(text)
    assert not parser.bad, f"{where}: {parser.bad}"
    if "{{7*191}}" in sent:
        assert "1337" not in text, f"{where}: a template evaluated the payload"


@pytest.fixture(scope="module")
def hostile(built: Team, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The demo with hostile names ingested, a case of fatou's carrying them, the app."""
    folder = tmp_path_factory.mktemp("hostile") / "ws"
    shutil.copytree(built.folder, folder)
    ids, per_case = prepare(folder, built)
    source = folder.parent / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL)
        rows.writerow(
            ["Date valeur", "Réf. opération", "Donneur d'ordre", "Compte donneur d'ordre",
             "Bénéficiaire", "Compte bénéficiaire", "Montant FCFA", "Motif"]
        )  # fmt: skip
        for i, name in enumerate(NAMES):
            other = NAMES[(i + 1) % len(NAMES)]
            rows.writerow([f"0{i + 1}/05/2024", name, name, name, other, other, "1 000 000", name])
    with CaseDesk.for_workspace(folder) as desk, Workspace.open(folder) as ws:
        outcome = ws.ingest([source], IngestOptions(mapping=MAPPING))[0]
        assert outcome.rows_ok == len(NAMES), outcome.problems
        fatou = desk.actor("fatou")
        case = desk.new(fatou, f"{SCRIPT} {TEMPLATE} {ACCENTS} {ARABIC}", IMG)
        for name in NAMES:
            subject = desk.add_subject(fatou, case.ref, ws, name)
        account = subject.details["accounts"][0]
        desk.add_trace(fatou, case.ref, ws, Seed(accounts=(account,)))
        desk.note(fatou, case.ref, " ".join(NAMES))
        desk.add_task(fatou, case.ref, FORMULA)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        line = NAMES.index(FORMULA) + 2  # after the header, counted from 1
        desk.add_source_row(fatou, case.ref, ws, digest, line)
    per_case[case.ref] = {"evidence_id": "1", "task_id": "1"}
    ids["hostile_account"] = account
    app = create_app(WebSettings(workspace=folder, pool_size=2))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as anon:
        world = World(folder, app, anon, {}, case.ref, built.moussa_case, ids, per_case)
        world.clients["fatou"] = world.session_for("fatou")
        yield world


def _query(route: RouteInfo, payload: str) -> dict[str, str]:
    """Every text query parameter of ``route`` set to ``payload``."""
    text = [p for p in route.of("query") if "str" in repr(p.annotation)]
    return {p.name: payload for p in text}


@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.id)
def test_pages_show_hostile_strings_as_text(hostile: World, route: RouteInfo) -> None:
    fatou = hostile.signed("fatou")
    check_answer(send(hostile, fatou, route, hostile.awa_case))
    for payload in QUERY_PAYLOADS:
        others = {p.name: payload for p in route.of("path") if p.name not in ("ref",)}
        path = url_of(hostile, route, hostile.awa_case, others)
        answer = send(hostile, fatou, route, path=path, query=_query(route, payload))
        assert answer.status_code < 500, describe(answer)
        check_answer(answer, payload)


def test_case_page_shows_the_names_escaped(hostile: World) -> None:
    fatou = hostile.signed("fatou")
    page = fatou.get(f"/cases/{hostile.awa_case}")
    assert page.status_code == 200, describe(page)
    check_answer(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert TEMPLATE in page.text
    assert re.search(r"Élise N(&#39;|'|&#x27;)Diaye", page.text)
    assert ARABIC in page.text
    listing = fatou.get("/cases")
    check_answer(listing)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing.text
    data = fatou.get(f"/api/cases/{hostile.awa_case}")
    assert data.headers["content-type"].startswith("application/json")
    assert data.json()["title"] == f"{SCRIPT} {TEMPLATE} {ACCENTS} {ARABIC}"


@pytest.mark.parametrize("payload", [SCRIPT, ACCENTS, ARABIC])
def test_workspace_pages_seeded_with_a_hostile_name(hostile: World, payload: str) -> None:
    fatou = hostile.signed("fatou")
    for path, name in (("/trace", "seed"), ("/chart", "seed"), ("/timeline", "subject"),
                       ("/screening", "name")):  # fmt: skip
        answer = fatou.get(path, params={name: payload})
        assert answer.status_code < 500, describe(answer)
        check_answer(answer, payload)


def _rows(answer: httpx.Response) -> list[list[str]]:
    text = answer.content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    return list(csv.reader(io.StringIO(text), dialect))


def _dangerous(cell: str) -> bool:
    """A cell a spreadsheet would read as a formula (a plain number is fine)."""
    if not cell or cell[0] not in "=+-@\t\r":
        return False
    return not re.fullmatch(r"[+-]?\d+([.,]\d+)?", cell)


@pytest.mark.parametrize("route", DOWNLOADS, ids=lambda r: r.id)
def test_downloads_neutralise_formulas(hostile: World, route: RouteInfo) -> None:
    fatou = hostile.signed("fatou")
    answer = send(hostile, fatou, route, hostile.awa_case, query=_query(route, FORMULA))
    assert answer.status_code == 200, describe(answer)
    disposition = answer.headers.get("content-disposition", "")
    assert re.fullmatch(r'(attachment|inline); filename="[\w.\-]+"', disposition), disposition
    if route.path.endswith(".xlsx"):
        cells = _xlsx_cells(answer.content)
    else:
        cells = [c for row in _rows(answer) for c in row]
    assert any("HYPERLINK" in c for c in cells), "the hostile names are not in the export"
    bad = [c for c in cells if _dangerous(c)]
    assert not bad, f"{route.id}: cells a spreadsheet would run: {bad[:5]}"
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def _xlsx_cells(data: bytes) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    cells: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells
