"""The trace view: seed, policy, hops; the Sankey (plotly.js, loops shown) and endpoints.

The page traces on the server (the endpoints table is HTML, amounts in the reader's
convention); ``static/trace.js`` fetches the same trace from ``/api/trace`` to draw the Sankey
(one node per account: money that went round is a cycle of links).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from moneytrail.api import UsageError, graph_web
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, permit

router = APIRouter()

DIRECTIONS = ("forward", "backward")
POLICIES = ("fifo", "lifo", "pro-rata", "poison")
Hops = Annotated[int, Query(ge=1, le=20)]
Window = Annotated[float | None, Query(gt=0, le=3650)]


def _check(direction: str, policy: str) -> None:
    if direction not in DIRECTIONS:
        raise UsageError("web.error.bad_filter", name="direction", value=direction)
    if policy not in POLICIES:
        raise UsageError("web.error.bad_filter", name="policy", value=policy)


def _trace(
    caller: Caller, seed: str, direction: str, policy: str, hops: int, window: float | None
) -> graph_web.TraceView:
    _check(direction, policy)
    with caller.web.pool.lease() as ws:
        return graph_web.trace_view(
            ws, seed, direction=direction, policy=policy, hops=hops, window_days=window
        )


@router.get("/trace")
def trace_page(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    seed: str = "",
    direction: str = "forward",
    policy: str = "fifo",
    hops: Hops = 6,
    window_days: Window = None,
) -> Response:
    """The form; with a seed, the Sankey's container and the endpoints table."""
    seed = seed.strip()
    view = _trace(caller, seed, direction, policy, hops, window_days) if seed else None
    return render(
        request,
        "trace.html",
        caller,
        view=view,
        chosen={
            "seed": seed,
            "direction": direction,
            "policy": policy,
            "hops": hops,
            "window_days": "" if window_days is None else f"{window_days:g}",
        },
        directions=DIRECTIONS,
        policies=POLICIES,
    )


@router.get("/api/trace")
def trace_json(
    caller: Annotated[Caller, permit("workspace.read")],
    seed: str,
    direction: str = "forward",
    policy: str = "fifo",
    hops: Hops = 6,
    window_days: Window = None,
) -> Any:
    """The trace as nodes, links (amounts as exact strings) and endpoints."""
    view = _trace(caller, seed.strip(), direction, policy, hops, window_days)
    return to_jsonable(view, caller.lang)
