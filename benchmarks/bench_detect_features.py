"""Graph-feature benchmark: our numba kernels vs snapml's GraphFeaturePreprocessor, same run.

Both sides compute the same five families over the same windows, on 2 threads, from the same
edges in time order: fan and degree (1 day), vertex statistics of amounts (1 day),
scatter-gather (7 days), temporal cycles and simple cycles of at most 5 accounts (7 days).
The outputs differ in shape (snapml returns histograms by pattern size and statistics for both
ends in both directions, we return counts, see docs/detection-features.md), so this measures
throughput, not agreement.

Graphs:

- ``amlsim20k``: IBM AMLSim's 20K_fanin200cycle200 sample (120,558 transactions among 20,000
  accounts, 200 cycles and 200 fan-ins injected); its time steps are read as days;
- ``generated``: N transactions among N/5 accounts over 180 days, senders and receivers drawn
  with weight rank^-0.5 (some hubs of ~1,000 transactions), amounts log-normal; fixed seed.

Each side runs in its own process (peak memory is its own); ours loads its compiled kernels from
numba's cache first (a warm-up on 100 edges, not timed). snapml runs in
``benchmarks/.peer-snapml`` (created on first use with pip, snapml 1.17.2) through
``benchmarks/peer_snapml.py``, which also saves its features of the AMLSim graph to
``benchmarks/.data/snapml_features_amlsim20k.npy`` (float32, row i = edge i of
``benchmarks/.data/features_amlsim20k.npy``, whose columns are id, src, dst, ts, amount).

Run: ``python -m benchmarks.run features --feature-rows N``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import DATA, ROOT, measure, stamp, write_section

PEER_VENV = ROOT / "benchmarks" / ".peer-snapml"
PEER_PINS = ("snapml==1.17.2", "numpy")
THREADS = 2
DAY = 86_400
AMLSIM = "other/amlsim/20K_fanin200cycle200/transactions.csv"


def _config() -> Any:
    from moneytrail.detect.features import FeatureConfig

    return FeatureConfig(fan_window=DAY, stats_window=DAY, scatter_gather_window=7 * DAY,
                         cycle_window=7 * DAY, max_cycle_len=5)  # fmt: skip


def peer_params() -> dict[str, Any]:
    """snapml parameters for the same families and windows as :func:`_config`."""
    c = _config()
    return {
        "num_threads": THREADS,
        "time_window": -1,
        "vertex_stats": True,
        "vertex_stats_tw": c.stats_window,
        "vertex_stats_cols": [4],
        "vertex_stats_feats": [0, 1, 3, 4, 5, 6, 8],  # fan, degree, mean, sum, min, max, var
        "fan": True,
        "fan_tw": c.fan_window,
        "degree": True,
        "degree_tw": c.fan_window,
        "scatter-gather": True,
        "scatter-gather_tw": c.scatter_gather_window,
        "temp-cycle": True,
        "temp-cycle_tw": c.cycle_window,
        "lc-cycle": True,
        "lc-cycle_tw": c.cycle_window,
        "lc-cycle_len": c.max_cycle_len,
    }


def shared_data() -> Path:
    """``shared/data`` beside the repository."""
    for base in (ROOT, *ROOT.parents):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    raise SystemExit("shared/data not found beside the repository")


def amlsim_edges() -> Path:
    """The AMLSim sample as [id, src, dst, ts, amount] float64 rows in time order."""
    import pyarrow.csv as pcsv

    path = DATA / "features_amlsim20k.npy"
    if not path.exists():
        table = pcsv.read_csv(shared_data() / AMLSIM)
        ts = table["time"].to_numpy() * DAY
        order = np.argsort(ts, kind="stable")
        src, dst = table["sourceNodeId"].to_numpy(), table["targetNodeId"].to_numpy()
        amount = table["value"].to_numpy()
        rows = np.arange(len(order))
        _save(path, rows, src[order], dst[order], ts[order], amount[order])
    return path


def generated_edges(rows: int) -> Path:
    """``rows`` generated transactions as [id, src, dst, ts, amount] rows in time order."""
    path = DATA / f"features_generated_{rows}.npy"
    if not path.exists():
        rng = np.random.default_rng(20261129)
        nodes = max(rows // 5, 10)
        weight = 1 / np.arange(1, nodes + 1) ** 0.5
        weight /= weight.sum()
        perm = rng.permutation(nodes)
        src = perm[rng.choice(nodes, rows, p=weight)]
        dst = perm[rng.choice(nodes, rows, p=weight)]
        ts = np.sort(rng.integers(0, 180 * DAY, rows))
        amount = np.round(rng.lognormal(10, 1, rows))
        _save(path, np.arange(rows), src, dst, ts, amount)
    return path


def _save(path: Path, *columns: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.column_stack(columns).astype(np.float64))


def job_ours(edges_file: str) -> dict[str, Any]:
    """Ours: every family on ``THREADS`` threads (in a fresh process, cache warm)."""
    import time

    import numba

    from moneytrail.detect.features import EdgeArrays, transaction_features

    numba.set_num_threads(THREADS)
    rows = np.load(edges_file)
    n_nodes = int(rows[:, 1:3].max()) + 1
    edges = EdgeArrays(rows[:, 1].astype(np.int64), rows[:, 2].astype(np.int64),
                       rows[:, 3].astype(np.int64), rows[:, 4].copy(), n_nodes)  # fmt: skip
    warm = EdgeArrays(edges.src[:100], edges.dst[:100], edges.ts[:100], edges.amount[:100],
                      n_nodes)  # fmt: skip
    transaction_features(warm, _config())
    started = time.perf_counter()
    matrix = transaction_features(edges, _config())
    seconds = time.perf_counter() - started
    return {"edges": len(edges), "seconds": seconds, "features": len(matrix.names)}


def _peer(edges_file: Path, save: Path | None) -> dict[str, Any]:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PEER_PINS], check=True)
    params = DATA / "snapml_params.json"
    params.write_text(json.dumps(peer_params()), encoding="utf-8")
    cmd = [str(python), str(ROOT / "benchmarks" / "peer_snapml.py"), str(edges_file), str(params)]
    if save is not None:
        cmd.append(str(save))
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def run(rows: int = 1_000_000) -> str:
    """Measure both sides on both graphs and write the ``features`` section of
    docs/benchmarks.md."""
    lines = []
    graphs = [
        ("AMLSim 20K_fanin200cycle200", amlsim_edges(), DATA / "snapml_features_amlsim20k.npy"),
        (f"generated, {rows:,} transactions", generated_edges(rows), None),
    ]
    for label, edges_file, save in graphs:
        ours = measure("bench_detect_features", "job_ours", str(edges_file))
        peer = _peer(edges_file, save)
        ours_rate = ours.figures["edges"] / ours.figures["seconds"]
        peer_rate = peer["edges"] / peer["seconds"]
        lines.append(
            f"| {label} | {ours_rate:,.0f} ({ours.figures['seconds']:.2f} s,"
            f" {ours.peak_mib:,.0f} MiB) | {peer_rate:,.0f} ({peer['seconds']:.2f} s,"
            f" {peer['peak_mib']:,.0f} MiB) | {ours_rate / peer_rate:.1f}x |"
        )
    table = "\n".join(lines)
    body = f"""## Graph features: ours vs snapml GraphFeaturePreprocessor

{stamp()} Command: `python -m benchmarks.run features --feature-rows {rows}`.
Measured while other jobs were running on the same machine (shared cores), so absolute times are
pessimistic; both sides ran in the same session, one after the other.

Both sides: 2 threads; fan and degree (1 day), vertex statistics of amounts (1 day),
scatter-gather (7 days), temporal and simple cycles of at most 5 accounts (7 days). Throughput is
transactions per second over the whole feature computation (time, peak memory of the process).

| graph | moneytrail tx/s | peer: snapml 1.17.2 tx/s | ratio |
|---|---:|---:|---:|
{table}

Goal: throughput >= the peer's on 2 cores. The outputs are not the same numbers (histograms vs
counts); see docs/detection-features.md for what each side computes.
"""
    write_section("features", body)
    return body


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
