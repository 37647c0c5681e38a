"""The link chart (Cytoscape.js): ego network, expand, hubs collapsed, exports.

The page is a form and an empty ``#chart``; ``static/chart.js`` fetches ``/api/chart`` (the
same query) and draws it, and fetches ``/api/chart?expand=<node>`` on a double-click. The
seed is whatever the analyst typed or the alert page linked (an account id): the API
resolves it. Downloads go through the API's network exports.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from moneytrail.api import graph_web
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, permit

router = APIRouter()

Hops = Annotated[int, Query(ge=1, le=graph_web.MAX_HOPS)]
Hub = Annotated[int, Query(ge=2, le=10_000)]


@router.get("/chart")
def chart_page(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    seed: str = "",
    hops: Hops = 1,
    hub: Hub = 30,
) -> Response:
    """The form and the chart's container; the chart itself is drawn by ``chart.js``."""
    return render(request, "chart.html", caller, seed=seed.strip(), hops=hops, hub=hub)


@router.get("/api/chart")
def chart_json(
    caller: Annotated[Caller, permit("workspace.read")],
    seed: str = "",
    hops: Hops = 1,
    expand: str | None = None,
    hub: Hub = 30,
) -> Any:
    """Nodes and edges of the chart (or, with ``expand``, of one node's neighbourhood)."""
    with caller.web.pool.lease() as ws:
        chart = graph_web.link_chart(ws, seed, hops, expand=expand or None, hub_threshold=hub)
    return to_jsonable(chart, caller.lang)


def _file_name(seed: str, suffix: str) -> str:
    """``chart-<seed, letters and digits only>.<suffix>``: safe in any header and file system."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", seed.strip())[:60].strip("_") or "seed"
    return f"chart-{stem}.{suffix}"


def _download(body: bytes, name: str, media_type: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/chart/export.graphml")
def export_graphml(
    caller: Annotated[Caller, permit("workspace.read")], seed: str, hops: Hops = 1
) -> Response:
    """The ego network of the seed as GraphML (yEd, Gephi)."""
    with caller.web.pool.lease() as ws:
        body = graph_web.chart_graphml(ws, seed, hops)
    return _download(body, _file_name(seed, "graphml"), "application/graphml+xml")


@router.get("/chart/export.ftm.json")
def export_ftm(
    caller: Annotated[Caller, permit("workspace.read")], seed: str, hops: Hops = 1
) -> Response:
    """The ego network of the seed as FollowTheMoney entities, one JSON object per line."""
    with caller.web.pool.lease() as ws:
        body = graph_web.chart_ftm(ws, seed, hops)
    return _download(body, _file_name(seed, "ftm.json"), "application/x-ndjson; charset=utf-8")
