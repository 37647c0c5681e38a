"""Where each box and band of a trace's Sankey diagram goes: a pure function, easy to test.

Why a separate, pure step: the picture is an exhibit, so its figures must add up. The layout
turns a :class:`~moneytrail.trace.model.TraceResult` into nodes and bands with exact
:class:`~decimal.Decimal` amounts and float coordinates; the drawer only paints them.

Reading of a trace (assumptions, also in docs/tracing.md, "Sankey diagram"):

- column 0 holds where each listed path starts (the payer of the seed transaction, or the seed
  account); column ``k`` the account reached after ``k`` transactions; the last column holds the
  endpoints (cash, abroad, exchange, sanctioned, held, unexplained), whatever the path length;
- an account seen at two depths is two boxes (one per column): the layout is by hop, not a
  graph layout; boxes are stacked by decreasing amount (endpoints grouped by kind);
- a path's amount is the traced money that went down that chain; an endpoint's amount not
  covered by its listed paths (``max_paths``) is a band from "other paths" (column 0), and
  the endpoints left out of the result (``max_endpoints``) are one "other endpoints" box;
- above ``max_nodes`` boxes in a column, the smallest are merged into one "others" box, and
  so are boxes under ``min_share`` (1 %) of the traced total when two or more in a column are
  (a 2 000 XOF box next to a 20 million one would be an unreadable line);
- a band crosses a border when the countries of its two accounts are known and differ;
- backward traces read against time: column 0 holds the receiving side of the seed, each
  column one transaction further back, and the endpoints are the origins.

So every box between the first and last column receives exactly what it passes on, column 0
sends the sum of the endpoints, and each endpoint box receives its endpoint's amount.

Example::

    layout = layout_trace(result, account_facts(ws.engine, trace_accounts(result)))
    [(b.source, b.target, b.amount) for b in layout.bands]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from moneytrail.flows.subjects import AccountFacts
from moneytrail.trace.model import Direction, Endpoint, PathStep, TraceResult

MAX_NODES = 12
MIN_SHARE = Decimal("0.01")  # boxes under 1 % of the total merge into "others" (2 or more)
GAPS = 0.15  # share of the height left between boxes in the fullest column
OTHER_PATHS = "0|other-paths"
OTHER_ENDPOINTS = "end|others|"
ENDPOINT_ORDER = ("sanctioned", "cash", "exchange", "abroad", "held", "unexplained", "others")
CHANNEL_GROUPS = {
    "wire": "bank",
    "card": "bank",
    "cheque": "bank",
    "mobile_money": "mobile_money",
    "cash_deposit": "cash",
    "cash_withdrawal": "cash",
    "hawala": "hawala",
    "crypto": "crypto",
}


def channel_group(channel: str | None) -> str:
    """The colour family of a channel: bank, mobile_money, cash, hawala, crypto or other."""
    return CHANNEL_GROUPS.get(channel or "", "other")


@dataclass
class SankeyNode:
    """A box: ``kind`` is ``seed``, ``hop``, an endpoint kind, or ``others``.

    ``number`` is the account's number as stored (IBAN, E.164 MSISDN, local number): what a
    requisition quotes, shown beside the holder's name. ``references`` (endpoints only) are
    the bank's references (``ext_id``) of the transactions that reached the endpoint along the
    listed paths, largest path first, without repeats; ``place`` is where a cash endpoint's
    agent or counter is (its account's ``address`` identifier), when the data says.
    """

    key: str
    column: int
    kind: str
    account_id: str | None
    name: str
    country: str | None
    amount_in: Decimal = Decimal(0)
    amount_out: Decimal = Decimal(0)
    x: float = 0.0
    number: str | None = None
    references: list[str] = field(default_factory=list)
    place: str | None = None
    top: float = 0.0
    height: float = 0.0

    @property
    def amount(self) -> Decimal:
        """What passes through the box (in for endpoints, out for column 0)."""
        return max(self.amount_in, self.amount_out)


@dataclass
class SankeyBand:
    """Money from one box to another through one channel family; ``crossing`` is
    ``(from country, to country)`` when the band crosses a border."""

    source: str
    target: str
    amount: Decimal
    channel: str
    crossing: tuple[str, str] | None
    source_top: float = 0.0
    target_top: float = 0.0
    width: float = 0.0


@dataclass
class SankeyLayout:
    """Boxes and bands in a unit square (x, y in [0, 1], y up), plus the trace's figures."""

    nodes: list[SankeyNode]
    bands: list[SankeyBand]
    columns: int
    currency: str | None
    seed_amount: Decimal
    direction: Direction
    scale: float = 0.0
    by_key: dict[str, SankeyNode] = field(default_factory=dict, repr=False)


def trace_accounts(result: TraceResult) -> set[str]:
    """Every account id a layout of ``result`` may name (for :func:`account_facts`)."""
    ids = {e.account_id for e in result.endpoints if e.account_id}
    for end in result.endpoints:
        for path in end.paths:
            for step in path.steps:
                ids.update(a for a in (step.src_account_id, step.dst_account_id) if a)
    return ids


@dataclass(frozen=True)
class _Hop:
    """One raw band before boxes are merged: (column, account) to (column, account)."""

    source: str
    target: str
    channel: str
    crossing: tuple[str, str] | None


def layout_trace(
    result: TraceResult,
    facts: dict[str, AccountFacts],
    max_nodes: int = MAX_NODES,
    min_share: Decimal = MIN_SHARE,
) -> SankeyLayout:
    """Boxes and bands of ``result`` (see the module docstring); ``facts`` name the accounts."""
    nodes: dict[str, SankeyNode] = {}
    raw: dict[_Hop, Decimal] = defaultdict(Decimal)
    last = max((len(p.steps) for e in result.endpoints for p in e.paths), default=1)
    last = max(last, 1)
    for end in result.endpoints:
        end_key = _endpoint_node(nodes, end, facts, last)
        covered = Decimal(0)
        for path in end.paths:
            covered += path.amount
            _reference(nodes[end_key], path.steps, result.direction)
            for hop in _hops(nodes, path.steps, end, end_key, facts, result.direction):
                raw[hop] += path.amount
        if end.amount > covered:
            _other_paths(nodes)
            raw[_Hop(OTHER_PATHS, end_key, "other", None)] += end.amount - covered
    if result.endpoints_omitted_amount > 0:
        _other_paths(nodes)
        nodes[OTHER_ENDPOINTS] = SankeyNode(OTHER_ENDPOINTS, last, "others", None, "", None)
        raw[_Hop(OTHER_PATHS, OTHER_ENDPOINTS, "other", None)] += result.endpoints_omitted_amount
    for hop, amount in raw.items():
        nodes[hop.source].amount_out += amount
        nodes[hop.target].amount_in += amount
    merged = _merge_small(nodes, max_nodes, min_share, last)
    bands: dict[tuple[str, str, str, tuple[str, str] | None], Decimal] = defaultdict(Decimal)
    for hop, amount in raw.items():
        bands[(merged(hop.source), merged(hop.target), hop.channel, hop.crossing)] += amount
    layout = SankeyLayout(
        nodes=sorted(nodes.values(), key=_stack_order),
        bands=[SankeyBand(s, t, a, c, x) for (s, t, c, x), a in sorted(bands.items(), key=_k)],
        columns=last + 1,
        currency=result.currency,
        seed_amount=result.seed_amount,
        direction=result.direction,
    )
    _place(layout)
    return layout


def _k(item: tuple[tuple[str, str, str, tuple[str, str] | None], Decimal]) -> tuple[str, ...]:
    (s, t, c, x), _ = item
    return (s, t, c, "" if x is None else "→".join(x))


def _hops(
    nodes: dict[str, SankeyNode],
    steps: list[PathStep],
    end: Endpoint,
    end_key: str,
    facts: dict[str, AccountFacts],
    direction: Direction,
) -> Iterator[_Hop]:
    """Raw bands of one path: first account, accounts after each step but the last, endpoint."""
    forward = direction is Direction.FORWARD
    if not forward:  # backward paths list their steps in time order: the seed step is last
        steps = steps[::-1]
    near = [(s.src_account_id if forward else s.dst_account_id) for s in steps]
    far = [(s.dst_account_id if forward else s.src_account_id) for s in steps]
    accounts = [near[0] if steps else end.account_id, *far[:-1]]
    keys = [_hop_node(nodes, col, acc, facts) for col, acc in enumerate(accounts)]
    countries = [_country(acc, facts) for acc in accounts] + [end.country]
    channels = [s.channel for s in steps] or [""]
    targets = [*keys[1:], end_key]
    for i, (source, target) in enumerate(zip(keys, targets, strict=True)):
        a, b = countries[i], countries[i + 1]
        crossing = (a, b) if a and b and a != b else None
        yield _Hop(source, target, channel_group(channels[i]), crossing)


def _reference(node: SankeyNode, steps: list[PathStep], direction: Direction) -> None:
    """Add the bank's reference of the step that reached the endpoint (the last step in
    money's order forward; backward paths list steps in time order, the origin's first)."""
    if not steps:
        return
    step = steps[-1] if direction is Direction.FORWARD else steps[0]
    if step.ext_id and step.ext_id not in node.references:
        node.references.append(step.ext_id)


def _country(account: str | None, facts: dict[str, AccountFacts]) -> str | None:
    found = facts.get(account or "")
    return found.country if found else None


def _hop_node(
    nodes: dict[str, SankeyNode], column: int, account: str | None, facts: dict[str, AccountFacts]
) -> str:
    key = f"{column}|{account or '?'}"
    if key not in nodes:
        found = facts.get(account or "")
        name = found.label if found else (account or "")[:12]  # "": outside the data
        kind = "seed" if column == 0 else "hop"
        nodes[key] = SankeyNode(key, column, kind, account, name, found.country if found else None)
        nodes[key].number = found.number if found else None
    return key


def _endpoint_node(
    nodes: dict[str, SankeyNode], end: Endpoint, facts: dict[str, AccountFacts], column: int
) -> str:
    key = f"end|{end.kind.value}|{end.account_id or ''}"
    if key not in nodes:
        found = facts.get(end.account_id or "")
        name = found.label if found else (end.account_number or "")
        nodes[key] = SankeyNode(key, column, end.kind.value, end.account_id, name, end.country)
        nodes[key].number = (found.number if found else None) or end.account_number
        nodes[key].place = found.place if found else None
    return key


def _other_paths(nodes: dict[str, SankeyNode]) -> None:
    nodes.setdefault(OTHER_PATHS, SankeyNode(OTHER_PATHS, 0, "others", None, "", None))


def _stack_order(node: SankeyNode) -> tuple[int, int, int, Decimal, str]:
    """Column, then endpoints by kind, "others" last, larger boxes first."""
    kind = ENDPOINT_ORDER.index(node.kind) if node.kind in ENDPOINT_ORDER else 0
    return (node.column, kind, node.kind == "others", -node.amount, node.key)


def _merge_small(
    nodes: dict[str, SankeyNode], max_nodes: int, min_share: Decimal, last: int
) -> _Renamer:
    """Per column, merge into one "others" box the boxes beyond the ``max_nodes - 1`` largest
    and those under ``min_share`` of the fullest column (when at least two would merge)."""
    rename: dict[str, str] = {}
    by_column: dict[int, list[SankeyNode]] = defaultdict(list)
    for node in nodes.values():
        by_column[node.column].append(node)
    totals = [sum((n.amount for n in members), Decimal(0)) for members in by_column.values()]
    floor = min_share * max(totals, default=Decimal(0))
    for column, members in by_column.items():
        members.sort(key=lambda n: (n.kind == "others", -n.amount, n.key))
        crowded = len(members) > max_nodes
        keep = max(max_nodes - 1, 1) if crowded else len(members)
        small = [i for i, n in enumerate(members[:keep]) if n.amount < floor or n.kind == "others"]
        cut = min(small, default=keep)
        key = OTHER_ENDPOINTS if column == last else f"{column}|others"
        merging = [n for n in members[cut:] if n.key != key]
        if len(merging) < 2 and not crowded:
            continue
        target = nodes.get(key) or SankeyNode(key, column, "others", None, "", None)
        for node in merging:
            rename[node.key] = key
            target.amount_in += node.amount_in
            target.amount_out += node.amount_out
            del nodes[node.key]
        nodes[key] = target
    return _Renamer(rename)


class _Renamer:
    """Maps a raw box key to the box it was merged into (itself when kept)."""

    def __init__(self, rename: dict[str, str]) -> None:
        self.rename = rename

    def __call__(self, key: str) -> str:
        return self.rename.get(key, key)


def _place(layout: SankeyLayout) -> None:
    """Coordinates: columns evenly spaced, boxes stacked and centred, bands stacked inside
    their boxes in the order of the box at the other end (fewer crossings)."""
    columns: dict[int, list[SankeyNode]] = defaultdict(list)
    for node in layout.nodes:
        columns[node.column].append(node)
        layout.by_key[node.key] = node
    totals = [float(sum(n.amount for n in members)) for members in columns.values()]
    crowded = max(len(members) for members in columns.values()) if columns else 1
    gap = GAPS / max(crowded - 1, 1)
    layout.scale = (1.0 - GAPS) / max(max(totals, default=1.0), 1e-12)
    for column, members in columns.items():
        used = sum(float(n.amount) for n in members) * layout.scale + gap * (len(members) - 1)
        y = 1.0 - (1.0 - used) / 2
        for node in members:
            node.x = column / max(layout.columns - 1, 1)
            node.height = float(node.amount) * layout.scale
            node.top = y
            y -= node.height + gap
    out_next: dict[str, float] = {n.key: n.top for n in layout.nodes}
    in_next = dict(out_next)
    by = layout.by_key
    for band in sorted(layout.bands, key=lambda b: (-by[b.target].top, b.channel)):
        band.width = float(band.amount) * layout.scale
        band.source_top = out_next[band.source]
        out_next[band.source] -= band.width
    for band in sorted(layout.bands, key=lambda b: (-by[b.source].top, b.channel)):
        band.target_top = in_next[band.target]
        in_next[band.target] -= band.width
