"""What the workbench's graph pages ask of a workspace: a link chart, a trace as a graph of
accounts, the timeline of a subject, and the chart's downloads.

Why a module of its own: the pages need the same answers as ``ws.network`` and ``ws.trace``,
shaped for Cytoscape.js and plotly.js (nodes and links, loops kept, hubs folded). Every
function takes what the analyst typed — an account id (the alert page's links), a number in
any written form, a phone, a party's name, or for a trace a transaction's bank reference —
and resolves it once through :mod:`moneytrail.subjects`. Example::

    with Workspace.open("enquete", read_only=True) as ws:
        chart = link_chart(ws, "+223 76 12 34 56", hops=2)
        flow = trace_view(ws, "Awa Traoré", direction="forward", policy="fifo")
        seen = timeline(ws, "52cc00aa...", start=None, end=None)
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.flows.link_chart import LinkChart
    from moneytrail.flows.trace_graph import FlowLink, FlowNode
    from moneytrail.network.timeline import TimelineRow
    from moneytrail.subjects import Subject
    from moneytrail.trace.model import Endpoint, Seed

__all__ = [
    "MAX_HOPS",
    "TimelineView",
    "TraceView",
    "chart_ftm",
    "chart_graphml",
    "link_chart",
    "resolve",
    "timeline",
    "trace_view",
]

MAX_HOPS = 3
"""The chart's largest neighbourhood: beyond 3 links a picture says nothing."""


def resolve(ws: Workspace, text: str) -> Subject:
    """The accounts (and party) ``text`` names: id, number in any form, phone or name."""
    from moneytrail.subjects import subject

    if not text.strip():
        raise UsageError("error.subject_unknown", subject=text)
    return subject(ws.engine, text.strip(), need_accounts=True)


def _hops(hops: int, most: int) -> int:
    if not 0 <= hops <= most:
        raise UsageError("error.network_bad_hops", hops=hops)
    return hops


def link_chart(
    ws: Workspace,
    seed: str,
    hops: int = 1,
    *,
    expand: str | None = None,
    hub_threshold: int = 30,
) -> LinkChart:
    """Accounts within ``hops`` transfers of ``seed``, hubs folded into aggregate nodes;
    with ``expand`` (a node id of the chart) the neighbours of that node instead (an
    aggregate node ``agg|<hub>``: every counterparty of the hub)."""
    from moneytrail.flows.link_chart import AGGREGATE, reach, transfer_flows
    from moneytrail.flows.link_chart import link_chart as build
    from moneytrail.flows.subjects import account_facts

    net = ws.network.graph()
    flows = transfer_flows(net)
    if expand:
        opened = {expand[len(AGGREGATE) :]} if expand.startswith(AGGREGATE) else set()
        centre = list(opened) or [expand]
        if centre[0] not in net.index:
            raise UsageError("error.subject_unknown", subject=expand)
        hops = 1
    else:
        centre, opened = list(resolve(ws, seed).account_ids), set()
        _hops(hops, MAX_HOPS)
    shown, _ = reach(flows, centre, hops, hub_threshold, opened)
    facts = account_facts(ws.engine, shown)
    chart = build(
        net,
        facts,
        centre,
        hops,
        seed=seed,
        hub_threshold=hub_threshold,
        opened=opened,
        flows=flows,
    )
    chart.expanded = expand or None
    return chart


def chart_graphml(ws: Workspace, seed: str, hops: int = 1) -> bytes:
    """The ego network of ``seed`` within ``hops`` links as GraphML (yEd, Gephi), through
    ``ws.network.export``: every edge type, hubs not folded."""
    _hops(hops, MAX_HOPS)
    resolve(ws, seed)
    with tempfile.TemporaryDirectory(prefix="moneytrail-chart-") as folder:
        out = Path(folder) / "chart.graphml"
        ws.network.export(out, "graphml", ego=seed.strip(), hops=hops)
        return out.read_bytes()


def chart_ftm(ws: Workspace, seed: str, hops: int = 1) -> bytes:
    """The parties, accounts, ownerships and payments of the ego network of ``seed`` as
    FollowTheMoney JSON lines (the ids of ``moneytrail export ftm``)."""
    from moneytrail.export.ftm_subset import ego_ftm_lines
    from moneytrail.network.ego import ego_network

    _hops(hops, MAX_HOPS)
    centre = resolve(ws, seed)
    ego = ego_network(ws.network.graph(), centre.node_ids, hops)
    return ego_ftm_lines(ws.engine, ego.index.keys()).encode("utf-8")


@dataclass
class TraceView:
    """A trace drawn as a graph of accounts (``nodes``, ``links``; ``has_cycle`` when money
    came back), its endpoints, and the figures of :class:`~moneytrail.api.TraceResult`."""

    seed: str
    direction: str
    policy: str
    currency: str | None
    seed_amount: Decimal
    unexplained_share: Decimal
    endpoints_total: int
    endpoints_omitted_amount: Decimal
    settings: dict[str, str]
    nodes: list[FlowNode] = field(default_factory=list)
    links: list[FlowLink] = field(default_factory=list)
    has_cycle: bool = False
    endpoints: list[TraceEndpointRow] = field(default_factory=list)


@dataclass
class TraceEndpointRow:
    """One endpoint for the table: where, whose, how much, which share, in how many hops."""

    kind: str
    account_id: str | None
    account_number: str | None
    holder: str | None
    account_kind: str | None
    country: str | None
    amount: Decimal
    share: Decimal
    hops: int | None
    paths_total: int


def _trace_seed(ws: Workspace, text: str) -> Seed:
    """Accounts (or a party's) named by ``text``, else the transactions it references."""
    from moneytrail.trace.model import Seed
    from moneytrail.trace.seeds import transaction_refs

    try:
        return Seed(accounts=resolve(ws, text).account_ids)
    except UsageError as unknown:
        try:
            return Seed(transactions=tuple(transaction_refs(ws.engine, [text.strip()])))
        except UsageError as again:
            if again.key == "error.trace_ambiguous_transaction":
                raise
            raise unknown from None


def trace_view(
    ws: Workspace,
    seed: str,
    *,
    direction: str = "forward",
    policy: str = "fifo",
    hops: int = 6,
    window_days: float | None = None,
) -> TraceView:
    """Follow the money from ``seed`` (``ws.trace``) and shape it for a Sankey diagram."""
    from moneytrail.flows.sankey_layout import trace_accounts
    from moneytrail.flows.subjects import account_facts
    from moneytrail.flows.trace_graph import trace_graph
    from moneytrail.trace.model import Direction, Policy, TraceSettings

    try:
        chosen = TraceSettings(
            policy=Policy(policy),
            direction=Direction(direction),
            max_hops=hops,
            window_days=window_days,
        )
    except ValueError:
        raise UsageError(
            "error.trace_bad_option", option="policy/direction", value=f"{policy}/{direction}"
        ) from None
    result = ws.trace(_trace_seed(ws, seed), chosen)
    facts = account_facts(ws.engine, trace_accounts(result))
    graph = trace_graph(result, facts)
    view = TraceView(
        seed=seed,
        direction=result.direction.value,
        policy=result.policy.value,
        currency=result.currency,
        seed_amount=result.seed_amount,
        unexplained_share=result.unexplained_share,
        endpoints_total=result.endpoints_total,
        endpoints_omitted_amount=result.endpoints_omitted_amount,
        settings=result.settings,
        nodes=graph.nodes,
        links=graph.links,
        has_cycle=graph.has_cycle,
    )
    for end in result.endpoints:
        view.endpoints.append(_endpoint_row(end, facts.get(end.account_id or "")))
    return view


def _endpoint_row(end: Endpoint, found: object) -> TraceEndpointRow:
    holder = getattr(found, "holder", None)
    hops = min((len(p.steps) for p in end.paths), default=None)
    return TraceEndpointRow(
        kind=end.kind.value,
        account_id=end.account_id,
        account_number=end.account_number,
        holder=holder,
        account_kind=end.account_kind,
        country=end.country,
        amount=end.amount,
        share=end.share,
        hops=hops,
        paths_total=end.paths_total,
    )


@dataclass
class TimelineView:
    """The transactions of ``subject``'s accounts in ``[start, end)``, oldest first
    (``truncated``: more exist than are listed)."""

    subject: str
    kind: str
    account_ids: list[str]
    start: datetime | None
    end: datetime | None
    rows: list[TimelineRow]
    truncated: bool


def timeline(
    ws: Workspace, subject: str, start: datetime | None = None, end: datetime | None = None
) -> TimelineView:
    """What went in and out of the accounts ``subject`` names, when, with whom."""
    from moneytrail.network.timeline import account_transactions

    found = resolve(ws, subject)
    rows, more = account_transactions(ws.engine, found.account_ids, start, end)
    return TimelineView(subject, found.kind, list(found.account_ids), start, end, rows, more)
