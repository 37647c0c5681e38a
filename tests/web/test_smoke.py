"""The workbench answers: sign in, the alert queue, an alert, sign out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import page_csrf, sign_in


def test_login_queue_alert_logout(client: TestClient) -> None:
    assert client.get("/alerts").status_code == 303  # to the login page
    sign_in(client, "awa")
    queue = client.get("/alerts?status=")
    assert queue.status_code == 200, queue.text[:2000]
    assert "File des alertes" in queue.text
    first = queue.text.split('href="/alerts/')[1].split('"')[0]
    alert = client.get(f"/alerts/{first}")
    assert alert.status_code == 200, alert.text[:2000]
    assert "Pourquoi cette alerte" in alert.text
    token = page_csrf(client, "/alerts")
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get("/alerts").status_code == 303


def test_a_supervisor_gives_an_alert_to_an_analyst(client: TestClient) -> None:
    sign_in(client, "moussa")
    queue = client.get("/alerts")
    first = queue.text.split('href="/alerts/')[1].split('"')[0]
    page = client.get(f"/alerts/{first}")
    assert page.status_code == 200, page.text[:1000]
    assert 'value="awa"' in page.text and 'value="ines"' not in page.text  # reviewers get no work
    token = page_csrf(client, "/alerts")
    given = client.post(f"/alerts/{first}/assign", data={"analyst": "awa", "csrf": token})
    assert given.status_code == 303, given.text[:1000]
    ref = given.headers["location"].rsplit("/", 1)[1]
    case = client.get(f"/api/cases/{ref}").json()
    assert case["lead"] == "awa" and {"awa", "moussa"} <= set(case["members"])
    assert client.get(f"/api/alerts/{first}").json()["status"] == "escalated"
