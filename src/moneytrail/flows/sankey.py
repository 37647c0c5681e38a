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
BOX_WIDTH = 0.012
SMALL_BOX = 0.04  # boxes lower than this (share of the height) get a one-line label
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
        for node in layout.nodes:
            _draw_node(ax, layout, node, lang)
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


def _draw_node(ax: Axes, layout: SankeyLayout, node: SankeyNode, lang: str) -> None:
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
    label = node_label(node, layout, lang)
    if node.height < SMALL_BOX:
        label = label.replace("\n", " — ")
    ax.text(
        node.x + (-1 if first else 1) * BOX_WIDTH,
        node.top - node.height / 2,
        label,
        fontsize=7.5,
        ha="right" if first else "left",
        va="center",
        zorder=4,
    )


def node_label(node: SankeyNode, layout: SankeyLayout, lang: str) -> str:
    """What a box says: endpoint kind (last column), name (shaped) and country, amount and
    currency."""
    money = f"{format_amount(node.amount, lang)} {layout.currency or ''}".strip()
    if node.kind == "others":
        key = "flows.sankey_other_paths" if node.key == OTHER_PATHS else "flows.others"
        name = translate(key, lang)
        return f"{name}\n{money}"
    name = shape_label(node.name)
    where = f"{name} ({node.country})" if node.country else name
    if node.column == layout.columns - 1:
        kind = translate(f"trace.kind.{node.kind}", lang)
        return f"{kind}: {where}\n{money}" if where else f"{kind}\n{money}"
    return f"{where or translate('flows.outside', lang)}\n{money}"


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
    if present:
        ax.legend(loc="lower left", fontsize=8, frameon=False)
