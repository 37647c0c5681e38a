"""The investigation report: a case, as a prosecutor or a partner FIU reads it (issue 16).

The package receives plain data (the case's JSON form, the audit entries, the pictures'
bytes, the sources' SHA-256) and never reaches into the case store or a workspace itself:
:mod:`moneytrail.api.report` gathers that data and calls :func:`render_html` /
:func:`write_pdf` here. Jinja2, WeasyPrint and matplotlib are imported on first use only.

Example::

    data = ReportData.from_case(case_json, lang="fr", trail=entries, pictures={3: png})
    pages = write_pdf(data, Path("rapport.pdf"))
"""

from __future__ import annotations

from moneytrail.report.data import ReportData
from moneytrail.report.render import render_html, write_pdf

__all__ = ["ReportData", "render_html", "write_pdf"]
