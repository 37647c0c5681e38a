"""Alerts as an analyst sees them: list, show with their explanation, decide.

One table (``alerts``) holds the findings of every detector: typology rules
(``detector_kind = 'rule'``) and the scoring model (``'model'``). This module reads it for both
and renders the explanation in French or English: for a rule, its ``explain`` sentence filled
with the values that fired; for a model alert, sentences built from its stored explanation
(:mod:`moneytrail.detect.model_text`); for anything else, ``name = value`` pairs.

Deciding is reversible: a new decision replaces ``status``, ``analyst_note``, ``decided_by`` and
``decided_at``, and the decision it replaces is appended to ``explanation.history`` (a re-run of
the rules keeps that history), so no judgement is ever lost.

>>> STATUSES
('to_review', 'confirmed', 'false_positive', 'escalated')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from moneytrail.detect.model_text import model_sentence
from moneytrail.detect.rules.spec import Rule
from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError

STATUSES = ("to_review", "confirmed", "false_positive", "escalated")
SHOWN_TRANSACTIONS = 200


@dataclass
class Alert:
    """One alert row, its explanation parsed."""

    id: str
    detector: str
    detector_kind: str
    detector_version: str
    typology: str
    subject_kind: str
    subject_id: str
    subject_label: str | None
    window_start: datetime | None
    window_end: datetime | None
    score: float
    amount_reporting: Decimal | None
    transactions: int
    status: str
    analyst_note: str | None
    decided_by: str | None
    decided_at: datetime | None
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass
class AlertTransaction:
    """A supporting transaction, as listed under an alert."""

    id: str
    ts: datetime
    src: str | None
    dst: str | None
    amount: Decimal
    currency: str
    amount_reporting: Decimal | None
    channel: str
    source_id: str
    source_row: int | None


# The subject's label: an account's number (else name), a party's name, and for a transaction
# (model alerts) "payer -> payee" by account number ("-" for a side outside the data, e.g. cash).
# The alerts are picked first (``{picked}``: filters, order, limit), then labelled: joining the
# transactions table for every alert scanned all of it (no index on ids) for each list, 0.1 s
# at a million transactions; transaction subjects are labelled by one query for those alerts.
_SELECT = (
    "WITH picked AS (SELECT * FROM alerts a {picked})"
    " SELECT a.id, a.detector, a.detector_kind, a.detector_version, a.typology, a.subject_kind,"
    " a.subject_id, coalesce(acc.number, acc.name, p.name), a.window_start, a.window_end,"
    " a.score, a.amount_reporting, len(a.transaction_ids), a.status, a.analyst_note,"
    " a.decided_by, a.decided_at, CAST(a.explanation AS VARCHAR) FROM picked a"
    " LEFT JOIN accounts acc ON a.subject_kind = 'account' AND acc.id = a.subject_id"
    " LEFT JOIN parties p ON a.subject_kind = 'party' AND p.id = a.subject_id"
    " {order}"
)
_ORDER = "ORDER BY a.score DESC, a.amount_reporting DESC NULLS LAST, a.window_end DESC, a.id"
_TRANSACTION_LABELS = (
    "SELECT t.id, coalesce(sa.number, sa.name, '-') || ' → ' || coalesce(da.number, da.name, '-')"
    " FROM transactions t LEFT JOIN accounts sa ON sa.id = t.src_account_id"
    " LEFT JOIN accounts da ON da.id = t.dst_account_id WHERE list_contains(?, t.id)"
)


def _labelled(engine: Engine, alerts: list[Alert]) -> list[Alert]:
    """Give the alerts about one transaction their "payer → payee" label."""
    wanted = [a.subject_id for a in alerts if a.subject_kind == "transaction"]
    if wanted:
        labels = dict(engine.fetchall(_TRANSACTION_LABELS, [wanted]))
        for alert in alerts:
            if alert.subject_kind == "transaction":
                alert.subject_label = labels.get(alert.subject_id)
    return alerts


def _alert(row: tuple[Any, ...]) -> Alert:
    *head, explanation = row
    alert = Alert(*head)
    alert.score = float(alert.score)
    # DuckDB writes DECIMAL values of the JSON as numbers: read them back as Decimal, never
    # float (the exact evidence amount is the DECIMAL column amount_reporting anyway).
    alert.explanation = json.loads(explanation, parse_float=Decimal) if explanation else {}
    return alert


def list_alerts(
    engine: Engine,
    status: str | None = None,
    typology: str | None = None,
    limit: int = 50,
    detector_kind: str | None = None,
) -> list[Alert]:
    """Alerts, highest score first (then the most recent window), optionally filtered."""
    if status is not None and status not in STATUSES:
        raise UsageError("error.alert_bad_status", value=status, known=", ".join(STATUSES))
    picked = (
        "WHERE (? IS NULL OR a.status = ?) AND (? IS NULL OR a.typology = ?)"
        f" AND (? IS NULL OR a.detector_kind = ?) {_ORDER} LIMIT ?"
    )
    rows = engine.fetchall(
        _SELECT.format(picked=picked, order=_ORDER),
        [status, status, typology, typology, detector_kind, detector_kind, max(0, limit)],
    )
    return _labelled(engine, [_alert(r) for r in rows])


def get_alert(engine: Engine, alert_id: str) -> Alert:
    """The alert ``alert_id`` (a unique prefix of at least 6 characters is enough)."""
    picked = "WHERE a.id = ? OR (length(?) >= 6 AND starts_with(a.id, ?)) LIMIT 2"
    rows = engine.fetchall(_SELECT.format(picked=picked, order=""), [alert_id, alert_id, alert_id])
    exact = [r for r in rows if r[0] == alert_id]
    if exact:
        return _labelled(engine, [_alert(exact[0])])[0]
    if len(rows) != 1:
        raise UsageError("error.alert_unknown", id=alert_id)
    return _labelled(engine, [_alert(rows[0])])[0]


def alert_transactions(
    engine: Engine, alert_id: str, limit: int = SHOWN_TRANSACTIONS
) -> list[AlertTransaction]:
    """The supporting transactions of an alert, oldest first, with their provenance."""
    rows = engine.fetchall(
        "SELECT t.id, t.ts, coalesce(s.number, s.name, t.src_account_id),"
        " coalesce(d.number, d.name, t.dst_account_id), t.amount, t.currency,"
        " t.amount_reporting, t.channel, t.source_id, t.source_row"
        " FROM (SELECT unnest(transaction_ids) AS tid FROM alerts WHERE id = ?) x"
        " JOIN transactions t ON t.id = x.tid"
        " LEFT JOIN accounts s ON s.id = t.src_account_id"
        " LEFT JOIN accounts d ON d.id = t.dst_account_id"
        " ORDER BY t.ts, t.id LIMIT ?",
        [alert_id, limit],
    )
    return [AlertTransaction(*r) for r in rows]


def decide(engine: Engine, alert_id: str, status: str, note: str, by: str) -> Alert:
    """Record an analyst's decision on an alert; the previous one goes to the history."""
    if status not in STATUSES:
        raise UsageError("error.alert_bad_status", value=status, known=", ".join(STATUSES))
    if not by.strip():
        raise UsageError("error.alert_no_analyst")
    alert = get_alert(engine, alert_id)
    history = list(alert.explanation.get("history") or [])
    if alert.decided_at is not None or alert.status != "to_review":
        history.append(
            {
                "status": alert.status,
                "note": alert.analyst_note,
                "by": alert.decided_by,
                "at": alert.decided_at.isoformat(sep=" ", timespec="seconds")
                if alert.decided_at
                else None,
            }
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    # Only the history is written from Python (plain strings); the evidence stays as the engine
    # wrote it, so no amount goes through a float.
    engine.execute(
        "UPDATE alerts SET status = ?, analyst_note = ?, decided_by = ?, decided_at = ?,"
        " explanation = json_merge_patch(explanation, json_object('history', json(?)))"
        " WHERE id = ?",
        [status, note, by.strip(), now, json.dumps(history, ensure_ascii=False), alert.id],
    )
    return get_alert(engine, alert.id)


def typology_name(typology: str, rules: dict[str, Rule], lang: str) -> str:
    """The typology's name in ``lang`` from the rule library; the key when no rule names it."""
    for rule in rules.values():
        if rule.typology == typology:
            return rule.typology_name.get(lang)
    return typology


def alert_typology_name(alert: Alert, rules: dict[str, Rule], lang: str) -> str:
    """The alert's typology in ``lang``: the title its detector stored (model alerts carry
    ``typology_title`` in both languages), else the rule library's name, else the key."""
    titles = alert.explanation.get("typology_title")
    if isinstance(titles, dict) and isinstance(titles.get(lang), str):
        return str(titles[lang])
    return typology_name(alert.typology, rules, lang)


def explain(alert: Alert, rules: dict[str, Rule], lang: str, currency: str = "XOF") -> str:
    """The alert's explanation as one sentence in ``lang``.

    For a rule alert, the rule's ``explain`` text filled with the parameters and the values
    that fired (amounts written with thin spaces: ``9 600 000``); for a model alert, the
    sentences of :func:`moneytrail.detect.model_text.model_sentence`; otherwise (a rule no longer
    in the library) the explanation's own values as ``name = value`` pairs.
    """
    rule = rules.get(alert.detector) if alert.detector_kind == "rule" else None
    fired = alert.explanation.get("fired") or {}
    values = {**(alert.explanation.get("parameters") or {}), **fired}
    if rule is not None:
        shown = {k: _show(v) for k, v in values.items()} | {"currency": currency}
        for name, param in rule.parameters.items():
            if param.type == "duration" and isinstance(values.get(name), str):
                shown[name] = _duration(values[name], lang)
        try:
            return rule.explain.get(lang).format(**shown)
        except (KeyError, IndexError, ValueError):
            pass
    sentence = model_sentence(alert.explanation, lang) if alert.detector_kind == "model" else None
    if sentence is not None:
        return sentence
    flat = {k: v for k, v in alert.explanation.items() if k != "history"}
    return "; ".join(f"{k} = {_show(v)}" for k, v in flat.items())


def _duration(text: str, lang: str) -> str:
    """``"7d"`` -> ``"7 jours"`` / ``"7 days"``; hours and minutes keep a short unit."""
    number, unit = text[:-1], text[-1:]
    if unit == "d":
        return f"{number} jour(s)" if lang == "fr" else f"{number} day(s)"
    return f"{number} {'min' if unit == 'm' else unit}"


def _show(value: Any) -> str:
    """A value as a reader expects it: whole numbers with thin-space thousands, lists joined."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | Decimal) or (isinstance(value, float) and value.is_integer()):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return f"{int(number):,}".replace(",", "\u202f")
        return str(number.normalize())
    if isinstance(value, str):
        try:
            return _show(Decimal(value)) if value.strip() and value[0].isdigit() else value
        except ArithmeticError:
            return value
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
