"""``moneytrail evaluate``: train, threshold and judge the scoring model on labelled data.

Why the features are computed once on the whole time-ordered stream: every feature of row i
uses only edges at or before it (:mod:`moneytrail.detect.features` never looks ahead), so the
value a row gets from the whole stream is the value it would have had when it happened; the
model still never sees a label of the validation or test periods.

The protocol: raw edge attributes + moneytrail graph features, trained by
:func:`.stacking.fit` on the temporal split (two stages by default: neighbourhood scores,
decision 0121), threshold chosen on validation, figures on test (and per account when accounts
are labelled). :func:`judge_side` and :func:`add_to_folds` apply the same protocol to any
other feature set on the same split, so that a comparison (the benchmark's, with a peer's
features) judges both sides alike.

>>> EvaluateSettings().stages
2
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from moneytrail.detect.features import EdgeArrays, FeatureConfig, transaction_features
from moneytrail.detect.model.baselines import baseline_sides, disjoint_rows
from moneytrail.detect.model.data import (
    RAW_ATTRIBUTES,
    LabelledEdges,
    labelled_edges,
    load_edges,
    raw_attributes,
)
from moneytrail.detect.model.folds import (
    Fold,
    FoldSide,
    fold_ends,
    fold_side,
    new_fold,
    prefix_split,
)
from moneytrail.detect.model.memory import NAMES as MEMORY_NAMES
from moneytrail.detect.model.memory import split_memory
from moneytrail.detect.model.stacking import Fitted, fit
from moneytrail.detect.model.store import ModelCard, save_model
from moneytrail.detect.model.training import (
    NUM_THREADS,
    SEED,
    Metrics,
    TemporalSplit,
    account_scores,
    booster_params,
    choose_threshold,
    metrics,
    temporal_split,
)
from moneytrail.engine.base import Engine
from moneytrail.errors import UsageError

Step = Callable[[str], None]
"""``step(key)``: a long step starts; ``key`` is the i18n key that names it."""


@dataclass(frozen=True)
class EvaluateSettings:
    """``dataset``: the data set's name in the report and the model card; ``save_model``: name
    under which to keep the model, if any; ``threads``: LightGBM threads (see
    :func:`booster_params`); ``folds``: how many rolling-origin folds to report (1: the
    standard split only; see :mod:`folds`); ``stages``: 2 (default) adds the neighbourhood
    scores of :mod:`stacking`, 1 keeps one booster; ``seed``: LightGBM's sampling seed;
    ``memory``: add the known-subject columns of :mod:`.memory` (knowledge = the training
    period's positives); ``baselines``: also judge the memory rule and the degree-only model
    (:mod:`.baselines`) on the same split."""

    dataset: str = "workspace"
    save_model: str | None = None
    threads: int = NUM_THREADS
    features: FeatureConfig = field(default_factory=FeatureConfig)
    folds: int = 1
    stages: int = 2
    seed: int = SEED
    memory: bool = True
    baselines: bool = True


@dataclass(frozen=True)
class FeatureRows:
    """Raw attributes + graph features of every transaction, in event order."""

    ids: pa.Array
    names: list[str]
    values: npt.NDArray[np.float32]
    graph_seconds: float
    edges: EdgeArrays


@dataclass
class SideReport:
    """One feature set's figures: throughput, validation and test metrics. ``mode`` says how
    its features were computed when that matters (empty for ours)."""

    name: str
    features: int
    feature_seconds: float
    edges_per_second: float
    rounds: int
    validation: Metrics
    test: Metrics
    account_test: Metrics | None = None
    mode: str = ""
    stages: int = 1
    disjoint_test: Metrics | None = None


@dataclass
class EvaluationReport:
    """Everything ``moneytrail evaluate`` prints: the split, the model's figures (``sides``:
    ours, then any feature set compared on the same protocol), the folds, the saved model."""

    dataset: str
    transactions: int
    target_kind: str
    split: dict[str, Any]
    sides: list[SideReport]
    saved_model: str | None = None
    folds: list[Fold] = field(default_factory=list)
    baselines: list[SideReport] = field(default_factory=list)
    disjoint: dict[str, int] = field(default_factory=dict)
    seed: int = SEED
    memory: bool = False


@dataclass
class Evaluation:
    """A report with the labelled data and split it was computed on, for a caller that judges
    another feature set on the same protocol (:func:`judge_side`, :func:`add_to_folds`)."""

    report: EvaluationReport
    data: LabelledEdges
    split: TemporalSplit
    disjoint: npt.NDArray[np.bool_] | None = None


def with_graph_features(
    raw: npt.NDArray[np.float32], edges: EdgeArrays, config: FeatureConfig
) -> tuple[list[str], npt.NDArray[np.float32], float]:
    """Raw attributes followed by moneytrail's graph features; and the seconds the latter took
    (the first call of a compiled kernel in a process includes compiling it or loading it from
    numba's cache)."""
    started = time.perf_counter()
    graph = transaction_features(edges, config)
    seconds = time.perf_counter() - started
    values = np.hstack([raw, np.asarray(graph.values, dtype=np.float32)])
    return [*RAW_ATTRIBUTES, *graph.names], values, seconds


def feature_matrix(engine: Engine, config: FeatureConfig) -> FeatureRows:
    """The model's inputs for every transaction of the workspace (no labels needed)."""
    edges, ids, attributes = load_edges(engine)
    names, values, seconds = with_graph_features(raw_attributes(edges, attributes), edges, config)
    return FeatureRows(ids, names, values, seconds, edges)


def _codes(typology: pa.Array) -> tuple[npt.NDArray[np.int64], list[str]]:
    encoded = pc.dictionary_encode(typology)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, [str(v) for v in encoded.dictionary.to_pylist()]


def judge_side(
    name: str,
    data: LabelledEdges,
    split: TemporalSplit,
    names: list[str],
    x: npt.NDArray[np.float32],
    seconds: float,
    threads: int,
    two_stage: bool,
    seed: int = SEED,
    disjoint: npt.NDArray[np.bool_] | None = None,
) -> tuple[SideReport, Fitted, float]:
    """Train on ``x``, choose the threshold on validation, measure on test (and per account;
    and on the account-disjoint test rows ``disjoint``, a mask over the test part).

    Returns the side's figures, the fitted boosters and the threshold.
    """
    fitted = fit(x, data.target, data.edges, split, names, threads, two_stage, seed)
    report, threshold = judge_scores(name, data, split, fitted.scores, disjoint)
    report.features = x.shape[1]
    report.feature_seconds = seconds
    report.edges_per_second = len(data) / seconds if seconds > 0 else float("inf")
    report.rounds = fitted.rounds
    report.stages = len(fitted.boosters)
    return report, fitted, threshold


def judge_scores(
    name: str,
    data: LabelledEdges,
    split: TemporalSplit,
    scores: npt.NDArray[np.float64],
    disjoint: npt.NDArray[np.bool_] | None = None,
    threshold: float | None = None,
) -> tuple[SideReport, float]:
    """Figures of any scores of rows ``[0, test end)`` (a model's, a rule's): threshold on
    validation (or the given one: a rule's 0/1 score has none to choose), metrics on test, per
    account, on the account-disjoint test rows."""
    y = data.target
    fixed = threshold is not None
    if threshold is None:
        threshold = choose_threshold(y[split.validation], scores[split.validation])
    codes, typologies = _codes(data.typology)
    part = {k: split.part(k) for k in ("validation", "test")}
    report = SideReport(
        name=name,
        features=0,
        feature_seconds=0.0,
        edges_per_second=0.0,
        rounds=0,
        validation=metrics(y[part["validation"]], scores[part["validation"]], threshold),
        test=metrics(
            y[part["test"]], scores[part["test"]], threshold, codes[part["test"]], typologies
        ),
    )
    view = data.accounts
    if view is not None:
        n_accounts = len(view.label)
        val_scores, val_seen = account_scores(
            view.src[part["validation"]],
            view.dst[part["validation"]],
            scores[part["validation"]],
            n_accounts,
        )
        account_threshold = (
            threshold if fixed else choose_threshold(view.label[val_seen], val_scores[val_seen])
        )
        test_scores, seen = account_scores(
            view.src[part["test"]], view.dst[part["test"]], scores[part["test"]], n_accounts
        )
        report.account_test = metrics(
            view.label[seen],
            test_scores[seen],
            account_threshold,
            view.typology[seen],
            view.typology_names,
        )
    if disjoint is not None and disjoint.any():
        test_y, test_scores = y[part["test"]], scores[part["test"]]
        report.disjoint_test = metrics(test_y[disjoint], test_scores[disjoint], threshold)
    return report, threshold


def add_to_folds(
    folds: list[Fold], side: SideReport, data: LabelledEdges, names: list[str],
    x: npt.NDArray[np.float32], threads: int, two_stage: bool, seed: int = SEED,
) -> None:  # fmt: skip
    """This side's figures in every fold: the main report's for the first, a new booster each
    for the earlier ones (see :mod:`folds`). A fold with two sides or more gets the F1 gap of
    the first (ours) to the last, in points. Memory columns, when ``names`` has them, are
    recomputed from each fold's own training period (its later positives are not known)."""
    for fold in folds:
        if fold.end >= 1.0:
            fold.sides.append(FoldSide(side.name, side.rounds, side.test))
        else:
            y, edges, end = data.target, data.edges, fold.end
            fx = _fold_memory(x, names, data, prefix_split(edges.ts, end).train.stop)
            fold.sides.append(
                fold_side(side.name, fx, y, edges, names, end, threads, two_stage, seed)
            )
    for fold in folds:
        if len(fold.sides) > 1:
            first, last = fold.sides[0].test.f1, fold.sides[-1].test.f1
            fold.gap_points = round(100 * (first - last), 2)


def _fold_memory(
    x: npt.NDArray[np.float32], names: list[str], data: LabelledEdges, upto: int
) -> npt.NDArray[np.float32]:
    """``x`` with its memory columns (if any) recomputed from the positives of rows < upto."""
    if MEMORY_NAMES[0] not in names:
        return x
    first = names.index(MEMORY_NAMES[0])
    out = x.copy()
    out[:, first : first + len(MEMORY_NAMES)] = split_memory(data.edges, data.target, upto)
    return out


def with_memory(
    names: list[str], x: npt.NDArray[np.float32], memory: npt.NDArray[np.float32]
) -> tuple[list[str], npt.NDArray[np.float32]]:
    """The features followed by the known-subject columns (:mod:`.memory`)."""
    return [*names, *MEMORY_NAMES], np.hstack([x, memory])


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).isoformat()


def split_summary(data: LabelledEdges, split: TemporalSplit) -> dict[str, Any]:
    """Counts, positives and first/last dates of each part."""
    out: dict[str, Any] = {}
    for name in ("train", "validation", "test"):
        part = split.part(name)
        ts = data.edges.ts[part]
        out[name] = {
            "transactions": int(part.stop - part.start),
            "positives": int(data.target[part].sum()),
            "first": _iso(int(ts[0])),
            "last": _iso(int(ts[-1])),
        }
    return out


def check_stages(stages: int) -> None:
    """A model has one stage or two; anything else is a usage error."""
    if stages not in (1, 2):
        raise UsageError("problem.model_stages", stages=stages)


def run_evaluation(
    engine: Engine, workspace: Path, settings: EvaluateSettings, step: Step | None = None
) -> Evaluation:
    """Train and judge the model on the workspace's labelled transactions (see the module
    docstring); save it when ``settings.save_model`` names it."""
    say = step or (lambda _key: None)
    check_stages(settings.stages)
    ends = fold_ends(settings.folds)
    say("detect_model.step_load")
    data = labelled_edges(engine)
    if not data.target.any():
        raise UsageError("problem.model_no_labels")
    split = temporal_split(data.edges.ts)
    say("detect_model.step_features")
    names, x, seconds = with_graph_features(data.raw, data.edges, settings.features)
    graph_names, graph_x = names, x
    memory = split_memory(data.edges, data.target, split.train.stop)
    disjoint = disjoint_rows(memory, split)
    if settings.memory:
        names, x = with_memory(names, x, memory)
    say("detect_model.step_train")
    two_stage = settings.stages == 2
    threads, seed = settings.threads, settings.seed
    ours, fitted, threshold = judge_side(
        "moneytrail", data, split, names, x, seconds, threads, two_stage, seed, disjoint
    )
    report = EvaluationReport(
        dataset=settings.dataset,
        transactions=len(data),
        target_kind=data.target_kind,
        split=split_summary(data, split),
        sides=[ours],
        folds=[new_fold(data.edges.ts, data.target, end) for end in ends if len(ends) > 1],
        disjoint={
            "transactions": int(disjoint.sum()),
            "positives": int(data.target[split.test][disjoint].sum()),
        },
        seed=seed,
        memory=settings.memory,
    )
    if settings.baselines:
        say("detect_model.step_baselines")
        report.baselines = baseline_sides(
            data, split, graph_names, graph_x, memory, disjoint, threads, seed, judge_scores
        )
    del graph_x
    if len(ends) > 1:
        say("detect_model.step_folds")
        add_to_folds(report.folds, ours, data, names, x, threads, two_stage, seed)
    del x
    if settings.save_model:
        say("detect_model.step_save")
        y_train = data.target[split.train]
        train_positives = int(y_train.sum())
        card = ModelCard(
            name=settings.save_model,
            version="",
            feature_names=fitted.names,
            feature_config=asdict(settings.features),
            threshold=threshold,
            dataset=settings.dataset,
            target_kind=data.target_kind,
            split=report.split,
            metrics=asdict(ours.test),
            params=booster_params(
                train_positives, len(y_train) - train_positives, settings.threads, settings.seed
            )
            | {"rounds": ours.rounds},
            stages=len(fitted.boosters),
            memory=settings.memory,
        )
        save_model(workspace, fitted.boosters, card)
        report.saved_model = f"{card.name}@{card.version}"
    return Evaluation(report, data, split, disjoint)


def evaluate_workspace(
    engine: Engine, workspace: Path, settings: EvaluateSettings, step: Step | None = None
) -> EvaluationReport:
    """The report of :func:`run_evaluation` (the labelled data it read is let go)."""
    return run_evaluation(engine, workspace, settings, step).report
