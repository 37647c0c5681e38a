"""The screening and ingest pages: a listed name explained, findings decided, uploads loaded
with their problems, hostile file and party names kept harmless."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from moneytrail.web import WebSettings, create_app
from tests.web.conftest import Team, page_csrf, sign_in

# A national list typed in a spreadsheet (the custom format's fixed header).
WATCHLIST = (
    "id,name,schema,aliases,birth_date,nationality\n"
    "QDi.316,Iyad Ag Ghali,Person,Sidi Mohamed Arhali,1958,ML\n"
    "LOC.7,<script>alert(1)</script>,Organization,,,\n"
)
GOOD_CSV = (
    "id,timestamp,sender,receiver,amount,currency,sender name\n"
    "WEB-1,2024-05-01T10:00:00,22376000001,22376000002,150000,XOF,<script>alert(1)</script>\n"
    "WEB-2,2024-05-02T11:30:00,22376000001,22376000003,98000,XOF,<script>alert(1)</script>\n"
)
BAD_CSV = (
    "id,timestamp,sender,receiver,amount,currency\n"
    "BAD-1,2024-05-01T10:00:00,22376000001,22376000002,1000,XOF\n"
    "BAD-2,2024-05-02T10:00:00,22376000001,22376000002,abc,XOF\n"
)


def _token(client: TestClient) -> str:
    return page_csrf(client, "/screening")


def _load_watchlist(client: TestClient) -> None:
    files = {"file": ("liste nationale.csv", WATCHLIST.encode(), "text/csv")}
    answer = client.post(
        "/screening/lists", data={"csrf": _token(client), "format": "custom"}, files=files
    )
    assert answer.status_code == 303, answer.text[:1000]
    assert answer.headers["location"].startswith("/screening?loaded=")


def _upload(client: TestClient, name: str, text: str, path: str = "/ingest") -> httpx.Response:
    files = [("files", (name, text.encode(), "text/csv"))]
    return client.post(path, data={"csrf": _token(client)}, files=files)


def test_no_list_page_offers_the_upload_then_explains_a_listed_name(client: TestClient) -> None:
    sign_in(client, "awa")
    empty = client.get("/screening?name=Iyad+Ag+Ghaly")
    assert empty.status_code == 200, empty.text[:1000]
    assert "Aucune liste de sanctions n&#39;est chargée" in empty.text
    assert 'action="/screening/lists"' in empty.text
    _load_watchlist(client)
    page = client.get("/screening", params={"name": "Iyad Ag Ghaly", "dob": "1958"})
    assert page.status_code == 200, page.text[:1000]
    assert "Iyad Ag Ghali" in page.text and "QDi.316" in page.text
    assert "correspondance" in page.text  # the decision band
    # which spelling matched which, and what the birth year added, in the reader's language
    assert "« ghaly » se prononce comme « ghali »" in page.text
    assert "Naissance 1958 proche de celle de la liste (1958) (+0,05)." in page.text
    found = client.get("/api/screening", params={"name": "Iyad Ag Ghaly", "dob": "1958"}).json()
    hit = found["hits"][0]
    assert (hit["hit"]["entry_id"], hit["band"]) == ("QDi.316", "match")
    assert any(f["feature"] == "dob_match" for f in hit["hit"]["explanation"]["features"])


def test_the_un_list_names_iyad_ag_ghaly(client: TestClient, shared_data: Path) -> None:
    sign_in(client, "moussa")
    un = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    files = {"file": (un.name, un.read_bytes(), "application/xml")}
    loaded = client.post("/screening/lists", data={"csrf": _token(client)}, files=files)
    assert loaded.status_code == 303, loaded.text[:1000]
    client.cookies.set("mt_lang", "en")
    found = client.get("/api/screening", params={"name": "Iyad Ag Ghaly"}).json()
    best = found["hits"][0]
    assert (best["hit"]["entry_id"], best["hit"]["source"], best["band"]) == (
        "QDi.316",
        "un",
        "match",
    )
    assert best["sentences"][0].startswith("'Iyad Ag Ghaly' paired with 'IYAD AG GHALI'")


def test_arabic_name_round_trips_escaped_and_direction_auto(client: TestClient) -> None:
    sign_in(client, "idrissa")
    _load_watchlist(client)
    arabic = "إياد أغ غالي"
    page = client.get("/screening", params={"name": arabic})
    assert page.status_code == 200, page.text[:1000]
    assert f'value="{arabic}" dir="auto"' in page.text
    assert f'<small dir="auto">« {arabic} »</small>' in page.text
    assert "QDi.316" in page.text  # the scorer transliterates it to the listed name


def test_reviewer_is_refused_everywhere(client: TestClient) -> None:
    sign_in(client, "ines")
    token = page_csrf(client, "/cases")
    gets = ["/screening", "/screening/findings", "/api/screening?name=x", "/api/screening/lists"]
    gets += ["/api/screening/findings", "/ingest", "/api/ingest"]
    for path in gets:
        assert client.get(path).status_code == 403, path
    csv = [("files", ("a.csv", GOOD_CSV.encode(), "text/csv"))]
    posts: list[tuple[str, dict[str, str], object]] = [
        ("/screening/lists", {}, {"file": ("l.csv", WATCHLIST.encode(), "text/csv")}),
        ("/screening/parties", {}, None),
        ("/screening/findings/x/decide", {"decision": "confirmed"}, None),
        ("/ingest", {}, csv),
        ("/api/ingest", {}, csv),
    ]
    for path, data, files in posts:
        answer = client.post(path, data={"csrf": token, **data}, files=files)  # type: ignore[arg-type]
        assert answer.status_code == 403, path


def test_good_csv_is_loaded_and_counted(client: TestClient) -> None:
    sign_in(client, "awa")
    before = client.get("/api/ingest").json()["counts"]["transactions"]
    page = _upload(client, "mobile.csv", GOOD_CSV)
    assert page.status_code == 200, page.text[:1000]
    assert "2 ligne(s) chargée(s), 0 rejetée(s)" in page.text
    assert client.get("/api/ingest").json()["counts"]["transactions"] == before + 2
    again = _upload(client, "mobile (copie).csv", GOOD_CSV, "/api/ingest")
    outcome = again.json()["files"][0]
    assert (outcome["name"], outcome["status"]) == ("mobile (copie).csv", "unchanged")


def test_bad_row_is_shown_with_its_line_and_field(client: TestClient) -> None:
    sign_in(client, "awa")
    page = _upload(client, "releve.csv", BAD_CSV)
    text = page.text
    assert "1 ligne(s) chargée(s), 1 rejetée(s)" in text
    assert '<code dir="auto">3: amount: « abc » n&#39;est pas un montant</code>' in text
    assert "/uploads/" not in text  # the server's folders are not shown
    client.cookies.set("mt_lang", "en")
    strict = client.post(
        "/api/ingest",
        data={"csrf": _token(client), "strict": "true"},
        files=[("files", ("strict.csv", BAD_CSV.replace("BAD-", "S-").encode(), "text/csv"))],
    ).json()
    refused = strict["files"][0]
    assert refused["status"] == "refused"
    assert refused["lines"] == ["3: amount: 'abc' is not an amount"]
    assert strict["counts"] == client.get("/api/ingest").json()["counts"]  # nothing changed


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "..\\..\\x.csv", "..", "a\x00b\n.csv"])
def test_hostile_file_names_stay_inside_uploads(
    client: TestClient, team: Team, hostile: str
) -> None:
    sign_in(client, "awa")
    answer = _upload(client, hostile, GOOD_CSV)
    assert answer.status_code == 200, answer.text[:1000]
    uploads = (team.folder / "uploads").resolve()
    kept = [p for p in team.folder.rglob("*") if p.is_file() and p.suffix in ("", ".csv")]
    kept = [p for p in kept if p.parent.resolve() == uploads]
    assert len(kept) == 1, kept
    assert not (team.folder.parent / "x.csv").exists()
    assert re.fullmatch(r"[^/\\\x00-\x1f]+-[0-9a-f]{12}(\.csv)?", kept[0].name), kept[0].name
    assert kept[0].read_text() == GOOD_CSV


def test_script_party_is_listed_escaped(client: TestClient) -> None:
    sign_in(client, "awa")
    _upload(client, "mobile.csv", GOOD_CSV)
    _load_watchlist(client)
    token = _token(client)
    assert client.post("/screening/parties", data={"csrf": token}).status_code == 303
    findings = client.get("/screening/findings")
    assert findings.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in findings.text
    assert "<script>alert(1)" not in findings.text
    listed = client.get("/api/screening/findings").json()["matches"]
    mine = next(f for f in listed if f["query"] == "<script>alert(1)</script>")
    decided = client.post(
        f"/screening/findings/{mine['id']}/decide",
        data={"csrf": token, "decision": "false_positive", "note": "homonyme <b>"},
    )
    assert decided.status_code == 303
    after = client.get("/api/screening/findings?status=false_positive").json()["matches"]
    assert [(f["id"], f["analyst_note"]) for f in after] == [(mine["id"], "homonyme <b>")]
    page = client.get("/screening", params={"name": "<script>alert(1)</script>"})
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text


@pytest.fixture
def small_client(team: Team) -> Iterator[TestClient]:
    """A workbench that takes uploads of at most 1 MB."""
    app = create_app(WebSettings(workspace=team.folder, pool_size=1, max_upload_mb=1))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        yield browser


def test_upload_over_the_limit_is_refused_and_not_kept(
    small_client: TestClient, team: Team
) -> None:
    sign_in(small_client, "awa")
    big = GOOD_CSV + "x" * (1 << 20)
    answer = _upload(small_client, "big.csv", big)
    assert answer.status_code == 413
    uploads = team.folder / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
