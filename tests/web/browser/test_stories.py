"""One story per role, in French and in English, in real headless Chromium (issue 17).

* analyst (awa): queue → claim the first alert → its case → link chart → Sankey of money going
  round a loop → timeline → goAML export → PDF report;
* supervisor (moussa): queue → assign an alert to awa → the new case → its audit trail;
* head (fatou): every case → one she is not a member of → its audit trail;
* reviewer (ines): lands on her cases, opens hers; no alert queue, ``/alerts`` is refused.

Each page is kept as a screenshot (``build/screenshots/<lang>/<role>/``, see ``conftest.py``);
each step asserts what a person would see, and that no i18n key nor JavaScript error shows.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Download, expect

from tests.web.browser.conftest import (
    LOOP_SEED,
    LiveServer,
    Story,
    open_story,
)

LANGS = ("fr", "en")
WORDS = {  # a few words each page must show in the story's language
    "fr": {
        "queue": "File des alertes",
        "cases": "Dossiers",
        "denied": "Accès refusé",
        "lead": "Responsable",
    },
    "en": {"queue": "Alert queue", "cases": "Cases", "denied": "Access denied", "lead": "Lead"},
}
CASE_URL = re.compile(r"/cases/([^/?#]+)$")


def claim_first_alert(story: Story) -> tuple[str, str]:
    """From the queue, open the first alert and claim it; its chart link and the case ref."""
    story.go("/alerts")
    expect(story.page.locator("h1")).to_have_text(WORDS[story.lang]["queue"])
    rows = story.page.locator("#alert-queue tbody tr")
    assert rows.count() >= 3, story.page.inner_text("#alert-queue")
    story.shot("alerts")
    story.page.locator("#alert-queue tbody tr a[href^='/alerts/']").first.click()
    story.page.wait_for_load_state("networkidle")
    chart = story.page.locator("a[href^='/chart?']")
    chart_link = chart.first.get_attribute("href") or "" if chart.count() else ""
    story.shot("alert")
    story.page.locator("form[action$='/claim'] button").click()
    story.page.wait_for_url(CASE_URL)
    found = CASE_URL.search(story.page.url)
    assert found
    return chart_link, found.group(1)


def see_case(story: Story, ref: str) -> None:
    """The case page shows its reference and the alert frozen into it."""
    expect(story.page.locator("main")).to_contain_text(ref)
    expect(story.page.locator("header nav")).to_contain_text(WORDS[story.lang]["cases"])
    story.shot("case")


def drawn(story: Story) -> None:
    """Wait for the page's script to say it has drawn (``<body data-ready="1">``); a selector,
    not ``wait_for_function``, whose ``eval`` the page's CSP rightly refuses."""
    expect(story.page.locator("body[data-ready='1']")).to_have_count(1)


def see_chart(story: Story, link: str) -> None:
    """The link chart is drawn by Cytoscape with nodes, and its SVG and PNG exports hold them."""
    story.go(link or "/chart")
    drawn(story)
    assert story.page.locator("#chart canvas").count() >= 1
    nodes = story.page.evaluate("() => window.moneytrailChart.cy.nodes().length")
    assert nodes >= 2, f"the link chart has {nodes} node(s)"
    story.shot("chart")
    with story.page.expect_download() as svg_info:
        story.page.click("#chart-export-svg")
    svg = saved(svg_info.value, ".svg").decode("utf-8")
    assert svg.startswith("<svg") and svg.count("<circle") == nodes, svg[:300]
    with story.page.expect_download() as png_info:
        story.page.click("#chart-export-png")
    assert saved(png_info.value, ".png")[:8] == b"\x89PNG\r\n\x1a\n"


def saved(download: Download, suffix: str) -> bytes:
    """The bytes of a finished download, whose suggested name ends with ``suffix``."""
    assert download.suggested_filename.endswith(suffix), download.suggested_filename
    path = download.path()
    assert path is not None, download.failure()
    return path.read_bytes()


def see_loop_trace(story: Story) -> None:
    """The Sankey of the loop's first transfer: the money comes back to its first account,
    and the page says so."""
    story.go(f"/trace?seed={LOOP_SEED}")
    drawn(story)
    expect(story.page.locator(".summary .loop")).to_be_visible()
    assert story.page.locator("#sankey .sankey-node").count() >= 3
    endpoints = story.page.inner_text("#endpoints")
    assert "+22366100001" in endpoints.replace(" ", ""), endpoints
    # a link's hover names the bank's reference of the transfer behind it (what a
    # requisition quotes), not only the internal ids
    story.page.locator("#sankey .sankey-link").first.hover(force=True)
    hover = story.page.locator("#sankey .hoverlayer")
    expect(hover).to_contain_text("OMLOOP")
    story.shot("trace")


def see_timeline(story: Story, link: str) -> None:
    """The timeline of the alert's subject: a plot and a table of transactions."""
    seed = link.split("seed=", 1)[1] if "seed=" in link else ""
    story.go(f"/timeline?subject={seed}" if seed else "/timeline")
    drawn(story)
    expect(story.page.locator("#timeline-plot .main-svg").first).to_be_visible()
    assert story.page.locator("#timeline-table tbody tr").count() >= 1
    story.shot("timeline")


def export_goaml(story: Story, ref: str) -> None:
    """The case's goAML tab: the form, then either the XML or every problem, inline."""
    story.go(f"/cases/{ref}")
    story.page.click(f"nav.tabs a[href='/cases/{ref}/goaml']")
    story.page.wait_for_load_state("networkidle")
    story.shot("goaml")
    downloads: list[Download] = []
    story.page.on("download", lambda download: downloads.append(download))
    story.page.fill("input[name=entity_id]", "4521")
    story.expected.add((422, f"/cases/{ref}/goaml"))
    story.page.click("form[method=post][action$='/goaml'] button[type=submit]")
    problems = story.page.locator("#goaml-problems li")
    for _ in range(100):
        if downloads or problems.count():
            break
        story.page.wait_for_timeout(100)
    if downloads:
        assert b"<report" in saved(downloads[0], ".xml")[:4000]
    else:
        assert problems.count() >= 1, "neither a goAML file nor its problems"
        story.shot("goaml-problems")


def download_pdf(story: Story, ref: str) -> None:
    """The case's investigation report, as PDF, in the story's language."""
    story.go(f"/cases/{ref}")
    with story.page.expect_download() as download_info:
        story.page.click(f"nav.tabs a[href='/cases/{ref}/report.pdf?lang={story.lang}']")
    download = download_info.value
    assert saved(download, ".pdf")[:5] == b"%PDF-"
    assert download.suggested_filename == f"{ref}-{story.lang}.pdf"


@pytest.mark.parametrize("lang", LANGS)
def test_analyst_claims_an_alert_and_reports(
    context: BrowserContext, live_server: LiveServer, lang: str
) -> None:
    story = open_story(context, live_server, lang, "analyst")
    story.sign_in("awa")
    chart_link, ref = claim_first_alert(story)
    see_case(story, ref)
    see_chart(story, chart_link)
    see_loop_trace(story)
    see_timeline(story, chart_link)
    export_goaml(story, ref)
    download_pdf(story, ref)
    story.check_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_supervisor_assigns_an_alert(
    context: BrowserContext, live_server: LiveServer, lang: str
) -> None:
    story = open_story(context, live_server, lang, "supervisor")
    story.sign_in("moussa")
    expect(story.page.locator("h1")).to_have_text(WORDS[lang]["queue"])
    story.shot("alerts")
    story.page.locator("#alert-queue tbody tr a[href^='/alerts/']").nth(1).click()
    story.page.wait_for_load_state("networkidle")
    form = story.page.locator("form[action$='/assign']")
    form.locator("select[name=analyst]").select_option("awa")
    story.shot("alert")
    form.locator("button").click()
    story.page.wait_for_url(CASE_URL)
    found = CASE_URL.search(story.page.url)
    assert found
    see_case(story, found.group(1))
    expect(story.page.locator("#members li", has_text="awa")).to_contain_text(WORDS[lang]["lead"])
    open_audit(story, found.group(1))
    story.check_clean()


def open_audit(story: Story, ref: str) -> None:
    """The case's audit trail, which lists what was done to it."""
    story.page.locator(f"a[href^='/cases/{ref}/audit']").first.click()
    story.page.wait_for_load_state("networkidle")
    assert story.page.locator("main table tbody tr").count() >= 1
    story.shot("audit")


@pytest.mark.parametrize("lang", LANGS)
def test_head_sees_every_case(context: BrowserContext, live_server: LiveServer, lang: str) -> None:
    story = open_story(context, live_server, lang, "head")
    story.sign_in("fatou")
    story.go("/cases")
    main = story.page.locator("main")
    expect(main).to_contain_text(live_server.team.awa_case)
    expect(main).to_contain_text(live_server.team.moussa_case)
    story.shot("cases")
    story.page.locator(f"main a[href='/cases/{live_server.team.moussa_case}']").first.click()
    story.page.wait_for_load_state("networkidle")
    see_case(story, live_server.team.moussa_case)
    open_audit(story, live_server.team.moussa_case)
    story.check_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_reviewer_sees_only_her_case(
    context: BrowserContext, live_server: LiveServer, lang: str
) -> None:
    story = open_story(context, live_server, lang, "reviewer")
    story.sign_in("ines")
    assert story.page.url.endswith("/cases"), story.page.url
    for page in ("/alerts", "/chart", "/trace", "/timeline", "/screening", "/ingest"):
        assert story.page.locator(f"header nav a[href='{page}']").count() == 0, page
    main = story.page.locator("main")
    expect(main).to_contain_text(live_server.team.awa_case)
    expect(main).not_to_contain_text(live_server.team.moussa_case)
    story.shot("cases")
    story.page.locator(f"main a[href='/cases/{live_server.team.awa_case}']").first.click()
    story.page.wait_for_load_state("networkidle")
    see_case(story, live_server.team.awa_case)
    story.expected.add((403, "/alerts"))
    answer = story.page.goto(live_server.url + "/alerts")
    assert answer is not None and answer.status == 403
    expect(story.page.locator("h1")).to_have_text(WORDS[lang]["denied"])
    story.shot("alerts-denied")
    story.check_clean()
