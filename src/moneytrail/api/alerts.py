"""``ws.alerts``: the alerts of every detector (typology rules, the scoring model), as an
analyst reviews them: list, show one with its explanation and transactions, decide.

An alert's explanation is a sentence in the reader's language (the rule's ``explain`` text
filled with the values that fired, or the model's reasons), so the calls that return alerts
take ``lang``. Deciding is reversible: the decision replaced goes to the alert's history.
Example::

    with Workspace.open("enquete") as ws:
        listed = ws.alerts.list(status="to_review", limit=20, lang="fr")
        for record in listed.interrupted_runs:   # a rule or scoring run killed half-way
            print(record.warning("fr"))
        alert = ws.alerts.show(listed.alerts[0].id, lang="fr")
        alert.text, alert.transaction_list
        ws.alerts.decide(alert.id, "confirmed", "STR 117", by="A. Traoré")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# The part module is imported on first use of ``ws.alerts``, never by ``--help``.
from moneytrail.detect.rules.alerts import Alert

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.detect.rules import Rule
    from moneytrail.detect.rules.alerts import AlertTransaction
    from moneytrail.engine.runs import RunRecord as RunRecord

__all__ = ["ALERT_JOBS", "AlertDetail", "AlertList", "AlertView", "AlertsPart"]

ALERT_JOBS = ("detect", "score")
"""The jobs that write alerts: an interrupted one is reported with the alerts."""


@dataclass(kw_only=True)
class AlertView(Alert):
    """One alert as an analyst reads it: the stored facts (:class:`Alert`'s fields), the
    typology's name and the explanation in the reader's language, and the currency of
    ``amount_reporting``."""

    typology_name: str
    text: str
    currency: str


@dataclass(kw_only=True)
class AlertDetail(AlertView):
    """One alert with its supporting transactions, oldest first (the first 200)."""

    transaction_list: list[AlertTransaction]


@dataclass
class AlertList:
    """Alerts, highest score first (``alerts list``), and the rule or scoring runs found
    interrupted: none of their alerts were kept."""

    alerts: list[AlertView]
    currency: str
    interrupted_runs: list[RunRecord]


class AlertsPart:
    """The alerts of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def list(
        self,
        status: str | None = None,
        limit: int = 50,
        typology: str | None = None,
        detector_kind: str | None = None,
        lang: str = "fr",
    ) -> AlertList:
        """Alerts, highest score first, filtered by status, typology key or detector kind
        (``rule`` | ``model``); an unknown status is a usage error."""
        from moneytrail.detect.rules import load_library
        from moneytrail.detect.rules.alerts import list_alerts
        from moneytrail.engine.runs import interrupted_runs

        engine, currency = self._ws.engine, self._ws.reporting_currency
        found = list_alerts(engine, status, typology, limit, detector_kind)
        library = load_library()
        views = [_view(alert, library, lang, currency) for alert in found]
        return AlertList(views, currency, interrupted_runs(engine, ALERT_JOBS))

    def show(self, alert_id: str, lang: str = "fr") -> AlertDetail:
        """The alert ``alert_id`` (a unique prefix of 6 characters or more is enough), its
        explanation in ``lang`` and its transactions."""
        from moneytrail.detect.rules import load_library
        from moneytrail.detect.rules.alerts import alert_transactions, get_alert

        alert = get_alert(self._ws.engine, alert_id)
        view = _view(alert, load_library(), lang, self._ws.reporting_currency)
        txs = alert_transactions(self._ws.engine, alert.id)
        return AlertDetail(**vars(view), transaction_list=txs)

    def decide(
        self, alert_id: str, status: str, note: str = "", by: str = "", lang: str = "fr"
    ) -> AlertView:
        """Record an analyst's decision (``confirmed``, ``false_positive``, ``escalated``,
        ``to_review``); the decision it replaces goes to the history. ``by`` is required."""
        from moneytrail.detect.rules import load_library
        from moneytrail.detect.rules.alerts import decide

        alert = decide(self._ws.engine, alert_id, status, note, by)
        return _view(alert, load_library(), lang, self._ws.reporting_currency)


def _view(alert: Alert, library: dict[str, Rule], lang: str, currency: str) -> AlertView:
    from moneytrail.detect.rules.alerts import alert_typology_name, explain

    return AlertView(
        **vars(alert),
        typology_name=alert_typology_name(alert, library, lang),
        text=explain(alert, library, lang, currency),
        currency=currency,
    )
