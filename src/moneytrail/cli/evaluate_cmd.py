"""``moneytrail model`` (``train``, ``evaluate``, ``score``, ``features``, ``list``), and
``moneytrail evaluate`` and ``moneytrail score``, the same two commands at the top level.

``evaluate`` trains and judges the scoring model on the workspace's labelled transactions
(temporal 60/20/20 split) and can keep it; ``train`` trains and keeps it; ``score`` applies a
kept model and stores explained alerts; ``features`` writes the model's inputs (the feature
matrix) as Parquet; ``list`` shows the kept models. Each only parses, calls
``ws.model`` (:mod:`moneytrail.api.model`), and prints. Comparing the model with a peer's
features is the benchmark's job (``python -m benchmarks.run detect``).

Example::

    moneytrail evaluate -w ws --dataset-name amlsim-20k --save-model amlsim
    moneytrail model train -w ws --model amlsim
    moneytrail score -w ws --model amlsim
    moneytrail model list -w ws
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table

from moneytrail.api import UsageError, Workspace
from moneytrail.api.model import NUM_THREADS, SEED
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.detect_cmd import warn_interrupted
from moneytrail.cli.output import Output, output

T = TypeVar("T")

if TYPE_CHECKING:
    from moneytrail.api.model import EvaluationReport, Metrics, SideReport, Step

model_app = typer.Typer(
    help="The scoring model / le modèle de notation (train, evaluate, score, features, list).",
    no_args_is_help=True,
)
# ``--peer`` is kept, hidden, so that scripts written when ``evaluate`` ran the peer still
# work with ``--peer none`` (or ``auto``); the peer itself is the benchmark's now.
QUIET_PEERS = ("auto", "none")

DatasetOpt = Annotated[
    str, typer.Option("--dataset-name", help="Name of the data set in the report")
]
ThreadsOpt = Annotated[
    int, typer.Option("--threads", min=1, help="LightGBM threads (1 on a busy machine)")
]
StagesOpt = Annotated[
    int, typer.Option("--stages", help="2: add neighbourhood scores (default); 1: one booster")
]
ModelOpt = Annotated[str, typer.Option("--model", help="Name of a saved model")]
SeedOpt = Annotated[
    int, typer.Option("--seed", help="LightGBM sampling seed (same seed, same model)")
]
# Baseline side names of moneytrail.detect.model.baselines, shown in the run's language.
BASELINE_KEYS = {"memory rule": "side_memory_rule", "degree only": "side_degree_only"}


def register(app: typer.Typer) -> None:
    """Attach the ``model`` group, and ``evaluate`` and ``score`` at the top level, to ``app``."""
    app.command("evaluate")(evaluate)
    app.command("score")(score)
    app.add_typer(model_app, name="model")


@contextmanager
def steps(out: Output, enabled: bool) -> Iterator[Step | None]:
    """A step callback drawing one spinner line per long step on stderr (or nothing)."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

    bars = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=out.err,
    )
    current: list[TaskID] = []

    def step(key: str) -> None:
        if current:
            bars.update(current[-1], completed=1, total=1)
        current.append(bars.add_task(out.tr(key), total=None))

    with bars:
        yield step
        if current:
            bars.update(current[-1], completed=1, total=1)
    # The bars go to stderr, the results to stdout: flush both here so that a terminal or a
    # file given both streams shows every step before the first result line.
    out.err.file.flush()
    out.console.file.flush()


def one_step(
    out: Output, workspace: Path | None, json_out: bool, key: str, work: Callable[[Workspace], T]
) -> T:
    """``work`` on the workspace, under one spinner line ``key`` (none with ``--json``): the
    shape of the one-call model commands (score, features)."""
    with Workspace.open(workspace_path(workspace)) as ws, steps(out, not json_out) as step:
        if step is not None:
            step(key)
        return work(ws)


@model_app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    dataset_name: DatasetOpt = "workspace",
    save_model: Annotated[
        str | None, typer.Option("--save-model", help="Keep the model under this name")
    ] = None,
    threads: ThreadsOpt = NUM_THREADS,
    folds: Annotated[
        int,
        typer.Option("--folds", min=1, help="Rolling-origin folds to report (1: standard split)"),
    ] = 1,
    stages: StagesOpt = 2,
    seed: SeedOpt = SEED,
    memory: Annotated[
        bool, typer.Option("--memory/--no-memory", help="Known-subject memory columns")
    ] = True,
    baselines: Annotated[
        bool, typer.Option("--baselines/--no-baselines", help="Memory rule, degree-only model")
    ] = True,
    peer: Annotated[str, typer.Option("--peer", hidden=True)] = "auto",
    json_out: JsonOpt = False,
) -> None:
    """Evaluate the scoring model on labelled data / évaluer le modèle de notation."""
    out = output(ctx)
    if peer not in QUIET_PEERS:
        raise UsageError("problem.model_peer_benchmark", peer=peer)
    with Workspace.open(workspace_path(workspace)) as ws, steps(out, not json_out) as step:
        report = ws.model.evaluate(
            dataset=dataset_name,
            save_model=save_model,
            threads=threads,
            folds=folds,
            stages=stages,
            step=step,
            seed=seed,
            memory=memory,
            baselines=baselines,
        )
    if json_out:
        out.json(report)
    else:
        show(out, report)


@model_app.command("train")
def train(
    ctx: typer.Context,
    model: ModelOpt,
    workspace: WorkspaceOpt = None,
    dataset_name: DatasetOpt = "workspace",
    threads: ThreadsOpt = NUM_THREADS,
    stages: StagesOpt = 2,
    seed: SeedOpt = SEED,
    json_out: JsonOpt = False,
) -> None:
    """Train the scoring model on labelled data and keep it / entraîner et garder le modèle."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws, steps(out, not json_out) as step:
        saved = ws.model.train(
            model, dataset=dataset_name, threads=threads, stages=stages, step=step, seed=seed
        )
    if json_out:
        out.json(saved)
        return
    out.print(
        out.tr(
            "model_api.trained",
            model=saved.name,
            version=saved.version,
            stages=saved.stages,
            threshold=f"{saved.threshold:.4f}",
            f1=f"{saved.metrics.get('f1', 0.0):.3f}",
        )
    )


@model_app.command("score")
def score(
    ctx: typer.Context,
    model: ModelOpt,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Score transactions with a saved model, store alerts / noter et créer des alertes."""
    out = output(ctx)
    outcome = one_step(
        out, workspace, json_out, "detect_model.step_score", lambda ws: ws.model.score(model)
    )
    warn_interrupted(out, outcome.interrupted_runs)
    if json_out:
        out.json(outcome)
        return
    out.print(
        out.tr(
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


@model_app.command("features")
def features(
    ctx: typer.Context,
    out_dir: Annotated[
        Path, typer.Option("--out", help="New folder for the Parquet files / dossier neuf")
    ],
    model: Annotated[
        str | None, typer.Option("--model", help="Use this saved model's feature settings")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Write every transaction's features as Parquet / écrire la matrice des variables."""
    out = output(ctx)
    written = one_step(
        out,
        workspace,
        json_out,
        "detect_model.step_features",
        lambda ws: ws.model.features(out_dir, model),
    )
    if json_out:
        out.json(written)
        return
    out.print(
        out.tr(
            "model_api.features_written",
            folder=written.folder,
            rows=written.rows,
            features=written.features,
        )
    )


@model_app.command("list")
def list_models(
    ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False
) -> None:
    """Models saved in the workspace / modèles enregistrés."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        models = ws.model.list()
    if json_out:
        out.json(models)
        return
    if not models:
        out.print(out.tr("model_api.none"))
        return
    table = Table(title=out.tr("model_api.list_title", count=len(models)))
    for key in ("col_model", "col_version", "col_stages", "col_dataset"):
        table.add_column(out.tr(f"model_api.{key}"))
    table.add_column(out.tr("detect_model.col_threshold"), justify="right")
    table.add_column(out.tr("model_api.col_test_f1"), justify="right")
    for m in models:
        f1 = m.metrics.get("f1")
        table.add_row(
            m.name,
            m.version,
            str(m.stages),
            m.dataset,
            f"{m.threshold:.4f}",
            "-" if f1 is None else f"{f1:.3f}",
        )
    out.print(table)


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


def _metrics_table(out: Output, title: str, rows: list[list[str]]) -> Table:
    table = Table(title=title)
    for key in ("side", "threshold", "precision", "recall", "f1", "pr_auc", "counts"):
        table.add_column(
            out.tr(f"detect_model.col_{key}"), justify="left" if key == "side" else "right"
        )
    for row in rows:
        table.add_row(*row)
    return table


def side_label(out: Output, side: SideReport) -> str:
    """The side's name, saying when it is a two-stage model (baselines in the run's language)."""
    if side.name in BASELINE_KEYS:
        return out.tr(f"detect_model.{BASELINE_KEYS[side.name]}")
    if side.stages == 2:
        return out.tr("detect_model.two_stage_side", side=side.name)
    return side.name


def show(out: Output, report: EvaluationReport) -> None:
    """Print the report as tables in the run's language."""
    tr = out.tr
    target = tr(f"detect_model.target_{report.target_kind}")
    out.print(
        tr(
            "detect_model.eval_title",
            dataset=report.dataset,
            transactions=report.transactions,
            target=target,
        )
    )
    for part, figures in report.split.items():
        out.print(tr("detect_model.split_line", part=tr(f"detect_model.part_{part}"), **figures))
    memory = tr("detect_model.memory_on" if report.memory else "detect_model.memory_off")
    out.print(tr("detect_model.seed_line", seed=report.seed, memory=memory))
    every = [*report.sides, *report.baselines]
    rows = [_metric_row(side_label(out, s), s.test) for s in every]
    out.print(_metrics_table(out, tr("detect_model.table_title"), rows))
    show_disjoint(out, report)
    accounts = [
        _metric_row(side_label(out, s), s.account_test) for s in every if s.account_test is not None
    ]
    if accounts:
        out.print(_metrics_table(out, tr("detect_model.account_table_title"), accounts))
    for side in report.sides:
        by_typology = side.test.recall_by_typology or (
            side.account_test.recall_by_typology if side.account_test else {}
        )
        if not by_typology:
            continue
        table = Table(title=tr("detect_model.typology_title", side=side_label(out, side)))
        table.add_column(tr("detect_model.col_typology"))
        table.add_column(tr("detect_model.col_recall"), justify="right")
        table.add_column(tr("detect_model.col_found"), justify="right")
        for name, fig in by_typology.items():
            table.add_row(
                name, f"{fig['recall']:.3f}", f"{int(fig['found'])} / {int(fig['positives'])}"
            )
        out.print(table)
    for side in report.sides:
        out.print(
            tr(
                "detect_model.throughput",
                side=f"{side_label(out, side)} {side.mode}".strip(),
                features=side.features,
                seconds=f"{side.feature_seconds:.2f}",
                rate=f"{side.edges_per_second:,.0f}".replace(",", " "),
            )
        )
    if len(report.folds) > 1:
        show_folds(out, report)
    if report.saved_model:
        out.print(tr("detect_model.saved", model=report.saved_model))


def show_disjoint(out: Output, report: EvaluationReport) -> None:
    """Every side on the test transactions whose accounts were never in a training positive."""
    counts = report.disjoint
    if not counts:
        return
    rows = [
        _metric_row(side_label(out, s), s.disjoint_test)
        for s in [*report.sides, *report.baselines]
        if s.disjoint_test is not None
    ]
    if not counts.get("positives") or not rows:
        out.print(out.tr("detect_model.disjoint_none", transactions=counts.get("transactions", 0)))
        return
    title = out.tr("detect_model.disjoint_title", **counts)
    out.print(_metrics_table(out, title, rows))


def show_folds(out: Output, report: EvaluationReport) -> None:
    """One row per rolling-origin fold: the share of the stream, its test period, its
    positives and each side's F1."""
    table = Table(title=out.tr("detect_model.folds_title"))
    table.add_column(out.tr("detect_model.col_fold_share"), justify="right")
    table.add_column(out.tr("detect_model.col_fold_test"))
    table.add_column(out.tr("detect_model.col_fold_positives"), justify="right")
    for side in report.folds[0].sides:
        table.add_column(f"F1 {side.name}", justify="right")
    for fold in report.folds:
        table.add_row(
            f"{fold.end:.0%}",
            f"{fold.test_first[:10]} → {fold.test_last[:10]}",
            str(fold.test_positives),
            *(f"{side.test.f1:.3f}" for side in fold.sides),
        )
    out.print(table)
