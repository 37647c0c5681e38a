"""The timeline of a subject's transactions: a plotly scatter and the table under it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from moneytrail.api import UsageError, graph_web
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, permit

router = APIRouter()


def _day(value: str | None, name: str, *, end: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` (the date input's form) as the start of that day; ``end``: the day
    after, so that ``to`` includes its own day."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise UsageError("web.error.bad_filter", name=name, value=value) from None
    moment = datetime(day.year, day.month, day.day)
    return moment + timedelta(days=1) if end else moment


def _timeline(
    caller: Caller, subject: str, start: str | None, end: str | None
) -> graph_web.TimelineView:
    since, until = _day(start, "from"), _day(end, "to", end=True)
    with caller.web.pool.lease() as ws:
        return graph_web.timeline(ws, subject, since, until)


@router.get("/timeline")
def timeline_page(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    subject: str = "",
    frm: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> Response:
    """The form; with a subject, the plot's container and the table of transactions."""
    subject = subject.strip()
    view = _timeline(caller, subject, frm, to) if subject else None
    chosen = {"subject": subject, "from": frm or "", "to": to or ""}
    return render(request, "timeline.html", caller, view=view, chosen=chosen)


@router.get("/api/timeline")
def timeline_json(
    caller: Annotated[Caller, permit("workspace.read")],
    subject: str,
    frm: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> Any:
    """The subject's transactions, oldest first (``from`` and ``to``: days, inclusive)."""
    view = _timeline(caller, subject.strip(), frm, to)
    return to_jsonable(view, caller.lang)
