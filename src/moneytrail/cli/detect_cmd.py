"""``moneytrail detect`` and ``moneytrail alerts``: run typology rules, review their alerts.

A thin face over ``ws.rules`` and ``ws.alerts`` (:mod:`moneytrail.api.rules`,
:mod:`moneytrail.api.alerts`). Examples::

    moneytrail detect rules list
    moneytrail detect run -w case1 --only structuring,fan_in --param structuring.threshold=3000000
    moneytrail detect quality -w synth-ws          # against the labels of a synthetic scenario
    moneytrail alerts list -w case1 --status to_review --limit 20 --json
    moneytrail alerts show -w case1 3f2a9c
    moneytrail alerts decide -w case1 3f2a9c --status confirmed --note "STR 117" --by "A. Traoré"

``alerts`` shows every alert of the workspace, whether a rule or the scoring model raised it.
``detect run``, ``alerts list`` and ``score`` warn (on stderr) about a rule run or a scoring run
that was interrupted (killed, power cut): none of its alerts were kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from moneytrail.api import Workspace
from moneytrail.api.rules import rule_catalogue
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count

if TYPE_CHECKING:
    from moneytrail.api.alerts import AlertDetail, AlertView, RunRecord
    from moneytrail.api.rules import RulesRun

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
def rules_list(ctx: typer.Context, rules: RulesOpt = None, json_out: JsonOpt = False) -> None:
    """Rules of the library / règles de la bibliothèque."""
    out = output(ctx)
    catalogue = rule_catalogue(rules or (), out.lang)
    if json_out:
        out.json(catalogue)
        return
    table = Table(title=out.tr("detect.rules_title", count=len(catalogue)))
    for key in ("detect.col_rule", "detect.col_typology", "detect.col_title"):
        table.add_column(out.tr(key))
    for r in catalogue:
        table.add_row(r.id, r.typology_name, r.title)
    out.print(table)


@detect_app.command("run")
def run_command(
    ctx: typer.Context,
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
    out = output(ctx)
    chosen = [s.strip() for s in (only or "").split(",") if s.strip()]
    with Workspace.open(workspace_path(workspace)) as ws, out.progress(not json_out) as bars:
        result = ws.rules.run(chosen, param or [], rules or (), bars)
    warn_interrupted(out, result.interrupted_runs)
    if json_out:
        out.json(result)
    else:
        show_run(out, result)


@detect_app.command("quality")
def quality_command(
    ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False
) -> None:
    """Rule alerts against ground-truth labels / qualité des règles (vérité terrain)."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        quality = ws.rules.quality()
    if json_out:
        out.json(quality.rules)
    else:
        out.print(quality.markdown())


def warn_interrupted(out: Output, records: Iterable[RunRecord]) -> None:
    """One warning line on stderr per interrupted run (stdout stays the --json document)."""
    for record in records:
        out.warn(record.warning(out.lang))


def show_run(out: Output, result: RulesRun) -> None:
    """One line per rule, then the totals."""
    table = Table()
    for key, justify in (
        ("detect.col_rule", "left"),
        ("detect.col_hits", "right"),
        ("detect.col_new", "right"),
        ("detect.col_seconds", "right"),
    ):
        table.add_column(out.tr(key), justify=justify)  # type: ignore[arg-type]
    for r in result.rules:
        table.add_row(r.rule, str(r.hits), str(r.alerts_new), f"{r.seconds:.2f}")
    out.print(table)
    out.print(
        out.tr(
            "detect.run_done",
            rules=len(result.rules),
            seconds=f"{result.seconds:.1f}",
            hits=result.hits,
            new=result.alerts_new,
        )
    )


@alerts_app.command("list")
def alerts_list(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="to_review | ...")] = None,
    typology: Annotated[str | None, typer.Option("--typology", help="Typology key")] = None,
    limit: Annotated[
        int,
        typer.Option("--limit", parser=count("--limit", 1, 1_000_000), help="At most this many"),
    ] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Alerts, highest score first / alertes par score décroissant."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        listed = ws.alerts.list(status, limit, typology, lang=out.lang)
    warn_interrupted(out, listed.interrupted_runs)
    if json_out:
        out.json(listed.alerts)
        return
    show_alerts(out, listed.alerts)


def show_alerts(out: Output, alerts: list[AlertView]) -> None:
    """Alerts as a table (one line each)."""
    if not alerts:
        out.print(out.tr("alerts.none"))
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
        table.add_column(out.tr(key), justify=justify)  # type: ignore[arg-type]
    for a in alerts:
        table.add_row(
            a.id[:10],
            f"{a.score:.2f}",
            a.typology_name,
            a.subject_label or a.subject_id,
            _period(a),
            _money(a.amount_reporting),
            out.tr(f"alerts.status.{a.status}"),
        )
    out.print(table)


@alerts_app.command("show")
def alerts_show(
    ctx: typer.Context,
    alert_id: Annotated[str, typer.Argument(help="Alert id (or a unique prefix)")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """One alert, why it fired, its transactions / une alerte et son explication."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        alert = ws.alerts.show(alert_id, out.lang)
    if json_out:
        out.json(alert)
        return
    show_alert(out, alert)
    show_transactions(out, alert)


def show_transactions(out: Output, alert: AlertDetail) -> None:
    """The alert's supporting transactions, with their source row."""
    tr, txs = out.tr, alert.transaction_list
    out.print(tr("alerts.transactions", count=alert.transactions))
    table = Table()
    for head in ("id", "ts (UTC)", tr("alerts.col_from"), tr("alerts.col_to"), alert.currency):
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
    out.print(table)
    if alert.transactions > len(txs):
        out.print(tr("alerts.more_transactions", count=alert.transactions - len(txs)))


def show_alert(out: Output, alert: AlertView) -> None:
    """Header, subject, explanation and decisions of one alert, in the run's language."""
    tr = out.tr
    status = tr(f"alerts.status.{alert.status}")
    out.print(
        tr(
            "alerts.header",
            id=alert.id,
            typology=alert.typology_name,
            score=f"{alert.score:.2f}",
            status=status,
        )
    )
    out.print(
        tr(
            "alerts.detector",
            kind=alert.detector_kind,
            detector=alert.detector,
            version=alert.detector_version,
        )
    )
    out.print(
        tr(
            "alerts.subject",
            kind=alert.subject_kind,
            label=alert.subject_label or "",
            id=alert.subject_id,
            start=_when(alert.window_start),
            end=_when(alert.window_end),
            amount=_money(alert.amount_reporting),
            currency=alert.currency,
        )
    )
    out.print(tr("alerts.why", text=alert.text))
    if alert.decided_at is not None:
        out.print(
            tr(
                "alerts.decision",
                status=status,
                by=alert.decided_by or "",
                at=_when(alert.decided_at),
                note=alert.analyst_note or "",
            )
        )
    for old in alert.explanation.get("history") or []:
        out.print(
            tr(
                "alerts.history",
                status=tr(f"alerts.status.{old.get('status')}"),
                by=old.get("by") or "",
                at=old.get("at") or "",
                note=old.get("note") or "",
            )
        )


def show_top_alerts(out: Output, hits: int, alerts: list[AlertView]) -> None:
    """The demo's closing part: how many alerts the rules raised, then the top ones explained."""
    out.print(out.tr("cli.demo_alerts", count=hits))
    for alert in alerts:
        out.print("")
        show_alert(out, alert)


@alerts_app.command("decide")
def alerts_decide(
    ctx: typer.Context,
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
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        alert = ws.alerts.decide(alert_id, status, note, by, lang=out.lang)
    if json_out:
        out.json(alert)
    else:
        status_text = out.tr(f"alerts.status.{alert.status}")
        out.print(out.tr("alerts.decided", id=alert.id, status=status_text, by=by))


def _money(value: Any) -> str:
    if value is None:
        return "-"
    text = f"{int(value):,}" if value == int(value) else f"{value:,.2f}"
    return text.replace(",", "\u202f")


def _when(value: Any) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else "-"


def _period(alert: AlertView) -> str:
    return f"{_when(alert.window_start)} → {_when(alert.window_end)}"
