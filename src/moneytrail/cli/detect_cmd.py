"""``moneytrail detect`` and ``moneytrail alerts``: run typology rules, review their alerts.

A thin face over :mod:`moneytrail.detect.rules`. Examples::

    moneytrail detect rules list
    moneytrail detect run -w case1 --only structuring,fan_in --param structuring.threshold=3000000
    moneytrail detect quality -w synth-ws          # against the labels of a synthetic scenario
    moneytrail alerts list -w case1 --status to_review --limit 20 --json
    moneytrail alerts show -w case1 3f2a9c
    moneytrail alerts decide -w case1 3f2a9c --status confirmed --note "STR 117" --by "A. Traoré"

``alerts`` shows every alert of the workspace, whether a rule or the scoring model raised it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from moneytrail.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    print_json,
    progress_bars,
    state,
    tr,
    workspace_path,
)
from moneytrail.detect.rules import RuleRunResult, load_library, parse_overrides, select
from moneytrail.detect.rules.alerts import (
    Alert,
    alert_transactions,
    alert_typology_name,
    decide,
    explain,
    get_alert,
    list_alerts,
)
from moneytrail.workspace import Workspace

detect_app = typer.Typer(help="Typology detection / détection de typologies.", no_args_is_help=True)
rules_app = typer.Typer(help="The rule library / la bibliothèque de règles.", no_args_is_help=True)
alerts_app = typer.Typer(help="Review alerts / examiner les alertes.", no_args_is_help=True)
detect_app.add_typer(rules_app, name="rules")

RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules", help="Folder of extra rule files (repeatable)")
]


def register(app: typer.Typer) -> None:
    """Attach ``detect`` and ``alerts`` to ``app``."""
    app.add_typer(detect_app, name="detect")
    app.add_typer(alerts_app, name="alerts")


@rules_app.command("list")
def rules_list(rules: RulesOpt = None, json_out: JsonOpt = False) -> None:
    """Rules of the library / règles de la bibliothèque."""
    library = load_library(rules or ())
    if json_out:
        print_json(
            [
                {
                    "id": r.id,
                    "version": r.version,
                    "typology": r.typology,
                    "typology_name": r.typology_name.get(state.lang),
                    "title": r.title.get(state.lang),
                    "subject": r.subject,
                    "source": r.source,
                    "parameters": {k: p.default for k, p in r.parameters.items()},
                    "references": [ref.model_dump() for ref in r.references],
                }
                for r in library.values()
            ]
        )
        return
    table = Table(title=tr("detect.rules_title", count=len(library)))
    for key in ("detect.col_rule", "detect.col_typology", "detect.col_title"):
        table.add_column(tr(key))
    for r in library.values():
        table.add_row(r.id, r.typology_name.get(state.lang), r.title.get(state.lang))
    console.print(table)


@detect_app.command("run")
def run_command(
    workspace: WorkspaceOpt = None,
    rules: RulesOpt = None,
    only: Annotated[
        str | None, typer.Option("--only", help="Comma-separated rule ids (default: all)")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="rule.parameter=value (repeatable)")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Run typology rules and store alerts / exécuter les règles."""
    library = load_library(rules or ())
    chosen = select(library, [s.strip() for s in (only or "").split(",") if s.strip()])
    overrides = parse_overrides(param or [], library)
    with Workspace.open(workspace_path(workspace)) as ws, progress_bars(not json_out) as bars:
        result = ws.detect(chosen, overrides, bars)
    if json_out:
        print_json(_run_json(result))
    else:
        show_run(result)


@detect_app.command("quality")
def quality_command(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Rule alerts against ground-truth labels / qualité des règles (vérité terrain)."""
    from moneytrail.detect.rules.quality import quality_markdown, rule_quality

    with Workspace.open(workspace_path(workspace)) as ws:
        rows = rule_quality(ws.engine)
    if json_out:
        print_json(rows)
    else:
        console.print(quality_markdown(rows))


def _run_json(result: RuleRunResult) -> dict[str, Any]:
    return {
        "rules": result.rules,
        "hits": result.hits,
        "alerts_new": result.alerts_new,
        "seconds": round(result.seconds, 3),
    }


def show_run(result: RuleRunResult) -> None:
    """One line per rule, then the totals."""
    table = Table()
    for key, justify in (
        ("detect.col_rule", "left"),
        ("detect.col_hits", "right"),
        ("detect.col_new", "right"),
        ("detect.col_seconds", "right"),
    ):
        table.add_column(tr(key), justify=justify)  # type: ignore[arg-type]
    for r in result.rules:
        table.add_row(r.rule, str(r.hits), str(r.alerts_new), f"{r.seconds:.2f}")
    console.print(table)
    console.print(
        tr(
            "detect.run_done",
            rules=len(result.rules),
            seconds=f"{result.seconds:.1f}",
            hits=result.hits,
            new=result.alerts_new,
        )
    )


@alerts_app.command("list")
def alerts_list(
    workspace: WorkspaceOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="to_review | ...")] = None,
    typology: Annotated[str | None, typer.Option("--typology", help="Typology key")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many")] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Alerts, highest score first / alertes par score décroissant."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        alerts = list_alerts(ws.engine, status, typology, limit)
        currency = ws.reporting_currency
    library = load_library()
    if json_out:
        print_json([_alert_json(a, library, currency) for a in alerts])
        return
    show_alerts(alerts, library, currency)


def show_alerts(alerts: list[Alert], library: dict[str, Any], currency: str) -> None:
    """Alerts as a table (one line each)."""
    if not alerts:
        console.print(tr("alerts.none"))
        return
    table = Table()
    for key, justify in (
        ("alerts.col_id", "left"),
        ("alerts.col_score", "right"),
        ("detect.col_typology", "left"),
        ("alerts.col_subject", "left"),
        ("alerts.col_period", "left"),
        ("alerts.col_amount", "right"),
        ("alerts.col_status", "left"),
    ):
        table.add_column(tr(key), justify=justify)  # type: ignore[arg-type]
    for a in alerts:
        table.add_row(
            a.id[:10],
            f"{a.score:.2f}",
            alert_typology_name(a, library, state.lang),
            a.subject_label or a.subject_id,
            _period(a),
            _money(a.amount_reporting),
            tr(f"alerts.status.{a.status}"),
        )
    console.print(table)


@alerts_app.command("show")
def alerts_show(
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix)")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """One alert, why it fired, its transactions / une alerte et son explication."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        alert = get_alert(ws.engine, alert_id)
        txs = alert_transactions(ws.engine, alert.id)
        currency = ws.reporting_currency
    library = load_library()
    if json_out:
        print_json({**_alert_json(alert, library, currency), "transaction_list": txs})
        return
    show_alert(alert, library, currency)
    console.print(tr("alerts.transactions", count=alert.transactions))
    table = Table()
    for head in ("id", "ts (UTC)", tr("alerts.col_from"), tr("alerts.col_to"), currency):
        table.add_column(head)
    table.add_column(tr("cli.col_channel"))
    table.add_column("source:row")
    for t in txs:
        table.add_row(
            t.id[:10],
            t.ts.isoformat(sep=" "),
            t.src or "-",
            t.dst or "-",
            _money(t.amount_reporting if t.amount_reporting is not None else t.amount),
            tr(f"channel.{t.channel}"),
            f"{t.source_id[:8]}:{t.source_row}",
        )
    console.print(table)
    if alert.transactions > len(txs):
        console.print(tr("alerts.more_transactions", count=alert.transactions - len(txs)))


def show_alert(alert: Alert, library: dict[str, Any], currency: str) -> None:
    """Header, subject, explanation and decisions of one alert, in the CLI's language."""
    console.print(
        tr(
            "alerts.header",
            id=alert.id,
            typology=alert_typology_name(alert, library, state.lang),
            score=f"{alert.score:.2f}",
            status=tr(f"alerts.status.{alert.status}"),
        )
    )
    console.print(
        tr(
            "alerts.detector",
            kind=alert.detector_kind,
            detector=alert.detector,
            version=alert.detector_version,
        )
    )
    console.print(
        tr(
            "alerts.subject",
            kind=alert.subject_kind,
            label=alert.subject_label or "",
            id=alert.subject_id,
            start=_when(alert.window_start),
            end=_when(alert.window_end),
            amount=_money(alert.amount_reporting),
            currency=currency,
        )
    )
    console.print(tr("alerts.why", text=explain(alert, library, state.lang, currency)))
    if alert.decided_at is not None:
        console.print(
            tr(
                "alerts.decision",
                status=tr(f"alerts.status.{alert.status}"),
                by=alert.decided_by or "",
                at=_when(alert.decided_at),
                note=alert.analyst_note or "",
            )
        )
    for old in alert.explanation.get("history") or []:
        console.print(
            tr(
                "alerts.history",
                status=tr(f"alerts.status.{old.get('status')}"),
                by=old.get("by") or "",
                at=old.get("at") or "",
                note=old.get("note") or "",
            )
        )


def show_top_alerts(result: RuleRunResult, alerts: list[Alert], currency: str) -> None:
    """The demo's closing part: how many alerts the rules raised, then the top ones explained."""
    library = load_library()
    console.print(tr("cli.demo_alerts", count=result.hits))
    for alert in alerts:
        console.print("")
        show_alert(alert, library, currency)


@alerts_app.command("decide")
def alerts_decide(
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix)")],
    status: Annotated[
        str, typer.Option("--status", help="confirmed | false_positive | escalated | to_review")
    ],
    by: Annotated[str, typer.Option("--by", help="Analyst's name")],
    note: Annotated[str, typer.Option("--note", help="Why")] = "",
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a decision on an alert / enregistrer une décision."""
    with Workspace.open(workspace_path(workspace)) as ws:
        alert = decide(ws.engine, alert_id, status, note, by)
        currency = ws.reporting_currency
    if json_out:
        print_json(_alert_json(alert, load_library(), currency))
    else:
        console.print(
            tr("alerts.decided", id=alert.id, status=tr(f"alerts.status.{status}"), by=by)
        )


def _alert_json(alert: Alert, library: dict[str, Any], currency: str) -> dict[str, Any]:
    return {
        **vars(alert),
        "typology_name": alert_typology_name(alert, library, state.lang),
        "text": explain(alert, library, state.lang, currency),
        "currency": currency,
    }


def _money(value: Any) -> str:
    if value is None:
        return "-"
    text = f"{int(value):,}" if value == int(value) else f"{value:,.2f}"
    return text.replace(",", "\u202f")


def _when(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else "-"


def _period(alert: Alert) -> str:
    return f"{_when(alert.window_start)} → {_when(alert.window_end)}"
