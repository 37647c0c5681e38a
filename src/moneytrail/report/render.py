"""The report as standalone HTML (Jinja2) and as PDF/A-3b (WeasyPrint).

One template (``templates/report.html.j2``) and one stylesheet (``templates/report.css``, A4,
page numbers, the case reference and CONFIDENTIEL on every page) serve both: the HTML file has
the stylesheet, the charts (inline SVG) and the network pictures (PNG data URIs) inside it, so
it opens anywhere without the workspace; the PDF is that HTML laid out by WeasyPrint, with its
title, author and creation date in the document's metadata and the PDF/A-3b declaration
(archival: fonts embedded, XMP metadata, an sRGB output intent).

Example::

    html = render_html(data)
    pages = write_pdf(data, Path("rapport.pdf"))
"""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.i18n import translate
from moneytrail.report.charts import KIND_COLOURS, sankey_svg, timeline_svg
from moneytrail.report.conventions import day, money, number, percent, when
from moneytrail.report.data import ReportData

if TYPE_CHECKING:
    import jinja2

__all__ = ["PDF_VARIANT", "render_html", "write_pdf"]

PDF_VARIANT = "pdf/a-3b"


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    folder = resources.files("moneytrail.report") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (folder / name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _css() -> str:
    folder = resources.files("moneytrail.report") / "templates"
    return (folder / "report.css").read_text(encoding="utf-8")


def _png_uri(data: bytes | None) -> str | None:
    return None if not data else "data:image/png;base64," + base64.b64encode(data).decode()


def render_html(data: ReportData) -> str:
    """The report as one standalone HTML document."""
    import markupsafe

    lang = data.lang

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    context = {
        "d": data,
        "lang": lang,
        "t": t,
        "money": lambda value, currency=None: money(value, currency, lang),
        "number": lambda value: number(value, lang),
        "when": lambda value: when(value, lang),
        "day": lambda value: day(value, lang),
        "percent": lambda value: percent(value, lang),
        "score": lambda value: f"{value:.2f}".replace(".", "," if lang == "fr" else "."),
        "colour": lambda kind: KIND_COLOURS.get(kind, "#b0b0b0"),
        "png": _png_uri,
        "sankeys": [markupsafe.Markup(sankey_svg(trace, lang)) for trace in data.traces],
        "timeline": _markup(timeline_svg(data.key_transactions, lang)),
        "css": markupsafe.Markup(_css() + _running(data, t)),
        "plain": lambda code: str(code).replace("_", " "),
    }
    return _environment().get_template("report.html.j2").render(context)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line ends escaped)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 0x20 else c for c in text)
    return f'"{escaped}"'


def _running(data: ReportData, t: Any) -> str:
    """The page margins' texts: the case reference, CONFIDENTIEL, who produced it and when."""
    produced = t("report.generated", at=when(data.generated_at, data.lang), by=data.generated_by)
    return (
        "\n@page { @top-left { content: "
        + _css_string(f"{t('report.heading')} {data.ref}")
        + "; } @top-right { content: "
        + _css_string(t("report.confidential"))
        + "; } @bottom-left { content: "
        + _css_string(produced)
        + "; } @bottom-right { content: "
        + _css_string(t("report.page"))
        + ' " " counter(page) " / " counter(pages); } }\n'
    )


def _markup(svg: str | None) -> Any:
    import markupsafe

    return None if svg is None else markupsafe.Markup(svg)


def write_pdf(data: ReportData, target: Path) -> int:
    """Lay the report out as PDF/A-3b into ``target``; the number of pages."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    document = HTML(string=render_html(data), base_url=None).render()
    document.write_pdf(target, pdf_variant=PDF_VARIANT)
    return len(document.pages)
