"""``moneytrail resolve``: merge duplicate parties (linker + analyst decisions).

A thin face over ``ws.resolution`` (:mod:`moneytrail.api.resolution`). Examples::

    moneytrail resolve run -w case1 --threshold 0.9
    moneytrail resolve pairs -w case1 --min-prob 0.5 --limit 20 --json
    moneytrail resolve decide -w case1 LEFT_ID RIGHT_ID --confirm --by "A. Maïga" --note "même NINA"
    moneytrail resolve undo -w case1 LEFT_ID RIGHT_ID --by "A. Maïga"
    moneytrail resolve split -w case1 PARTY_ID --by "A. Maïga" --note "homonyme"
    moneytrail resolve clusters -w case1 --json
    moneytrail resolve evaluate -w case1 --json
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moneytrail.api import UsageError, Workspace
from moneytrail.api.resolution import CONFIRM, REJECT, StageProgress
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count, fraction

if TYPE_CHECKING:
    from moneytrail.api.resolution import Decision

resolve_app = typer.Typer(
    help="Entity resolution / résolution d'entités (run, pairs, decide, undo, split, clusters,"
    " evaluate).",
    no_args_is_help=True,
)

ByOpt = Annotated[str, typer.Option("--by", help="Analyst name / nom de l'analyste")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why / pourquoi")]


def register(app: typer.Typer) -> None:
    """Attach ``resolve`` to ``app``."""
    app.add_typer(resolve_app, name="resolve")


@contextmanager
def _stages(out: Output, enabled: bool) -> Iterator[StageProgress | None]:
    """A progress callback drawing one rich bar over the run's stages (or nothing)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=out.err,
        transient=True,
    )
    task = bars.add_task(out.tr("cli.resolve_stage_features"), total=3)

    def update(stage: str, done: int, total: int) -> None:
        description = out.tr(f"cli.resolve_stage_{stage}")
        bars.update(task, description=description, completed=done, total=total)

    with bars:
        yield update


@resolve_app.command("run")
def run_command(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            parser=fraction("--threshold"),
            help="Match probability that links two parties",
        ),
    ] = 0.9,
    json_out: JsonOpt = False,
) -> None:
    """Score pairs of parties and cluster them / comparer les parties et les regrouper."""
    from moneytrail.api.resolution import ResolveSettings

    out = output(ctx)
    settings = ResolveSettings(threshold=threshold)
    with Workspace.open(workspace_path(workspace)) as ws, _stages(out, not json_out) as progress:
        summary = ws.resolution.run(settings, progress)
    for record in summary.interrupted_runs:  # stderr: stdout stays the --json document
        out.warn(record.warning(out.lang))
    if json_out:
        out.json(summary)
        return
    out.print(
        out.tr(
            "cli.resolve_run_done",
            parties=summary.parties,
            pairs=summary.pairs,
            linked=summary.linked_pairs,
            clusters=summary.clusters,
            members=summary.clustered_parties,
            threshold=summary.threshold,
            seconds=f"{summary.seconds:.1f}",
        )
    )
    if summary.conflicts:
        out.print(out.tr("cli.resolve_conflicts", count=summary.conflicts))


@resolve_app.command("pairs")
def pairs_command(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    min_prob: Annotated[
        float,
        typer.Option("--min-prob", parser=fraction("--min-prob"), help="Lowest probability shown"),
    ] = 0.0,
    limit: Annotated[
        int, typer.Option("--limit", parser=count("--limit", 1, 1_000_000), help="Most pairs shown")
    ] = 50,
    json_out: JsonOpt = False,
) -> None:
    """Scored pairs with their reasons / paires notées et leurs raisons."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        listed = ws.resolution.pairs(min_prob, limit)
    if json_out:
        out.json(listed)
        return
    table = Table(title=out.tr("cli.resolve_pairs_title"))
    for key in ("col_probability", "col_left", "col_right", "col_reasons"):
        table.add_column(out.tr(f"cli.resolve_{key}"))
    for pair in listed.pairs:
        reasons = ", ".join(
            f"{name}={value['level']} ({value['weight']:+.1f})"
            for name, value in pair.explanation.items()
            if value["weight"]
        )
        table.add_row(
            f"{pair.match_probability:.3f}",
            f"{pair.left_name}\n{pair.left_id}",
            f"{pair.right_name}\n{pair.right_id}",
            reasons,
        )
    out.print(table)


def _show_decision(out: Output, decision: Decision) -> None:
    out.print(
        out.tr(
            f"cli.resolve_decided_{decision.decision}",
            left=decision.left_id,
            right=decision.right_id,
            by=decision.decided_by,
            at=decision.decided_at.isoformat(timespec="seconds"),
        )
    )


@resolve_app.command("decide")
def decide_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="Party id")],
    right: Annotated[str, typer.Argument(help="Party id")],
    by: ByOpt,
    confirm: Annotated[bool, typer.Option("--confirm", help="Same person / même personne")] = False,
    reject: Annotated[
        bool, typer.Option("--reject", help="Different persons / personnes différentes")
    ] = False,
    note: NoteOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Confirm or reject a pair / confirmer ou rejeter une paire."""
    out = output(ctx)
    if confirm == reject:
        raise UsageError("error.resolve_confirm_or_reject")
    with Workspace.open(workspace_path(workspace)) as ws:
        decision = ws.resolution.decide(left, right, CONFIRM if confirm else REJECT, by, note)
    if json_out:
        out.json(decision)
    else:
        _show_decision(out, decision)


@resolve_app.command("undo")
def undo_command(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="Party id")],
    right: Annotated[str, typer.Argument(help="Party id")],
    by: ByOpt,
    note: NoteOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Reverse the last decision on a pair / annuler la dernière décision sur une paire."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        decision = ws.resolution.undo(left, right, by, note)
    if json_out:
        out.json(decision)
    else:
        _show_decision(out, decision)


@resolve_app.command("split")
def split_command(
    ctx: typer.Context,
    party: Annotated[str, typer.Argument(help="Party id")],
    by: ByOpt,
    note: NoteOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Take a party out of its cluster / sortir une partie de son groupe."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        made = ws.resolution.split(party, by, note)
    if json_out:
        out.json(made)
        return
    for decision in made.decisions:
        _show_decision(out, decision)


@resolve_app.command("history")
def history_command(
    ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False
) -> None:
    """Every decision, oldest first / toutes les décisions, de la plus ancienne."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        history = ws.resolution.history()
    if json_out:
        out.json(history)
        return
    for d in history.decisions:
        out.print(
            f"{d.seq}. {d.decided_at.isoformat(timespec='seconds')} {d.decided_by}: "
            f"{out.tr('cli.resolve_word_' + d.decision)} {d.left_id} {d.right_id}"
            + (f" — {d.note}" if d.note else "")
        )


@resolve_app.command("clusters")
def clusters_command(
    ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False
) -> None:
    """Parties merged as one / parties regroupées comme une seule."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        listed = ws.resolution.clusters()
    if json_out:
        out.json(listed)
        return
    out.print(out.tr("cli.resolve_clusters_title", count=len(listed.clusters)))
    for cluster in listed.clusters:
        out.print(f"{cluster.cluster_id}: " + " | ".join(cluster.names))


@resolve_app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="truth_identities.parquet (default: labels)")
    ] = None,
    baselines: Annotated[
        bool, typer.Option("--baselines/--no-baselines", help="Also score naive name matching")
    ] = True,
    json_out: JsonOpt = False,
) -> None:
    """Pairwise precision and recall against a truth / précision et rappel par paires."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        evaluation = ws.resolution.evaluate(truth, baselines=baselines)
    if json_out:
        out.json(evaluation)
        return
    table = Table(title=out.tr("cli.resolve_evaluate_title"))
    for key in ("method", "predicted", "true_positives", "precision", "recall", "f1"):
        table.add_column(out.tr(f"cli.resolve_col_{key}"))
    for s in evaluation.scores:
        table.add_row(
            out.tr(f"cli.resolve_method_{s.method}"),
            str(s.predicted),
            f"{s.true_positives}/{s.truth}",
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
        )
    out.print(table)
