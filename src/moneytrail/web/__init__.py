"""The analysts' workbench in the browser (issue 17, decision 0129).

A face over :mod:`moneytrail.api`, like the CLI: ``create_app(settings)`` builds a FastAPI
application whose pages are rendered on the server (Jinja2, autoescaped) and made lively with
vendored htmx, Cytoscape.js and plotly.js. No SQL here, no engine, no case store: the
import-linter contracts in ``pyproject.toml`` forbid them. ``moneytrail serve`` runs it.
"""

from __future__ import annotations

from moneytrail.web.app import create_app
from moneytrail.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
