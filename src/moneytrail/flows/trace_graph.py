"""A trace as a graph of accounts: one node per account, one link per pair, loops kept.

Why not :func:`~moneytrail.flows.sankey_layout.layout_trace`: that layout puts an account seen
at two depths in two columns (a report's picture reads left to right). On screen the analyst
must *see* money going round (A -> B -> C -> A), so here an account is one node whatever its
depth, and the links follow the listed paths: a loop is a cycle of links (plotly's Sankey
draws cycles). Endpoints are nodes of their own (``end|<kind>|<account>``), and the money of
paths not listed (``max_paths``) comes from one ``other-paths`` node, so every endpoint node
receives its endpoint's amount.

Example::

    graph = trace_graph(result, account_facts(ws.engine, trace_accounts(result)))
    [(link.source, link.target, link.amount) for link in graph.links]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from moneytrail.flows.sankey_layout import channel_group
from moneytrail.flows.subjects import AccountFacts
from moneytrail.trace.model import Direction, Endpoint, TracePath, TraceResult

OTHER_PATHS = "other-paths"
OUTSIDE = "outside"


@dataclass
class FlowNode:
    """An account (``kind``: its account kind), an endpoint, ``outside`` or ``other-paths``."""

    id: str
    role: str  # account | endpoint | outside | others
    label: str
    kind: str | None
    country: str | None
    account_id: str | None
    seed: bool = False
    place: str | None = None
    """Where the account's agent or counter is (cash endpoints say where cash left)."""


@dataclass
class FlowLink:
    """Traced money from ``source`` to ``target`` (node ids), through a channel family;
    ``references`` are the bank's references (``ext_id``) of the listed paths' transactions
    behind the link, without repeats (what a requisition quotes)."""

    source: str
    target: str
    amount: Decimal
    channel: str
    references: list[str] = field(default_factory=list)


@dataclass
class TraceGraph:
    """Nodes and links of a trace; ``cycles`` says whether some money went round."""

    nodes: list[FlowNode]
    links: list[FlowLink]
    has_cycle: bool


def trace_graph(result: TraceResult, facts: dict[str, AccountFacts]) -> TraceGraph:
    """Nodes and links of ``result`` (see the module docstring); ``facts`` name accounts."""
    nodes: dict[str, FlowNode] = {}
    amounts: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    refs: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for end in result.endpoints:
        end_id = _endpoint(nodes, end, facts)
        covered = Decimal(0)
        for path in end.paths:
            covered += path.amount
            chain, channels, ext_ids = _chain(path, end, result.direction)
            ids = [_account(nodes, a, facts) for a in chain]
            for i, (a, b) in enumerate(zip(ids, [*ids[1:], end_id], strict=True)):
                if a != b:
                    key = (a, b, channels[i] if i < len(channels) else "other")
                    amounts[key] += path.amount
                    ref = ext_ids[i] if i < len(ext_ids) else None
                    if ref and ref not in refs[key]:
                        refs[key].append(ref)
            if ids:
                nodes[ids[0]].seed = True
        if end.amount > covered:
            nodes.setdefault(OTHER_PATHS, FlowNode(OTHER_PATHS, "others", "", None, None, None))
            amounts[(OTHER_PATHS, end_id, "other")] += end.amount - covered
    links = [
        FlowLink(s, t, a, c, refs.get((s, t, c), []))
        for (s, t, c), a in sorted(amounts.items())
        if a > 0
    ]
    return TraceGraph(list(nodes.values()), links, _has_cycle(links))


def _chain(
    path: TracePath, end: Endpoint, direction: Direction
) -> tuple[list[str | None], list[str], list[str | None]]:
    """Accounts along ``path`` in the reading order (money's order forward, against it
    backward), and the channel family and bank reference of each step."""
    steps = path.steps if direction is Direction.FORWARD else path.steps[::-1]
    if not steps:
        return [end.account_id], [], []
    forward = direction is Direction.FORWARD
    near = [(s.src_account_id if forward else s.dst_account_id) for s in steps]
    far = [(s.dst_account_id if forward else s.src_account_id) for s in steps]
    channels = [channel_group(s.channel) for s in steps]
    chain = [near[0], *far]
    if chain[-1] is None:  # left the data: the endpoint node says so
        chain.pop()
    return chain, channels, [s.ext_id for s in steps]


def _account(
    nodes: dict[str, FlowNode], account: str | None, facts: dict[str, AccountFacts]
) -> str:
    if account is None:
        nodes.setdefault(OUTSIDE, FlowNode(OUTSIDE, "outside", "", None, None, None))
        return OUTSIDE
    if account not in nodes:
        found = facts.get(account)
        label = _label(found, account)
        kind = found.kind if found else None
        country = found.country if found else None
        nodes[account] = FlowNode(account, "account", label, kind, country, account)
    return account


def _endpoint(nodes: dict[str, FlowNode], end: Endpoint, facts: dict[str, AccountFacts]) -> str:
    key = f"end|{end.kind.value}|{end.account_id or ''}"
    if key not in nodes:
        found = facts.get(end.account_id or "")
        label = _label(found, end.account_number or "") if found or end.account_number else ""
        nodes[key] = FlowNode(key, "endpoint", label, end.kind.value, end.country, end.account_id)
        nodes[key].place = found.place if found else None
    return key


def _label(found: AccountFacts | None, fallback: str) -> str:
    if found is None:
        return fallback[:12]
    return " — ".join(x for x in (found.number, found.holder) if x) or found.id[:12]


def _has_cycle(links: list[FlowLink]) -> bool:
    """Whether the links hold a directed cycle (money that came back)."""
    after: dict[str, set[str]] = defaultdict(set)
    for link in links:
        after[link.source].add(link.target)
    state: dict[str, int] = {}

    def visit(start: str) -> bool:
        stack = [(start, iter(sorted(after[start])))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                return True
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(after[child]))))
        return False

    return any(visit(n) for n in sorted(after) if n not in state)
