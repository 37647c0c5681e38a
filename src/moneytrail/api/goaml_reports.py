"""``ws.goaml``: the goAML reports a workspace has read, searchable by indicator, text and code.

Each ``<report>`` of an ingested goAML file keeps its report-level facts in ``goaml_reports``
(migration 0008): report code, reference, submission date, reason, action, indicators and the
ids of its transactions. Example::

    with Workspace.open("enquete") as ws:
        for report in ws.goaml.reports(indicator="SPT", text="hawala"):
            print(report.entity_reference, report.indicators, len(report.transaction_ids))

Text search is case- and accent-insensitive over the reason, the action and the references
(reports are few: thousands, not millions, so the filter runs on the rows, the same on every
engine).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace

__all__ = ["GoamlPart", "GoamlReport", "GoamlReportList"]


@dataclass(frozen=True)
class GoamlReport:
    """One goAML report as read: its facts and where it came from."""

    id: str
    report_code: str
    entity_reference: str
    rentity_id: str
    rentity_branch: str | None
    fiu_ref_number: str | None
    submission_code: str | None
    submission_date: datetime | None
    currency_local: str | None
    reason: str | None
    action: str | None
    indicators: list[str]
    transaction_ids: list[str]
    profile: str
    source_id: str
    source_row: int | None
    member: str | None


@dataclass
class GoamlReportList:
    """What ``goaml reports`` found, with the filters it was given."""

    reports: list[GoamlReport]
    indicator: str | None = None
    text: str | None = None
    code: str | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]  # iterating yields the reports
        return iter(self.reports)

    def __len__(self) -> int:
        return len(self.reports)


_COLUMNS = (
    "id, report_code, entity_reference, rentity_id, rentity_branch, fiu_ref_number,"
    " submission_code, submission_date, currency_local, reason, action, indicators,"
    " transaction_ids, profile, source_id, source_row, member"
)


def _fold(value: str) -> str:
    """Case- and accent-free form for searching: ``_fold("Dépôt") == "depot"``."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class GoamlPart:
    """goAML reports of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def reports(
        self, indicator: str | None = None, text: str | None = None, code: str | None = None
    ) -> GoamlReportList:
        """Reports with indicator ``indicator`` (a code, any case), whose reason, action or
        references contain ``text``, of report code ``code`` (STR, SAR...); all when unset.
        Newest submission first."""
        sql = f"SELECT {_COLUMNS} FROM goaml_reports"  # noqa: S608 - fixed column list
        params: list[object] = []
        if code:
            sql += " WHERE upper(report_code) = ?"
            params.append(code.strip().upper())
        sql += " ORDER BY submission_date DESC NULLS LAST, entity_reference"
        rows = self._ws.engine.fetchall(sql, params)
        found = [_report(row) for row in rows]
        if indicator:
            wanted = indicator.strip().upper()
            found = [r for r in found if wanted in (i.upper() for i in r.indicators)]
        if text:
            needle = _fold(text.strip())
            found = [r for r in found if needle in _fold(_searchable(r))]
        return GoamlReportList(found, indicator, text, code)


def _report(row: tuple[object, ...]) -> GoamlReport:
    fields = list(row)
    fields[11] = list(fields[11] or [])  # type: ignore[call-overload]
    fields[12] = list(fields[12] or [])  # type: ignore[call-overload]
    return GoamlReport(*fields)  # type: ignore[arg-type]


def _searchable(report: GoamlReport) -> str:
    parts = (report.reason, report.action, report.entity_reference, report.fiu_ref_number)
    return "\n".join(p for p in parts if p)
