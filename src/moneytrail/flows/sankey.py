"""Draw a trace as a Sankey diagram (PNG or SVG) ready for a report.

Why: "where did the ransom go?" is answered in one picture: the seed on the left, the accounts
it went through in columns, the endpoints on the right, band widths proportional to the
amounts, colours saying the channel (bank, mobile money, cash, hawala) and red dashed edges the
border crossings. Boxes and bands come from :func:`~moneytrail.flows.sankey_layout.layout_trace`
(pure, tested for conservation); this module only paints them.

Assumptions:

- a bare matplotlib ``Figure`` (Agg canvas): no pyplot state, no display;
- bands are cubic Bézier ribbons between the boxes' edges; labels show the holder's name (Arabic
  shaped), the country and the amount grouped the French or English way, with the currency;
- the SVG carries no date and fixed element ids (``svg.hashsalt``), so the same trace gives
  the same file; the PNG carries no software/date stamp;
- a box says the account number beside the holder's name, and an endpoint the bank's
  references (``ext_id``) of the transactions that reached it (the first
  :data:`MAX_REFERENCES`, then "+N"): what a requisition to the bank quotes;
- labels of bands are drawn only for border crossings, on bands not too thin to hold them,
  and only up to :data:`MAX_MARKS` (the dashed red edge marks every crossing).

Example::

    write_trace_sankey(ws.engine, result, Path("sankey.svg"), lang="fr")
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError
from moneytrail.files.outputs import ProtectedPaths, atomic_output
from moneytrail.flows.sankey_layout import (
    MAX_NODES,
    OTHER_PATHS,
    SankeyBand,
    SankeyLayout,
    SankeyNode,
    layout_trace,
    trace_accounts,
)
from moneytrail.flows.subjects import account_facts
from moneytrail.i18n import translate
from moneytrail.model.display import format_amount, shape_label
from moneytrail.trace.model import TraceResult

FONT = "DejaVu Sans"
MAX_MARKS = 40
MAX_REFERENCES = 2  # bank references written on an endpoint's box; the JSON has them all
BOX_WIDTH = 0.012
SMALL_BOX = 0.04  # bands thinner than half this (share of the height) carry no border mark
FONT_SIZE = 7.5
LINE_SPACING = 1.2
CHAR_WIDTH = 0.6  # average width of a DejaVu Sans character, in ems
CHANNEL_COLOURS = {
    "bank": "#1f77b4",
    "mobile_money": "#ff7f0e",
    "cash": "#2ca02c",
    "hawala": "#9467bd",
    "crypto": "#8c564b",
    "other": "#9e9e9e",
}
BORDER_COLOUR = "#d62728"
NODE_COLOUR = "#37474f"


def write_trace_sankey(
    engine: Engine,
    result: TraceResult,
    out: Path,
    lang: str,
    title: str | None = None,
    max_nodes: int = MAX_NODES,
    protected: ProtectedPaths | None = None,
) -> SankeyLayout:
    """Lay out ``result`` (names from the workspace) and draw it to ``out``; the layout back.

    The picture is written atomically and never over a ``protected`` path (the workspace).
    """
    if out.suffix.lower() not in (".png", ".svg"):
        raise UsageError("error.flows_bad_picture", path=str(out))
    layout = layout_trace(result, account_facts(engine, trace_accounts(result)), max_nodes)
    if title is None:
        title = translate(
            "flows.sankey_title",
            lang,
            direction=translate(f"trace.direction.{result.direction.value}", lang),
            policy=result.policy.value,
            amount=format_amount(result.seed_amount, lang),
            currency=result.currency or "",
        )
    draw_sankey(layout, out, title, lang, protected)
    return layout


def draw_sankey(
    layout: SankeyLayout,
    out: Path,
    title: str,
    lang: str,
    protected: ProtectedPaths | None = None,
) -> None:
    """Paint ``layout`` to ``out`` (.png or .svg), atomically, never over a protected path."""
    fmt = out.suffix.lower()[1:]
    if fmt not in ("png", "svg"):
        raise UsageError("error.flows_bad_picture", path=str(out))
    per_column = [sum(n.column == c for n in layout.nodes) for c in range(layout.columns)]
    crowded = max(per_column, default=1)
    width = min(6.0 + 2.4 * layout.columns, 24.0)
    height = min(4.5 + 0.45 * crowded, 16.0)
    with matplotlib.rc_context({"svg.hashsalt": "moneytrail", "font.family": FONT}):
        fig = Figure(figsize=(width, height), dpi=110)
        ax = fig.subplots()
        marks = 0
        for band in layout.bands:
            marks += _draw_band(ax, layout, band, lang, marks < MAX_MARKS)
        room = label_room(layout, height)
        # characters a label of an inner column may take before it reaches the next column
        # (the axes take about 80 % of the width and show 1.65 units of x)
        gap = width * 0.8 / 1.65 / max(layout.columns - 1, 1) - 2 * BOX_WIDTH
        fits = int(gap * 72 / (FONT_SIZE * CHAR_WIDTH))
        for node in layout.nodes:
            _draw_node(ax, layout, node, lang, room[node.key], fits)
        _legend(ax, layout, lang)
        ax.set_title(shape_label(title), fontsize=12)
        ax.set_xlim(-0.3, 1.35)
        ax.set_ylim(-0.04, 1.04)
        ax.set_axis_off()
        fig.tight_layout()
        metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {"Software": None}
        with atomic_output(out, protected) as part:
            fig.savefig(part, format=fmt, metadata=metadata)


def _draw_band(ax: Axes, layout: SankeyLayout, band: SankeyBand, lang: str, mark: bool) -> int:
    """One ribbon; a border crossing gets a red dashed edge and, if ``mark``, "ML → NE"."""
    src, dst = layout.by_key[band.source], layout.by_key[band.target]
    x0, x1 = src.x + BOX_WIDTH / 2, dst.x - BOX_WIDTH / 2
    mid = (x0 + x1) / 2
    t0, t1 = band.source_top, band.target_top
    b0, b1 = t0 - band.width, t1 - band.width
    vertices = [
        (x0, t0), (mid, t0), (mid, t1), (x1, t1),
        (x1, b1), (mid, b1), (mid, b0), (x0, b0), (x0, t0),
    ]  # fmt: skip
    c, line = MplPath.CURVE4, MplPath.LINETO
    codes = [MplPath.MOVETO, c, c, c, line, c, c, c, MplPath.CLOSEPOLY]
    crossing = band.crossing is not None
    ax.add_patch(
        PathPatch(
            MplPath(vertices, codes),
            facecolor=CHANNEL_COLOURS.get(band.channel, CHANNEL_COLOURS["other"]),
            alpha=0.55,
            edgecolor=BORDER_COLOUR if crossing else "none",
            linestyle="--",
            linewidth=1.2 if crossing else 0,
            zorder=1,
        )
    )
    if not (crossing and mark and band.crossing and band.width >= SMALL_BOX / 2):
        return 0
    ax.text(
        mid,
        (t0 + t1 - band.width) / 2,
        f"{band.crossing[0]} → {band.crossing[1]}",
        fontsize=7,
        color=BORDER_COLOUR,
        ha="center",
        va="center",
        zorder=4,
    )
    return 1


def label_room(layout: SankeyLayout, height: float) -> dict[str, int]:
    """Lines of text each box's label may take without reaching its neighbours' labels.

    A label is centred on its box; two neighbours ``d`` apart (centre to centre) never overlap
    when each takes at most ``d`` / line height lines, so each box gets the lines that fit the
    distance to its nearest neighbour in the column (at least one). ``height`` is the figure's
    height in inches; the axes take about 85 % of it and show 1.08 units of y.
    """
    line = FONT_SIZE * LINE_SPACING / 72 / (height * 0.85 / 1.08)
    centres: dict[int, list[tuple[float, str]]] = {}
    for node in layout.nodes:
        centres.setdefault(node.column, []).append((node.top - node.height / 2, node.key))
    room: dict[str, int] = {}
    for column in centres.values():
        column.sort()
        for i, (y, key) in enumerate(column):
            near = [abs(y - other) for other, _ in column[max(i - 1, 0) : i + 2] if other != y]
            room[key] = max(1, int(min(near, default=1.0) / line))
    return room


def fit_lines(label: str, lines: int) -> str:
    """``label`` in at most ``lines`` lines: the first lines kept, the rest joined by " — "
    on the last one (one line: everything joined)."""
    parts = [part for part in label.split("\n") if part.strip()]  # no " — " before nothing
    if len(parts) <= lines:
        return "\n".join(parts)
    keep = max(lines - 1, 0)
    return "\n".join([*parts[:keep], " — ".join(parts[keep:])])


def _draw_node(
    ax: Axes, layout: SankeyLayout, node: SankeyNode, lang: str, room: int, fits: int
) -> None:
    """A dark box and its label: left of column 0, right of the others."""
    ax.add_patch(
        Rectangle(
            (node.x - BOX_WIDTH / 2, node.top - node.height),
            BOX_WIDTH,
            max(node.height, 0.002),
            facecolor=NODE_COLOUR,
            edgecolor="none",
            zorder=3,
        )
    )
    first = node.column == 0
    # a label takes the lines its neighbours leave it (see label_room); when squeezed to one
    # line it names one bank reference only, so that it stays short
    label = fit_lines(node_label(node, layout, lang, MAX_REFERENCES if room > 1 else 1), room)
    inner = 0 < node.column < layout.columns - 1
    if inner and max(len(line) for line in label.split("\n")) > fits:
        # too wide to end before the next column: the number gives way (it is on the
        # account's other boxes and in the trace's JSON and table)
        label = fit_lines(node_label(node, layout, lang, numbers=False), room)
    ax.text(
        node.x + (-1 if first else 1) * BOX_WIDTH,
        node.top - node.height / 2,
        label,
        fontsize=FONT_SIZE,
        linespacing=LINE_SPACING,
        ha="right" if first else "left",
        va="center",
        zorder=4,
    )


def node_label(
    node: SankeyNode,
    layout: SankeyLayout,
    lang: str,
    max_references: int | None = None,
    numbers: bool = True,
) -> str:
    """What a box says: endpoint kind (last column), name (shaped) and country; the account
    number when the name is not already it, and where a cash endpoint's agent is; for an
    endpoint, the bank's references of the transactions that reached it (at most
    :data:`MAX_REFERENCES`, then "+N"); amount and currency."""
    money = f"{format_amount(node.amount, lang)} {layout.currency or ''}".strip()
    if node.kind == "others":
        key = "flows.sankey_other_paths" if node.key == OTHER_PATHS else "flows.others"
        name = translate(key, lang)
        return f"{name}\n{money}"
    name = shape_label(node.name)
    where = f"{name} ({node.country})" if node.country else name
    lines = [where]
    number = node.number if numbers and node.number and node.number != node.name else None
    place = translate("flows.sankey_place", lang, place=node.place) if node.place else None
    if number or place:
        lines.append(" · ".join(x for x in (number, place) if x))
    if node.column == layout.columns - 1:
        kind = translate(f"trace.kind.{node.kind}", lang)
        lines[0] = f"{kind}: {where}" if where else kind
        if node.references:
            lines.append(_references(node.references, lang, max_references or MAX_REFERENCES))
    elif not where:
        lines[0] = translate("flows.outside", lang)
    return "\n".join([*lines, money])


def _references(references: list[str], lang: str, at_most: int) -> str:
    """``réf. OM1, OM2 +3 autre(s)``: the first references, then how many more."""
    shown = ", ".join(references[:at_most])
    more = len(references) - at_most
    if more > 0:
        shown = translate("flows.sankey_more_references", lang, references=shown, more=more)
    return translate("flows.sankey_references", lang, references=shown)


def _legend(ax: Axes, layout: SankeyLayout, lang: str) -> None:
    """Channel colours present, plus the border mark when a band crosses one."""
    present = sorted({b.channel for b in layout.bands}, key=list(CHANNEL_COLOURS).index)
    for channel in present:
        ax.add_patch(
            Rectangle(
                (0, 0), 0, 0, facecolor=CHANNEL_COLOURS[channel], alpha=0.55,
                label=translate(f"flows.channel.{channel}", lang),
            )
        )  # fmt: skip
    if any(b.crossing for b in layout.bands):
        ax.add_patch(
            Rectangle(
                (0, 0), 0, 0, facecolor="none", edgecolor=BORDER_COLOUR, linestyle="--",
                label=translate("flows.sankey_border", lang),
            )
        )  # fmt: skip
    if present:  # below the picture: inside, it covered the labels of the lowest boxes
        ax.legend(
            loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=len(present) + 1,
            fontsize=8, frameon=False,
        )  # fmt: skip
