"""The report's charts, as SVG text: the Sankey of a frozen trace and the timeline of the key
transactions.

The Sankey is drawn here from the trace's frozen endpoints (the flows package draws one from a
live ``TraceResult``, and this package must not depend on it, nor re-run the trace): one band
from the seed to each endpoint, its width the amount, its colour the endpoint's kind. The
timeline is a matplotlib figure saved as SVG (amounts on a logarithmic axis, one mark per
transaction). Both use DejaVu Sans, the report's font, so Arabic names and the narrow spaces
of French amounts draw.

Example::

    svg = sankey_svg(trace, "fr")      # "<svg ...>...</svg>"
    svg = timeline_svg(transactions, "fr")
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from html import escape

from moneytrail.i18n import translate
from moneytrail.report.conventions import money, parse_time
from moneytrail.report.data import Endpoint, Trace, Transaction

__all__ = ["KIND_COLOURS", "sankey_svg", "timeline_svg"]

KIND_COLOURS = {
    "held": "#4c72b0",
    "cash": "#dd8452",
    "abroad": "#c44e52",
    "exchange": "#8172b3",
    "sanctioned": "#000000",
    "unexplained": "#8c8c8c",
}
_OTHER = "#b0b0b0"
_MAX_BANDS = 8
_WIDTH, _ROW, _GAP, _SCALE_HEIGHT = 680.0, 28.0, 4.0, 220.0


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return value if value.is_finite() and value > 0 else Decimal(0)


def _kind(kind: str, lang: str) -> str:
    key = f"trace.kind.{kind}"
    shown = translate(key, lang)
    return kind if shown.startswith(key) else shown


def _bands(trace: Trace, lang: str) -> list[tuple[str, str, Decimal, str]]:
    """(label, kind label, amount, colour) per band: the largest endpoints, the rest as one."""
    ends = sorted(trace.endpoints, key=lambda e: _amount(e.amount), reverse=True)
    shown: list[Endpoint] = ends[:_MAX_BANDS] if len(ends) <= _MAX_BANDS else ends[: _MAX_BANDS - 1]
    bands = [
        (e.account_number, _kind(e.kind, lang), _amount(e.amount), KIND_COLOURS.get(e.kind, _OTHER))
        for e in shown
    ]
    rest = ends[len(shown) :]
    rest_amount = sum((_amount(e.amount) for e in rest), Decimal(0)) + _amount(trace.omitted_amount)
    if rest_amount > 0:
        label = translate("report.sankey_others", lang, count=len(rest))
        bands.append((label, "", rest_amount, _OTHER))
    return [b for b in bands if b[2] > 0]


def sankey_svg(trace: Trace, lang: str) -> str:
    """The trace as a two-column Sankey: the seed on the left, the endpoints on the right.

    Each endpoint gets a row at least as tall as its two lines of label, so that small
    endpoints never print over each other; the seed's bar is the sum of the bands."""
    bands = _bands(trace, lang)
    total = sum((b[2] for b in bands), Decimal(0)) or Decimal(1)
    scale = _SCALE_HEIGHT
    rows = [max(float(b[2] / total) * scale, 1.5) for b in bands]
    height = sum(max(r, _ROW) + _GAP for r in rows) + 30
    left_x, right_x, bar, top = 150.0, 390.0, 14.0, 15.0
    seed_height = sum(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart sankey" width="{_WIDTH:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {_WIDTH:.0f} {height:.0f}" '
        'font-family="DejaVu Sans" font-size="10">',
        f'<rect x="{left_x - bar:.1f}" y="{top}" width="{bar}" height="{seed_height:.1f}" '
        'fill="#555"/>',
        f'<text x="{left_x - bar - 6:.1f}" y="{top + seed_height / 2:.1f}" text-anchor="end">'
        f'<tspan x="{left_x - bar - 6:.1f}">{escape(translate("report.sankey_seed", lang))}'
        f'</tspan><tspan x="{left_x - bar - 6:.1f}" dy="13">'
        f"{escape(money(trace.seed_amount, trace.currency, lang))}</tspan></text>",
    ]
    y_left, y_right = top, top
    mid = (left_x + right_x) / 2
    for (label, kind, amount, colour), thick in zip(bands, rows, strict=True):
        parts.append(
            f'<path d="M{left_x:.1f},{y_left:.1f} C{mid:.1f},{y_left:.1f} {mid:.1f},{y_right:.1f} '
            f"{right_x:.1f},{y_right:.1f} L{right_x:.1f},{y_right + thick:.1f} "
            f"C{mid:.1f},{y_right + thick:.1f} {mid:.1f},{y_left + thick:.1f} "
            f'{left_x:.1f},{y_left + thick:.1f} Z" fill="{colour}" fill-opacity="0.45"/>'
        )
        parts.append(
            f'<rect x="{right_x:.1f}" y="{y_right:.1f}" width="{bar}" height="{thick:.1f}" '
            f'fill="{colour}"/>'
        )
        text_x, text_y = right_x + bar + 6, y_right + min(thick, _ROW) / 2 - 2
        tail = money(str(amount), trace.currency, lang) + (f" · {kind}" if kind else "")
        parts.append(
            f'<text x="{text_x:.1f}" y="{text_y:.1f}"><tspan font-weight="bold">'
            f'{escape(label)}</tspan><tspan x="{text_x:.1f}" dy="12">{escape(tail)}</tspan></text>'
        )
        y_left += thick
        y_right += max(thick, _ROW) + _GAP
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(transactions: Sequence[Transaction], lang: str) -> str | None:
    """The key transactions against time (one stem per transaction, amounts on a log scale);
    ``None`` when there is nothing dated to draw."""
    points = [
        (when, float(_amount(t.amount)), t)
        for t in transactions
        if (when := parse_time(t.ts)) is not None and _amount(t.amount) > 0
    ]
    if not points:
        return None
    import matplotlib

    style = {"svg.fonttype": "path", "svg.hashsalt": "moneytrail", "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(style):  # type: ignore[arg-type]
        return _draw_timeline(points, lang)


def _draw_timeline(points: list[tuple[datetime, float, Transaction]], lang: str) -> str:
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(7.0, 2.8))
    ax = figure.add_subplot()
    colours = {"cash_withdrawal": "#dd8452", "cash_out": "#dd8452", "wire": "#c44e52"}
    for when, amount, tx in points:
        colour = colours.get(tx.channel, "#4c72b0")
        x = mdates.date2num(when)  # type: ignore[no-untyped-call]
        ax.vlines(x, 1, amount, colors=colour, linewidth=1.2, alpha=0.7)
        ax.plot([x], [amount], "o", color=colour, markersize=4)
    ax.set_yscale("log")
    low = min(p[1] for p in points)
    ax.set_ylim(low / 3, max(p[1] for p in points) * 3)
    currency = points[0][2].currency
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money(f"{v:.0f}", None, lang)))
    ax.set_ylabel(
        translate("report.timeline_axis", lang, currency=currency), fontsize=8, labelpad=8
    )
    first = min(mdates.date2num(p[0]) for p in points)  # type: ignore[no-untyped-call]
    last = max(mdates.date2num(p[0]) for p in points)  # type: ignore[no-untyped-call]
    if last - first < 2:  # a day or two: widen, or the date locator finds no sensible step
        ax.set_xlim(first - 1, last + 1)
    locator = mdates.AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    pattern = "%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"
    ax.xaxis.set_major_formatter(mdates.DateFormatter(pattern))  # type: ignore[no-untyped-call]
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", linewidth=0.3, alpha=0.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Over a few days matplotlib's date locator warns that it falls back to its own step
        # (when laying out and when drawing); the axis it draws is right, and the warning
        # would reach the analyst's terminal.
        warnings.filterwarnings("ignore", "AutoDateLocator was unable", UserWarning)
        figure.tight_layout()
        figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]
