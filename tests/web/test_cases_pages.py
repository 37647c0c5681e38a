"""The case pages: need to know, the work on a case, its trail and the documents made from it.

Every story runs on a private copy of the demo workspace, through the browser's routes; the
refusals are the desk's own (audited), the documents are checked by the library's validator.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi.testclient import TestClient

from moneytrail.api.cases import CaseDesk
from moneytrail.api.goaml_validate import validate_file
from tests.web.conftest import Team, page_csrf, sign_in

HOSTILE_NOTE = "Élise N'Diaye — عبد الله <b>gras</b>"


def _claim_alert(client: TestClient) -> str:
    """As the signed-in analyst, claim the first alert of the queue: a case holding it."""
    queue = client.get("/alerts?status=to_review")
    first = queue.text.split('href="/alerts/')[1].split('"')[0]
    token = page_csrf(client, "/alerts")
    claimed = client.post(f"/alerts/{first}/claim", data={"csrf": token})
    assert claimed.status_code == 303, claimed.text[:1000]
    ref = claimed.headers["location"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"D-\d{4}-\d{4}", ref), ref
    return ref


def test_analyst_sees_her_case_and_nothing_of_moussas(client: TestClient, team: Team) -> None:
    sign_in(client, "awa")
    listed = client.get("/cases")
    assert listed.status_code == 200, listed.text[:1000]
    assert team.awa_case in listed.text and "Collecte à Tombouctou" in listed.text
    assert team.moussa_case not in listed.text
    assert [c["ref"] for c in client.get("/api/cases").json()["cases"]] == [team.awa_case]
    assert client.get(f"/cases/{team.awa_case}").status_code == 200
    other = team.moussa_case
    for path in (
        f"/cases/{other}",
        f"/api/cases/{other}",
        f"/cases/{other}/audit",
        f"/api/cases/{other}/audit",
        f"/cases/{other}/report.pdf",
        f"/cases/{other}/report.html",
        f"/cases/{other}/goaml",
        f"/cases/{other}/transactions.csv",
        f"/cases/{other}/evidence/1/attachment",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, (path, answer.status_code, answer.text[:300])
    token = page_csrf(client)
    refused = client.post(f"/cases/{other}/notes", data={"csrf": token, "text": "intrus"})
    assert refused.status_code == 403
    assert client.get("/cases/D-2099-9999").status_code == 404
    with CaseDesk.for_workspace(team.folder) as desk:
        fatou = desk.login("fatou", "un mot de passe assez long")
        denied = [e for e in desk.trail(fatou, other).entries if e.outcome == "denied"]
    assert {e.actor for e in denied} == {"awa"} and len(denied) >= 9


def test_analyst_opens_a_case_notes_tasks_and_starts_it(client: TestClient) -> None:
    sign_in(client, "awa")
    token = page_csrf(client)
    made = client.post(
        "/cases", data={"csrf": token, "title": "Réseau Kidal", "summary": "Rançon présumée"}
    )
    assert made.status_code == 303
    ref = made.headers["location"].rsplit("/", 1)[-1]
    noted = client.post(f"/cases/{ref}/notes", data={"csrf": token, "text": HOSTILE_NOTE})
    assert noted.status_code == 303 and noted.headers["location"].endswith("#note-1")
    tasked = client.post(
        f"/cases/{ref}/tasks",
        data={
            "csrf": token,
            "text": "Réquisition à la banque",
            "due": "2026-12-31",
            "assignee": "awa",
        },
    )
    assert tasked.status_code == 303
    page = client.get(f"/cases/{ref}").text
    assert "Élise N&#39;Diaye — عبد الله &lt;b&gt;gras&lt;/b&gt;" in page  # escaped, intact
    assert "<b>gras</b>" not in page
    assert "Réquisition à la banque" in page and "31/12/2026" in page
    # An analyst may start or propose, never close: only the steps she may take are offered.
    assert 'value="in_analysis"' in page and 'value="closed"' not in page
    task_id = client.get(f"/api/cases/{ref}").json()["tasks"][0]["id"]
    done = client.post(f"/cases/{ref}/tasks/{task_id}/done", data={"csrf": token})
    assert done.status_code == 303
    moved = client.post(
        f"/cases/{ref}/status", data={"csrf": token, "to": "in_analysis", "reason": "pièces reçues"}
    )
    assert moved.status_code == 303
    shown = client.get(f"/api/cases/{ref}").json()
    assert shown["status"] == "in_analysis"
    assert shown["notes"][0]["text"] == HOSTILE_NOTE
    assert shown["tasks"][0]["status"] == "done" and shown["tasks"][0]["done_by"] == "awa"
    assert shown["history"][0]["reason"] == "pièces reçues"
    page = client.get(f"/cases/{ref}").text
    assert "en analyse" in page and "pièces reçues" in page
    refused = client.post(
        f"/cases/{ref}/status", data={"csrf": token, "to": "closed", "reason": "sans suite"}
    )
    assert refused.status_code == 403  # closing is a supervisor's step
    assert client.get(f"/cases/{ref}/audit").status_code == 403  # analysts do not read trails


def test_reviewer_reads_her_case_and_its_trail_but_writes_nothing(
    client: TestClient, team: Team
) -> None:
    sign_in(client, "ines")
    page = client.get(f"/cases/{team.awa_case}")
    assert page.status_code == 200 and "Collecte à Tombouctou" in page.text
    assert 'action="/cases/' + team.awa_case + '/notes"' not in page.text  # no form offered
    token = page_csrf(client, f"/cases/{team.awa_case}")
    for path, data in (
        ("notes", {"text": "avis du parquet"}),
        ("tasks", {"text": "relire"}),
        ("status", {"to": "in_analysis"}),
    ):
        answer = client.post(f"/cases/{team.awa_case}/{path}", data={"csrf": token, **data})
        assert answer.status_code == 403, (path, answer.text[:300])
    trail = client.get(f"/cases/{team.awa_case}/audit")
    assert trail.status_code == 200
    assert f'href="/cases/{team.awa_case}/report.pdf?lang=en"' in trail.text
    assert "case.note" in trail.text and "denied" in trail.text  # her refusals are in it
    entries = client.get(f"/api/cases/{team.awa_case}/audit").json()["entries"]
    assert any(e["actor"] == "ines" and e["outcome"] == "denied" for e in entries)
    assert client.get(f"/cases/{team.moussa_case}").status_code == 403
    assert client.get("/alerts").status_code == 403  # nothing else of the workspace


def test_supervisor_closes_with_a_reason_and_the_case_is_settled(
    client: TestClient, team: Team
) -> None:
    sign_in(client, "moussa")
    ref = team.awa_case
    page = client.get(f"/cases/{ref}").text
    assert 'value="closed"' in page and 'name="login"' in page  # close and assign forms
    assert f'href="/cases/{ref}/audit"' in page and f'href="/cases/{ref}/goaml"' in page
    token = page_csrf(client, f"/cases/{ref}")
    added = client.post(f"/cases/{ref}/members", data={"csrf": token, "login": "idrissa"})
    assert added.status_code == 303
    assert "idrissa" in client.get(f"/api/cases/{ref}").json()["members"]
    no_reason = client.post(f"/cases/{ref}/status", data={"csrf": token, "to": "closed"})
    assert no_reason.status_code == 400
    closed = client.post(
        f"/cases/{ref}/status", data={"csrf": token, "to": "closed", "reason": "homonymie"}
    )
    assert closed.status_code == 303
    settled = client.get(f"/cases/{ref}").text
    assert "classé sans suite" in settled and 'name="to"' not in settled  # a head reopens
    client.post("/logout", data={"csrf": token})
    sign_in(client, "awa")
    token = page_csrf(client)
    late = client.post(f"/cases/{ref}/notes", data={"csrf": token, "text": "trop tard"})
    assert late.status_code == 403


def test_claimed_alert_subject_and_trace_become_evidence(client: TestClient) -> None:
    sign_in(client, "awa")
    ref = _claim_alert(client)
    case = client.get(f"/api/cases/{ref}").json()
    alert = case["evidence"][0]
    assert alert["kind"] == "alert"
    page = client.get(f"/cases/{ref}").text
    assert alert["payload"]["text"][:40].replace("'", "&#39;") in page  # the explanation
    account = next(t["src"] for t in alert["payload"]["transaction_list"] if t["src"])
    token = page_csrf(client, f"/cases/{ref}")
    added = client.post(f"/cases/{ref}/subjects", data={"csrf": token, "text": account})
    assert added.status_code == 303, added.text[:500]
    traced = client.post(f"/cases/{ref}/traces", data={"csrf": token, "account": account})
    assert traced.status_code == 303, traced.text[:500]
    case = client.get(f"/api/cases/{ref}").json()
    assert case["subjects"][0]["label"] == account
    assert [e["kind"] for e in case["evidence"]] == ["alert", "trace"]
    assert "traçage" in client.get(f"/cases/{ref}").text


def test_goaml_export_lists_problems_then_downloads_a_valid_report(
    client: TestClient, tmp_path: Path
) -> None:
    sign_in(client, "awa")
    ref = _claim_alert(client)
    form = client.get(f"/cases/{ref}/goaml")
    assert form.status_code == 200 and 'value="STR"' in form.text
    listed = form.text.split('name="indicator"')[1].split("</select>")[0]
    indicator = re.findall(r'<option value="([^"]+)"', listed)[0]
    token = page_csrf(client, f"/cases/{ref}/goaml")
    base = {"csrf": token, "profile": "uae-5.0.2", "report_type": "STR"}
    no_entity = client.post(f"/cases/{ref}/goaml", data=base)
    assert no_entity.status_code == 422
    assert "entité déclarante" in no_entity.text
    no_indicator = client.post(f"/cases/{ref}/goaml", data={**base, "entity_id": "1234"})
    assert no_indicator.status_code == 422
    problems = re.findall(r"<li><code dir=\"auto\">(.*?)</code></li>", no_indicator.text, re.S)
    assert problems and any("indicat" in p.lower() for p in problems), problems
    valid = client.post(
        f"/cases/{ref}/goaml",
        data={**base, "entity_id": "1234", "indicator": indicator, "reporter": "Awa Traoré"},
    )
    assert valid.status_code == 200, valid.text[:3000]
    assert valid.content.startswith(b"<?xml")
    assert valid.headers["content-disposition"] == f'attachment; filename="{ref}-STR.xml"'
    written = tmp_path / "report.xml"
    written.write_bytes(valid.content)
    verdict = validate_file(written, "uae-5.0.2")
    assert verdict.ok, verdict.problems
    assert verdict.transactions >= 1


def test_documents_of_a_case_pdf_html_and_csv(client: TestClient) -> None:
    sign_in(client, "awa")
    ref = _claim_alert(client)
    pdf = client.get(f"/cases/{ref}/report.pdf?lang=en")
    assert pdf.status_code == 200, pdf.text[:2000]
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="{ref}-en.pdf"'
    html = client.get(f"/cases/{ref}/report.html")
    assert html.status_code == 200 and ref in html.text
    assert client.get(f"/cases/{ref}/report.pdf?lang=de").status_code == 400
    table = client.get(f"/cases/{ref}/transactions.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    alert = client.get(f"/api/cases/{ref}").json()["evidence"][0]["payload"]
    assert rows[0][:3] == ["evidence", "transaction_id", "date"]
    assert len(rows) - 1 == len(alert["transaction_list"])
    assert {r[1] for r in rows[1:]} == {t["id"] for t in alert["transaction_list"]}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    with CaseDesk.for_workspace(client.app.state.web.settings.workspace) as desk:  # type: ignore[attr-defined]
        fatou = desk.login("fatou", "un mot de passe assez long")
        exports = [e for e in desk.trail(fatou, ref).entries if e.action == "case.export"]
    assert {e.details.get("purpose") for e in exports} >= {"report", "csv"}
