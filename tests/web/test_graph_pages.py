"""The graph pages: link chart (hubs folded, expand, downloads), trace Sankey (loops kept),
timeline; reviewers refused; pages in French and English."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moneytrail.api import Workspace
from moneytrail.web import WebSettings, create_app
from tests.web.conftest import Team, sign_in

ROUND_TRIP = "2579ff67c393eb688f33027362d27145"  # the demo's round-tripping alert's account
ROUND_TRIP_PHONE = "+22362909677"


@pytest.fixture
def awa(client: TestClient) -> TestClient:
    return sign_in(client, "awa")


def test_chart_json_folds_hubs_into_one_aggregate_node(awa: TestClient) -> None:
    chart = awa.get("/api/chart", params={"seed": ROUND_TRIP_PHONE, "hops": 1, "hub": 30}).json()
    ids = {n["id"] for n in chart["nodes"]}
    assert ROUND_TRIP in ids and len(chart["edges"]) > 0
    seed = next(n for n in chart["nodes"] if n["id"] == ROUND_TRIP)
    assert seed["seed"] and seed["number"] == ROUND_TRIP_PHONE
    assert all(e["source"] in ids and e["target"] in ids for e in chart["edges"])
    aggregates = [n for n in chart["nodes"] if n["aggregate"]]
    assert aggregates, "the demo's collection hubs must be folded"
    hub = aggregates[0]
    assert hub["members"] > 1 and hub["of"] in ids
    shown_hub = next(n for n in chart["nodes"] if n["id"] == hub["of"])
    assert shown_hub["hub"] and shown_hub["degree"] > 30


def test_expanding_an_aggregate_lists_the_hubs_counterparties(awa: TestClient) -> None:
    chart = awa.get("/api/chart", params={"seed": ROUND_TRIP, "hops": 1}).json()
    hub = next(n for n in chart["nodes"] if n["aggregate"])
    opened = awa.get("/api/chart", params={"seed": ROUND_TRIP, "expand": hub["id"]}).json()
    assert opened["expanded"] == hub["id"]
    assert not any(n["aggregate"] for n in opened["nodes"] if n["of"] == hub["of"])
    assert len(opened["nodes"]) >= hub["members"] + 1


def test_graphml_download_is_xml_and_ftm_lines_are_entities(awa: TestClient) -> None:
    graphml = awa.get("/chart/export.graphml", params={"seed": ROUND_TRIP_PHONE, "hops": 1})
    assert graphml.status_code == 200
    assert 'filename="chart-22362909677.graphml"' in graphml.headers["content-disposition"]
    root = ET.fromstring(graphml.content)
    assert root.tag.endswith("graphml") and len(root.findall(".//{*}node")) > 1
    ftm = awa.get("/chart/export.ftm.json", params={"seed": ROUND_TRIP, "hops": 1})
    entities = [json.loads(line) for line in ftm.text.splitlines()]
    assert {"BankAccount", "Payment"} <= {e["schema"] for e in entities}
    assert all(e["id"].startswith("mt-") for e in entities)


LOOP_CSV = """Référence,Date,Expéditeur,Destinataire,Montant,Devise
L1,2025-03-01T09:00:00,SOURCE,ALPHA,1000,XOF
L2,2025-03-02T09:00:00,ALPHA,BRAVO,1000,XOF
L3,2025-03-03T09:00:00,BRAVO,CHARLIE,1000,XOF
L4,2025-03-04T09:00:00,CHARLIE,ALPHA,1000,XOF
"""


@pytest.fixture
def loop_client(tmp_path: Path, built: Team) -> TestClient:
    """A tiny workspace where money goes round ALPHA -> BRAVO -> CHARLIE -> ALPHA, served
    with the demo's case store (its users)."""
    import shutil

    folder = tmp_path / "loop"
    Workspace.init(folder).close()
    shutil.copy(built.folder / "cases.sqlite", folder / "cases.sqlite")
    source = tmp_path / "loop.csv"
    source.write_text(LOOP_CSV, encoding="utf-8")
    with Workspace.open(folder) as ws:
        ws.ingest([source])
    app = create_app(WebSettings(workspace=folder, pool_size=1))
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


def test_trace_json_keeps_a_loop_as_a_cycle_of_links(loop_client: TestClient) -> None:
    with loop_client as browser:
        sign_in(browser, "awa")
        view = browser.get("/api/trace", params={"seed": "ALPHA", "hops": 6}).json()
    assert view["has_cycle"]
    by_id = {n["id"]: n for n in view["nodes"]}
    numbers = {
        n["label"].split(" — ")[0]: n["id"] for n in by_id.values() if n["role"] == "account"
    }
    links = {(link["source"], link["target"]) for link in view["links"]}
    a, b, c = numbers["ALPHA"], numbers["BRAVO"], numbers["CHARLIE"]
    assert {(a, b), (b, c), (c, a)} <= links
    assert len({a, b, c}) == 3


def test_trace_page_shows_the_endpoints_in_the_readers_convention(awa: TestClient) -> None:
    page = awa.get("/trace", params={"seed": ROUND_TRIP, "policy": "lifo"})
    assert page.status_code == 200
    assert 'id="sankey"' in page.text and 'id="endpoints"' in page.text
    assert "1\u202f821\u202f200" in page.text or "1 821 200" in page.text
    assert awa.get("/api/trace", params={"seed": ROUND_TRIP, "policy": "nope"}).status_code == 400


def test_timeline_json_is_ordered_by_time(awa: TestClient) -> None:
    seen = awa.get("/api/timeline", params={"subject": ROUND_TRIP_PHONE}).json()
    stamps = [row["ts"] for row in seen["rows"]]
    assert len(stamps) > 5 and stamps == sorted(stamps)
    assert {row["direction"] for row in seen["rows"]} >= {"in", "out"}
    later = awa.get("/api/timeline", params={"subject": ROUND_TRIP, "from": "2025-02-01"}).json()
    assert 0 < len(later["rows"]) < len(stamps)
    assert all(row["ts"] >= "2025-02-01" for row in later["rows"])


ROUTES = [
    f"/chart?seed={ROUND_TRIP}",
    f"/api/chart?seed={ROUND_TRIP}",
    f"/chart/export.graphml?seed={ROUND_TRIP}",
    f"/chart/export.ftm.json?seed={ROUND_TRIP}",
    f"/trace?seed={ROUND_TRIP}",
    f"/api/trace?seed={ROUND_TRIP}",
    f"/timeline?subject={ROUND_TRIP}",
    f"/api/timeline?subject={ROUND_TRIP}",
]


def test_a_reviewer_is_refused_every_graph_route(client: TestClient) -> None:
    sign_in(client, "ines")
    for route in ROUTES:
        assert client.get(route).status_code == 403, route


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("Graphe des liens", "Suivre l'argent", "Chronologie")),
        ("en", ("Link chart", "Follow the money", "Timeline")),
    ],
)
def test_pages_render_in_french_and_english(
    awa: TestClient, lang: str, words: tuple[str, str, str]
) -> None:
    awa.cookies.set("mt_lang", lang)
    for route, word in zip([ROUTES[0], ROUTES[4], ROUTES[6]], words, strict=True):
        page = awa.get(route)
        assert page.status_code == 200, route
        assert word.replace("'", "&#39;") in page.text, (route, word)
