"""Rendering a page: the template, the caller, their language, and the helpers templates use.

Templates are autoescaped (Jinja2's HTML escaping, on for every ``.html``): a party named
``<script>…`` is shown as text. Amounts and dates follow the reader's conventions (``1 250 000``
and ``06/12/2026`` in French) through Babel, as in the investigation report.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from moneytrail.api import translate
from moneytrail.web.security import lang_of, session_of

if TYPE_CHECKING:
    from moneytrail.web.security import Caller

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def make_templates() -> Jinja2Templates:
    """The package's templates, autoescaped, with the formatting filters."""
    folder = resources.files("moneytrail.web") / "templates"
    templates = Jinja2Templates(directory=str(folder))
    env = templates.env
    env.autoescape = True
    env.filters["amount"] = format_amount
    env.filters["when"] = format_when
    env.filters["day"] = format_day
    env.filters["label"] = label
    return templates


def format_amount(value: Decimal | float | int | str | None, lang: str = "fr") -> str:
    """``1 250 000,50`` in French, ``1,250,000.50`` in English; empty for none."""
    if value is None or value == "":
        return ""
    from babel.numbers import format_decimal

    number = Decimal(str(value))
    return str(format_decimal(number, format="#,##0.##", locale=_LOCALES.get(lang, "fr_FR")))


def format_when(value: datetime | str | None, lang: str = "fr") -> str:
    """A time to the minute: ``06/12/2026 13:45`` (fr), ``2026-12-06 13:45`` (en)."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def format_day(value: date | datetime | str | None, lang: str = "fr") -> str:
    """A day: ``06/12/2026`` (fr), ``2026-12-06`` (en)."""
    if value is None or value == "":
        return ""
    moment = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return moment.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")


def label(value: str | None, family: str, lang: str = "fr") -> str:
    """The reader's word for a code (``mobile_money`` -> « mobile money »): the catalogue's
    ``family + value``; the code itself when the catalogue has no word for it."""
    if not value:
        return ""
    key = family + value
    text = translate(key, lang)
    return value if text == key else text


def render(
    request: Request,
    name: str,
    caller: Caller | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """``name`` rendered for ``caller`` (or an anonymous visitor) in their language."""
    from moneytrail.web.state import web_state

    lang = caller.lang if caller else lang_of(request)
    session = caller.session if caller else session_of(request)

    def t(key: str, **params: Any) -> str:
        return translate(key, lang, **params)

    base = {
        "lang": lang,
        "t": t,
        "caller": caller,
        "csrf": session.csrf if session else "",
        "path": request.url.path,
        "query": request.url.query,
    }
    templates = web_state(request).templates
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code)
    return response
