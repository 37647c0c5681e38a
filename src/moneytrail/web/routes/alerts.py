"""The alert queue and one alert: filter, read the explanation, decide, claim, assign.

Claiming an alert opens a case with the claimer as its member, freezes the alert (explanation
and transactions) into it as evidence, and marks the alert ``escalated`` with the case's
reference: the queue then shows who took it. A supervisor can do the same for an analyst
(``alert.assign``), who becomes the case's lead. Everything goes through the library API.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from moneytrail.api import UsageError
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, permit

router = APIRouter()

STATUSES = ("to_review", "escalated", "confirmed", "false_positive")
KINDS = ("rule", "model")
LIMITS = (25, 50, 100, 200, 500)


def _filters(status: str | None, typology: str | None, kind: str | None) -> dict[str, Any]:
    if status and status not in STATUSES:
        raise UsageError("web.error.bad_filter", name="status", value=status)
    if kind and kind not in KINDS:
        raise UsageError("web.error.bad_filter", name="kind", value=kind)
    return {"status": status or None, "typology": typology or None, "detector_kind": kind or None}


@router.get("/alerts")
def queue(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    status: str | None = "to_review",
    typology: str | None = None,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Alerts, highest score first, filtered by status, typology and detector."""
    wanted = _filters(status, typology, kind)
    with caller.web.pool.lease() as ws:
        listed = ws.alerts.list(limit=limit, lang=caller.lang, **wanted)
        typologies = sorted(
            {(r.typology, r.typology_name) for r in ws.rules.catalogue(lang=caller.lang)}
        )
    users = caller.web.desk.assignable(caller.actor).users if caller.may("alert.assign") else []
    return render(
        request,
        "alerts.html",
        caller,
        listed=listed,
        statuses=STATUSES,
        kinds=KINDS,
        limits=LIMITS,
        typologies=typologies,
        chosen={
            "status": status or "",
            "typology": typology or "",
            "kind": kind or "",
            "limit": limit,
        },
        analysts=users,
    )


@router.get("/api/alerts")
def queue_json(
    caller: Annotated[Caller, permit("workspace.read")],
    status: str | None = None,
    typology: str | None = None,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    """The queue as JSON: the same form as ``moneytrail alerts list --json``."""
    with caller.web.pool.lease() as ws:
        listed = ws.alerts.list(limit=limit, lang=caller.lang, **_filters(status, typology, kind))
    return to_jsonable(listed, caller.lang)


@router.get("/alerts/{alert_id}")
def alert_page(
    request: Request, alert_id: str, caller: Annotated[Caller, permit("workspace.read")]
) -> Response:
    """One alert: its explanation in sentences, its transactions, the decision forms."""
    with caller.web.pool.lease() as ws:
        alert = ws.alerts.show(alert_id, lang=caller.lang)
    users = caller.web.desk.assignable(caller.actor).users if caller.may("alert.assign") else []
    return render(
        request,
        "alert.html",
        caller,
        alert=alert,
        statuses=STATUSES,
        analysts=users,
    )


@router.get("/api/alerts/{alert_id}")
def alert_json(alert_id: str, caller: Annotated[Caller, permit("workspace.read")]) -> Any:
    """One alert as JSON (``moneytrail alerts show --json``)."""
    with caller.web.pool.lease() as ws:
        return to_jsonable(ws.alerts.show(alert_id, lang=caller.lang), caller.lang)


@router.post("/alerts/{alert_id}/decide")
def decide(
    alert_id: str,
    caller: Annotated[Caller, permit("alert.decide")],
    status: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record the analyst's decision (the one it replaces goes to the alert's history)."""
    with caller.web.pool.lease() as ws:
        alert = ws.alerts.decide(alert_id, status, note, by=caller.login, lang=caller.lang)
    return RedirectResponse(f"/alerts/{alert.id}", status_code=303)


def _open_case(caller: Caller, alert_id: str, lead: str | None) -> str:
    """A case from the alert (its evidence), the alert escalated to it; the case's ref."""
    desk = caller.web.desk
    with caller.web.pool.lease() as ws:
        alert = ws.alerts.show(alert_id, lang=caller.lang)
        title = f"{alert.typology_name} — {alert.subject_label or alert.subject_id}"
        case = desk.new(caller.actor, title[:200], alert.text, workspace=str(ws.path))
        desk.add_alert(caller.actor, case.ref, ws, alert.id, lang=caller.lang)
        if lead is not None:
            desk.assign(caller.actor, case.ref, lead, lead=True)
        ws.alerts.decide(alert.id, "escalated", case.ref, by=caller.login, lang=caller.lang)
    return case.ref


@router.post("/alerts/{alert_id}/claim")
def claim(alert_id: str, caller: Annotated[Caller, permit("alert.decide")]) -> Response:
    """Take the alert: a new case of mine holding it."""
    ref = _open_case(caller, alert_id, None)
    return RedirectResponse(f"/cases/{ref}", status_code=303)


@router.post("/alerts/{alert_id}/assign")
def assign(
    alert_id: str,
    caller: Annotated[Caller, permit("alert.assign")],
    analyst: Annotated[str, Form()],
) -> Response:
    """Give the alert to ``analyst``: a new case they lead, holding it."""
    ref = _open_case(caller, alert_id, analyst.strip())
    return RedirectResponse(f"/cases/{ref}", status_code=303)
