"""``moneytrail evaluate`` and ``moneytrail score``: the scoring model on the command line.

``evaluate`` trains and judges the model on the workspace's labelled transactions (temporal
60/20/20 split) beside the snapml peer, and can keep the model; ``score`` applies a kept model
and stores explained alerts. Both only parse, call :mod:`moneytrail.detect.model`, and print.

Example::

    moneytrail evaluate -w ws --dataset-name amlsim-20k --save-model amlsim
    moneytrail score -w ws --model amlsim
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from moneytrail.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    print_json,
    tr,
    workspace_path,
)
from moneytrail.workspace import Workspace

if TYPE_CHECKING:
    from moneytrail.detect.model.evaluate import EvaluationReport, SideReport, Step
    from moneytrail.detect.model.training import Metrics

# The model package imports lightgbm, scikit-learn and numba (seconds of start-up); every
# ``moneytrail`` command would pay for them if this module imported it at the top. These defaults
# mirror ``training.NUM_THREADS`` and ``peer.BATCH`` (a test checks they agree).
NUM_THREADS = 2
PEER_BATCH = 1_000


def register(app: typer.Typer) -> None:
    """Attach ``evaluate`` and ``score`` to ``app``."""
    app.command("evaluate")(evaluate)
    app.command("score")(score)


@contextmanager
def steps(enabled: bool) -> Iterator[Step | None]:
    """A step callback drawing one spinner line per long step on stderr (or nothing)."""
    if not enabled:
        yield None
        return
    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=err_console,
    )
    current: list[TaskID] = []

    def step(key: str) -> None:
        if current:
            bars.update(current[-1], completed=1, total=1)
        current.append(bars.add_task(tr(key), total=None))

    with bars:
        yield step
        if current:
            bars.update(current[-1], completed=1, total=1)


def evaluate(
    workspace: WorkspaceOpt = None,
    dataset_name: Annotated[
        str, typer.Option("--dataset-name", help="Name of the data set in the report")
    ] = "workspace",
    peer: Annotated[
        str, typer.Option("--peer", help="auto | snapml | none (auto: snapml when installed)")
    ] = "auto",
    save_model: Annotated[
        str | None, typer.Option("--save-model", help="Keep the model under this name")
    ] = None,
    threads: Annotated[
        int, typer.Option("--threads", min=1, help="LightGBM threads (1 on a busy machine)")
    ] = NUM_THREADS,
    peer_batch: Annotated[
        int,
        typer.Option("--peer-batch", min=0, help="Edges per snapml call (0: all, looks ahead)"),
    ] = PEER_BATCH,
    folds: Annotated[
        int,
        typer.Option("--folds", min=1, help="Rolling-origin folds to report (1: standard split)"),
    ] = 1,
    stages: Annotated[
        int,
        typer.Option("--stages", help="2: add neighbourhood scores (default); 1: one booster"),
    ] = 2,
    peer_stages: Annotated[
        int,
        typer.Option("--peer-stages", help="The peer's stages (1: as defined; 2: ablation)"),
    ] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Evaluate the scoring model on labelled data / évaluer le modèle de notation."""
    from moneytrail.detect.model.evaluate import EvaluateSettings, evaluate_workspace

    settings = EvaluateSettings(
        dataset=dataset_name,
        peer=peer,
        save_model=save_model,
        threads=threads,
        peer_batch=peer_batch,
        folds=folds,
        stages=stages,
        peer_stages=peer_stages,
    )
    with Workspace.open(workspace_path(workspace)) as ws, steps(not json_out) as step:
        report = evaluate_workspace(ws.engine, ws.path, settings, step)
    if json_out:
        print_json(report)
    else:
        show(report)


def score(
    model: Annotated[str, typer.Option("--model", help="Name of a saved model")],
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score transactions with a saved model, store alerts / noter et créer des alertes."""
    with Workspace.open(workspace_path(workspace)) as ws, steps(not json_out) as step:
        if step is not None:
            step("detect_model.step_score")
        outcome = ws.score(model=model)
    if json_out:
        print_json(outcome)
        return
    console.print(
        tr(
            "detect_model.score_done",
            model=outcome.model,
            version=outcome.version,
            transactions=outcome.transactions,
            flagged=outcome.flagged,
            threshold=f"{outcome.threshold:.4f}",
            stored=outcome.stored,
            inserted=outcome.inserted,
        )
    )


def _metric_row(name: str, m: Metrics) -> list[str]:
    return [
        name,
        f"{m.threshold:.3f}",
        f"{m.precision:.3f}",
        f"{m.recall:.3f}",
        f"{m.f1:.3f}",
        f"{m.pr_auc:.3f}",
        f"{m.true_positives}/{m.false_positives}/{m.false_negatives}",
    ]


def _metrics_table(title: str, rows: list[list[str]]) -> Table:
    table = Table(title=title)
    for key in ("side", "threshold", "precision", "recall", "f1", "pr_auc", "counts"):
        table.add_column(
            tr(f"detect_model.col_{key}"), justify="left" if key == "side" else "right"
        )
    for row in rows:
        table.add_row(*row)
    return table


def side_label(side: SideReport) -> str:
    """The side's name, saying when it is a two-stage model."""
    if side.stages == 2:
        return tr("detect_model.two_stage_side", side=side.name)
    return side.name


def show(report: EvaluationReport) -> None:
    """Print the report as tables in the CLI's language."""
    target = tr(f"detect_model.target_{report.target_kind}")
    console.print(
        tr(
            "detect_model.eval_title",
            dataset=report.dataset,
            transactions=report.transactions,
            target=target,
        )
    )
    for part, figures in report.split.items():
        console.print(
            tr("detect_model.split_line", part=tr(f"detect_model.part_{part}"), **figures)
        )
    rows = [_metric_row(side_label(s), s.test) for s in report.sides]
    console.print(_metrics_table(tr("detect_model.table_title"), rows))
    accounts = [
        _metric_row(side_label(s), s.account_test)
        for s in report.sides
        if s.account_test is not None
    ]
    if accounts:
        console.print(_metrics_table(tr("detect_model.account_table_title"), accounts))
    for side in report.sides:
        by_typology = side.test.recall_by_typology or (
            side.account_test.recall_by_typology if side.account_test else {}
        )
        if not by_typology:
            continue
        table = Table(title=tr("detect_model.typology_title", side=side_label(side)))
        table.add_column(tr("detect_model.col_typology"))
        table.add_column(tr("detect_model.col_recall"), justify="right")
        table.add_column(tr("detect_model.col_found"), justify="right")
        for name, fig in by_typology.items():
            table.add_row(
                name, f"{fig['recall']:.3f}", f"{int(fig['found'])} / {int(fig['positives'])}"
            )
        console.print(table)
    for side in report.sides:
        console.print(
            tr(
                "detect_model.throughput",
                side=f"{side_label(side)} {side.mode}".strip(),
                features=side.features,
                seconds=f"{side.feature_seconds:.2f}",
                rate=f"{side.edges_per_second:,.0f}".replace(",", " "),
            )
        )
    if report.f1_gap_points is not None:
        console.print(tr("detect_model.gap", gap=f"{report.f1_gap_points:+.2f}"))
    else:
        console.print(tr("detect_model.no_peer"))
    if len(report.folds) > 1:
        show_folds(report)
    if report.saved_model:
        console.print(tr("detect_model.saved", model=report.saved_model))


def show_folds(report: EvaluationReport) -> None:
    """One row per rolling-origin fold: the share of the stream, its test period, each side's
    F1, the gap; then the mean gap."""
    table = Table(title=tr("detect_model.folds_title"))
    table.add_column(tr("detect_model.col_fold_share"), justify="right")
    table.add_column(tr("detect_model.col_fold_test"))
    table.add_column(tr("detect_model.col_fold_positives"), justify="right")
    for side in report.folds[0].sides:
        table.add_column(f"F1 {side.name}", justify="right")
    table.add_column(tr("detect_model.col_fold_gap"), justify="right")
    for fold in report.folds:
        table.add_row(
            f"{fold.end:.0%}",
            f"{fold.test_first[:10]} → {fold.test_last[:10]}",
            str(fold.test_positives),
            *(f"{side.test.f1:.3f}" for side in fold.sides),
            "" if fold.gap_points is None else f"{fold.gap_points:+.2f}",
        )
    console.print(table)
    if report.fold_gap is not None:
        summary = report.fold_gap
        console.print(
            tr(
                "detect_model.fold_gap",
                folds=summary["folds"],
                **{k: f"{summary[k]:+.2f}" for k in ("mean", "min", "max")},
            )
        )
