"""The peer of the scoring-model benchmark: snapml's GraphFeaturePreprocessor on the same edges,
judged with moneytrail's own protocol (same raw attributes, booster, split, folds).

Why here and not in the product: snapml 1.17.2 cannot be installed beside moneytrail's pinned
libraries, so it lives in its own virtual environment (``benchmarks/.peer-snapml``); the two
sides talk through ``.npy`` files in a temporary folder (edges in, features out), and
``benchmarks/peer_snapml.py`` is the only code run there. ``moneytrail evaluate`` judges the
model alone; :func:`evaluate_with_peer` adds this side with the library's
:func:`~moneytrail.detect.model.evaluate.judge_side` and
:func:`~moneytrail.detect.model.evaluate.add_to_folds`.

Fairness (docs/detection-model.md, "Peer"): the peer gets the same edges in the same order,
the same windows as our :class:`FeatureConfig` (fan/degree and vertex statistics over
``fan_window``/``stats_window``, scatter-gather and both cycle kinds over their windows, simple
cycles up to ``max_cycle_len``), snapml's default histogram bins, and ``num_threads=2``. Given
the whole stream in one call, snapml's features of an edge count later edges too (look-ahead,
measured in docs/detection-model.md), so by default the edges are streamed in time-ordered
batches of :data:`BATCH`: an edge then sees only its own batch and earlier ones. An
endpoint outside the data (id -1) becomes a fresh vertex per edge for snapml, so that cash
deposits do not all meet in one giant vertex. Our side's throughput excludes the first call of
the compiled kernels (:func:`warm_up`), as snapml's library is compiled ahead.

``$MONEYTRAIL_PEER_CACHE`` (a folder; the benchmark sets it) keeps the peer's features keyed by
the SHA-256 of its edges, settings and batch size, with the seconds measured when they were
computed: a re-run on the same data (an ablation of our side, a changed booster) reuses them
instead of spending half an hour in snapml again. Nothing is cached unless it is set.

Where the peer's Python is looked for: ``$MONEYTRAIL_SNAPML_PYTHON``, then
``benchmarks/.peer-snapml/bin/python`` of this checkout. Create it with::

    python3 -m venv benchmarks/.peer-snapml
    benchmarks/.peer-snapml/bin/pip install snapml==1.17.2 numpy
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from moneytrail.api.serialize import to_jsonable
from moneytrail.detect.features import (
    EdgeArrays,
    FeatureConfig,
    edges_from_workspace,
    transaction_features,
)
from moneytrail.detect.model.data import RAW_ATTRIBUTES
from moneytrail.detect.model.evaluate import (
    EvaluateSettings,
    add_to_folds,
    check_stages,
    judge_side,
    run_evaluation,
)
from moneytrail.detect.model.folds import gap_summary
from moneytrail.engine.base import Engine

ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = ROOT / "benchmarks" / ".peer-snapml"
RUNNER = ROOT / "benchmarks" / "peer_snapml.py"
THREADS = 2
TIMEOUT_S = 3600
# Edges per snapml ``transform`` call: an edge sees its own batch and earlier ones, never a later
# batch (0 = the whole stream in one call, which looks ahead; see peer_snapml.py).
BATCH = 1_000
# Our first call of the compiled kernels (compiling them or loading numba's cache) is spent on
# these first edges, outside the throughput figure.
WARM_UP_EDGES = 2_000


class PeerError(RuntimeError):
    """The peer's environment is missing or snapml failed (the benchmark stops with it)."""


@dataclass(frozen=True)
class PeerFeatures:
    """snapml's features for every edge, in the edge order, and the seconds they took."""

    names: list[str]
    values: npt.NDArray[np.float32]
    seconds: float
    batch: int


def find_peer_python() -> Path | None:
    """The peer environment's Python, or ``None`` when none is installed."""
    env = os.environ.get("MONEYTRAIL_SNAPML_PYTHON")
    candidates = [Path(env)] if env else []
    candidates.append(PEER_VENV / "bin" / "python")
    return next((c for c in candidates if c.exists()), None)


# snapml's own default bins and vertex statistics, written out so that columns can be named.
PATTERN_BINS = list(range(2, 31))
CYCLE_BINS = list(range(2, 11))
VERTEX_STATS = (0, 1, 2, 3, 4, 8, 9, 10)
_STAT_NAMES = {0: "fan", 1: "degree", 2: "ratio", 3: "amount_avg", 4: "amount_sum",
               8: "amount_var", 9: "amount_skew", 10: "amount_kurtosis"}  # fmt: skip


def snapml_params(config: FeatureConfig) -> dict[str, Any]:
    """GraphFeaturePreprocessor settings matching our ``config`` (see the module docstring)."""
    bins = {f"{p}_bins": PATTERN_BINS for p in ("fan", "degree", "scatter-gather", "temp-cycle")}
    return bins | {
        "num_threads": THREADS,
        "time_window": -1,
        "vertex_stats": config.stats,
        "vertex_stats_tw": config.stats_window,
        "vertex_stats_cols": [4],
        "vertex_stats_feats": list(VERTEX_STATS),
        "lc-cycle_bins": CYCLE_BINS,
        "fan": config.fan,
        "fan_tw": config.fan_window,
        "degree": config.fan,
        "degree_tw": config.fan_window,
        "scatter-gather": config.scatter_gather,
        "scatter-gather_tw": config.scatter_gather_window,
        "temp-cycle": config.temporal_cycles,
        "temp-cycle_tw": config.cycle_window,
        "lc-cycle": config.simple_cycles,
        "lc-cycle_tw": config.cycle_window,
        "lc-cycle_len": config.max_cycle_len,
    }


def snapml_names(params: dict[str, Any]) -> list[str]:
    """Column names of snapml's output for ``params``, in its documented order: pattern
    histograms (fan-in, fan-out, degree-in, degree-out, scatter-gather, temporal cycle, simple
    cycle), then vertex statistics of source-out, source-in, destination-out, destination-in."""

    def histogram(name: str, bins: list[int]) -> list[str]:
        return [
            f"snapml_{name}_{b}" + ("+" if i == len(bins) - 1 else "") for i, b in enumerate(bins)
        ]

    names: list[str] = []
    for key, parts in (("fan", ("fan_in", "fan_out")), ("degree", ("deg_in", "deg_out")),
                       ("scatter-gather", ("scatter_gather",)), ("temp-cycle", ("cycle_temporal",)),
                       ("lc-cycle", ("cycle_simple",))):  # fmt: skip
        if params.get(key):
            for part in parts:
                names += histogram(part, params[f"{key}_bins"])
    if params.get("vertex_stats"):
        for side in ("src_out", "src_in", "dst_out", "dst_in"):
            names += [f"snapml_{side}_{_STAT_NAMES[f]}" for f in params["vertex_stats_feats"]]
    return names


def peer_edges(edges: EdgeArrays) -> npt.NDArray[np.float64]:
    """``[edge id, source, destination, timestamp, amount]`` rows, outside ends made unique."""
    n = len(edges)
    fresh = edges.n_nodes + np.arange(n, dtype=np.int64)
    src = np.where(edges.src >= 0, edges.src, fresh)
    dst = np.where(edges.dst >= 0, edges.dst, fresh + n)
    return np.column_stack(
        [np.arange(n, dtype=np.float64), src, dst, edges.ts, edges.amount]
    ).astype(np.float64)


def snapml_features(
    edges: EdgeArrays, config: FeatureConfig, batch: int = BATCH, python: Path | None = None
) -> PeerFeatures:
    """Run snapml in its own environment on ``edges`` (or read them from the cache)."""
    params = snapml_params(config)
    rows = peer_edges(edges)
    cached = _cache_folder(rows, params, batch)
    if cached is not None and (cached / "timing.json").exists():
        values = np.load(cached / "features.npy")
        timing = json.loads((cached / "timing.json").read_text(encoding="utf-8"))
        return PeerFeatures(_names(params, values), values, float(timing["seconds"]), batch)
    peer = python or find_peer_python()
    if peer is None:
        raise PeerError(
            f"no snapml environment ({PEER_VENV}): python3 -m venv {PEER_VENV} &&"
            f" {PEER_VENV}/bin/pip install snapml==1.17.2 numpy"
        )
    with tempfile.TemporaryDirectory(prefix="moneytrail-peer-") as tmp:
        folder = Path(tmp)
        edges_path, params_path, features_path = (
            folder / n for n in ("edges.npy", "params.json", "features.npy")
        )
        np.save(edges_path, rows)
        params_path.write_text(json.dumps(params), encoding="utf-8")
        args = [str(peer), str(RUNNER), str(edges_path), str(params_path), str(features_path)]
        proc = subprocess.run(
            [*args, str(batch)], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
        if proc.returncode != 0:
            raise PeerError(f"snapml failed: {proc.stderr.strip()[-2000:]}")
        values = np.load(features_path)
        timing = json.loads(proc.stdout.strip().splitlines()[-1])
        if cached is not None:  # features first, timing last: a half-written entry is ignored
            cached.mkdir(parents=True, exist_ok=True)
            np.save(cached / "features.npy", values)
            (cached / "timing.json").write_text(json.dumps(timing), encoding="utf-8")
    return PeerFeatures(_names(params, values), values, float(timing["seconds"]), batch)


def _names(params: dict[str, Any], values: npt.NDArray[np.float32]) -> list[str]:
    names = snapml_names(params)
    if len(names) != values.shape[1]:  # another snapml version: keep going, unnamed
        names = [f"snapml_{i:03d}" for i in range(values.shape[1])]
    return names


def _cache_folder(rows: npt.NDArray[np.float64], params: dict[str, Any], batch: int) -> Path | None:
    """``$MONEYTRAIL_PEER_CACHE/<sha256>`` for these edges and settings, or None when unset."""
    root = os.environ.get("MONEYTRAIL_PEER_CACHE")
    if not root:
        return None
    digest = hashlib.sha256(np.ascontiguousarray(rows).tobytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    digest.update(str(batch).encode())
    return Path(root) / digest.hexdigest()


def warm_up(engine: Engine, config: FeatureConfig) -> None:
    """Compile (or load from numba's cache) our kernels on the first :data:`WARM_UP_EDGES`
    edges of the workspace, so that the timed computation does not include it."""
    edges, _ = edges_from_workspace(engine)
    n = min(WARM_UP_EDGES, len(edges))
    head = EdgeArrays(edges.src[:n], edges.dst[:n], edges.ts[:n], edges.amount[:n], edges.n_nodes)
    transaction_features(head, config)


def evaluate_with_peer(
    engine: Engine,
    workspace: Path,
    settings: EvaluateSettings,
    peer_stages: int = 1,
    batch: int = BATCH,
    peer: bool = True,
    both_peer_stages: bool = False,
) -> dict[str, Any]:
    """``moneytrail evaluate`` with snapml's side added on the same protocol: the report as
    plain data, with ``peer``, ``f1_gap_points`` (ours − peer, test F1 in points) and
    ``fold_gap`` (the gap over the folds). ``peer_stages``: 1 (the peer as the project
    defines it: one booster on snapml's features) or 2 (the same two stages as ours, an
    ablation); ``peer=False`` judges our side alone (with the same warm-up);
    ``both_peer_stages``: judge the peer with one stage and with two (its features computed
    once; the two-stage side follows the one-stage one in ``sides``). Every side is also judged
    on the account-disjoint test rows of the library's report (issue 19)."""
    check_stages(peer_stages)
    warm_up(engine, settings.features)
    done = run_evaluation(engine, workspace, settings)
    report, data, split = done.report, done.data, done.split
    f1_gap: float | None = None
    if peer:
        found = snapml_features(data.edges, settings.features, batch)
        names = [*RAW_ATTRIBUTES, *found.names]
        x = np.hstack([data.raw, found.values])
        two = peer_stages == 2
        mode = f"batch={found.batch}" if found.batch > 0 else "whole stream (look-ahead)"
        threads, seed, disjoint = settings.threads, settings.seed, done.disjoint
        for stages in (1, 2) if both_peer_stages else (peer_stages,):
            theirs, _, _ = judge_side(
                "snapml", data, split, names, x, found.seconds, threads, stages == 2, seed,
                disjoint,
            )  # fmt: skip
            theirs.mode = mode
            report.sides.append(theirs)
        theirs = report.sides[1]
        if report.folds:
            add_to_folds(report.folds, theirs, data, names, x, threads, two, seed)
        del x
        f1_gap = round(100 * (report.sides[0].test.f1 - theirs.test.f1), 2)
    plain: dict[str, Any] = to_jsonable(report, "en")
    plain["peer"] = "snapml" if peer else "none"
    plain["f1_gap_points"] = f1_gap
    plain["fold_gap"] = gap_summary(report.folds) if peer else None
    return plain
