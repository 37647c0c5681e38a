"""The link chart of the web workbench: an ego network of accounts, hubs folded away.

Why a chart of its own: the ego network (:mod:`moneytrail.network.ego`) of an account that
touches a hub (a mobile-money agent, a merchant, a bank's clearing account) holds hundreds of
nodes nobody can read. Here the chart follows transfers between accounts only (holders are in
the labels), and a *hub* (more than ``hub_threshold`` counterparties) is not walked through:
its counterparties not otherwise on the chart become ONE aggregate node (``agg|<hub id>``,
"+412 counterparties, 12.3 M XOF") that the analyst may expand.

Amounts are in the reporting currency (``amount_reporting``, else ``amount``), as on
:class:`~moneytrail.network.graph.Edge`.

Example::

    chart = link_chart(ws.network.graph(), ["<account id>"], hops=2)
    [n.id for n in chart.nodes if n.aggregate]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from moneytrail.errors import UsageError
from moneytrail.flows.subjects import AccountFacts
from moneytrail.network.graph import MoneyNetwork

HUB_THRESHOLD = 30
AGGREGATE = "agg|"


@dataclass
class ChartNode:
    """An account (``aggregate`` False) or the folded counterparties of hub ``hub``."""

    id: str
    label: str
    number: str | None
    holder: str | None
    kind: str | None
    country: str | None
    degree: int
    amount_in: Decimal
    amount_out: Decimal
    seed: bool = False
    hub: bool = False
    aggregate: bool = False
    members: int = 0
    of: str | None = None


@dataclass
class ChartEdge:
    """Transfers from ``source`` to ``target`` (for an aggregate: both ways, summed)."""

    id: str
    source: str
    target: str
    count: int
    amount: Decimal
    aggregate: bool = False


@dataclass
class LinkChart:
    """Nodes and edges to draw; ``expanded`` names the node whose neighbours they are."""

    seed: str
    hops: int
    currency: str
    hub_threshold: int
    nodes: list[ChartNode] = field(default_factory=list)
    edges: list[ChartEdge] = field(default_factory=list)
    expanded: str | None = None


@dataclass
class TransferFlows:
    """Transfers between accounts: per ordered pair, and who is next to whom."""

    pairs: dict[tuple[str, str], tuple[int, Decimal]]
    around: dict[str, set[str]]
    amount_in: dict[str, Decimal]
    amount_out: dict[str, Decimal]


def transfer_flows(net: MoneyNetwork) -> TransferFlows:
    """The transfer edges of ``net`` (one per ordered pair of accounts)."""
    pairs: dict[tuple[str, str], tuple[int, Decimal]] = {}
    around: dict[str, set[str]] = defaultdict(set)
    amount_in: dict[str, Decimal] = defaultdict(Decimal)
    amount_out: dict[str, Decimal] = defaultdict(Decimal)
    for a, b, edge in net.graph.weighted_edge_list():
        if edge.type != "transfer":
            continue
        src, dst = net.node(a).id, net.node(b).id
        count, amount = pairs.get((src, dst), (0, Decimal(0)))
        pairs[(src, dst)] = (count + edge.count, amount + edge.amount)
        amount_out[src] += edge.amount
        amount_in[dst] += edge.amount
        if src != dst:
            around[src].add(dst)
            around[dst].add(src)
    return TransferFlows(pairs, around, amount_in, amount_out)


def link_chart(
    net: MoneyNetwork,
    facts: dict[str, AccountFacts],
    centre: Collection[str],
    hops: int,
    *,
    seed: str = "",
    hub_threshold: int = HUB_THRESHOLD,
    opened: Collection[str] = (),
    flows: TransferFlows | None = None,
) -> LinkChart:
    """Accounts within ``hops`` transfers of ``centre``, hubs not in ``opened`` folded.

    ``facts`` names the accounts (see :func:`chart_accounts` for which ones are needed).
    """
    if hops < 0:
        raise UsageError("error.network_bad_hops", hops=hops)
    flows = flows or transfer_flows(net)
    shown, folded = reach(flows, centre, hops, hub_threshold, opened)
    chart = LinkChart(seed, hops, net.currency, hub_threshold)
    for account in sorted(shown):
        chart.nodes.append(_account_node(account, facts, flows, hub_threshold, centre))
    for (src, dst), (count, amount) in sorted(flows.pairs.items()):
        if src in shown and dst in shown:
            chart.edges.append(ChartEdge(f"{src}>{dst}", src, dst, count, amount))
    for hub in sorted(folded):
        _fold(chart, flows, hub, flows.around[hub] - shown)
    return chart


def reach(
    flows: TransferFlows,
    centre: Collection[str],
    hops: int,
    hub_threshold: int,
    opened: Collection[str],
) -> tuple[set[str], set[str]]:
    """Accounts shown and hubs folded: a walk of ``hops`` steps that stops at hubs."""
    shown = set(centre)
    frontier = set(centre)
    folded: set[str] = set()
    for _ in range(hops):
        nxt: set[str] = set()
        for account in frontier:
            near = flows.around.get(account, set())
            if len(near) > hub_threshold and account not in opened:
                folded.add(account)
                continue
            nxt |= near - shown
        shown |= nxt
        frontier = nxt
    # hubs at the edge are folded too: their "+N" node says how much lies beyond
    folded |= {a for a in frontier if len(flows.around.get(a, ())) > hub_threshold}
    folded -= set(opened)
    return shown, {h for h in folded if flows.around[h] - shown}


def chart_accounts(
    flows: TransferFlows,
    centre: Collection[str],
    hops: int,
    threshold: int,
    opened: Collection[str],
) -> set[str]:
    """The accounts :func:`link_chart` will name (for :func:`account_facts`)."""
    return reach(flows, centre, hops, threshold, opened)[0]


def _account_node(
    account: str,
    facts: dict[str, AccountFacts],
    flows: TransferFlows,
    threshold: int,
    centre: Collection[str],
) -> ChartNode:
    found = facts.get(account)
    number = found.number if found else None
    holder = found.holder if found else None
    label = " — ".join(x for x in (number, holder) if x) or account[:12]
    degree = len(flows.around.get(account, ()))
    return ChartNode(
        id=account,
        label=label,
        number=number,
        holder=holder,
        kind=found.kind if found else None,
        country=found.country if found else None,
        degree=degree,
        amount_in=flows.amount_in.get(account, Decimal(0)),
        amount_out=flows.amount_out.get(account, Decimal(0)),
        seed=account in centre,
        hub=degree > threshold,
    )


def _fold(chart: LinkChart, flows: TransferFlows, hub: str, rest: set[str]) -> None:
    """One aggregate node for ``rest``, the counterparties of ``hub`` left off the chart."""
    count, amount_in, amount_out = 0, Decimal(0), Decimal(0)
    for other in rest:
        c_out, a_out = flows.pairs.get((hub, other), (0, Decimal(0)))
        c_in, a_in = flows.pairs.get((other, hub), (0, Decimal(0)))
        count += c_out + c_in
        amount_out += a_out
        amount_in += a_in
    key = AGGREGATE + hub
    chart.nodes.append(
        ChartNode(
            id=key,
            label=f"+{len(rest)}",
            number=None,
            holder=None,
            kind="aggregate",
            country=None,
            degree=len(rest),
            amount_in=amount_out,  # what the hub sent to them
            amount_out=amount_in,
            aggregate=True,
            members=len(rest),
            of=hub,
        )
    )
    total = amount_in + amount_out
    chart.edges.append(ChartEdge(f"{hub}>{key}", hub, key, count, total, aggregate=True))
