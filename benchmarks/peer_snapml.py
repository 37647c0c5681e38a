"""snapml's GraphFeaturePreprocessor on an edge file, run with snapml's own virtual environment.

snapml 1.17.2 pins libraries moneytrail's environment cannot hold, so it lives in
``benchmarks/.peer-snapml`` and this file runs there as a plain script: it imports nothing from
moneytrail. Two benchmarks use it: ``bench_detect_features`` (throughput of the whole stream in
one call) and ``bench_detect_model`` through :mod:`benchmarks.detect_peer` (the peer's features
of the scoring-model comparison, streamed in time-ordered batches).

Usage::

    PEER_PYTHON peer_snapml.py EDGES.npy PARAMS.json [FEATURES.npy [BATCH]]

``EDGES.npy``: float64 rows ``[edge id, source, destination, timestamp, amount]`` sorted by
timestamp, the layout snapml expects. ``PARAMS.json``: GraphFeaturePreprocessor parameters.
``BATCH`` (default 0): 0 gives the whole stream to one ``fit_transform`` call, as snapml's
examples do, but then the features of an edge also count later edges of its window (look-ahead,
measured in docs/detection-model.md); ``BATCH > 0`` streams the edges in time-ordered batches
through ``transform``, so that an edge only sees edges of its own and earlier batches.
``FEATURES.npy`` (optional): float32, one row per edge, the graph features only (snapml returns
the input columns first; they are dropped). Prints one JSON line: edges, seconds spent in
snapml's calls alone (loading the file and starting Python excluded, as on our side), edges per
second, feature count, batch, peak resident memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from snapml import GraphFeaturePreprocessor


def main(argv: list[str]) -> int:
    """Compute the features, save them if asked, print the timing."""
    edges = np.ascontiguousarray(np.load(argv[0]), dtype=np.float64)
    params = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    batch = int(argv[3]) if len(argv) > 3 else 0
    gfp = GraphFeaturePreprocessor()
    gfp.set_params(params)
    started = time.perf_counter()
    if batch <= 0:
        out = gfp.fit_transform(edges)
    else:
        out = np.vstack(
            [gfp.transform(edges[i : i + batch]) for i in range(0, edges.shape[0], batch)]
        )
    seconds = time.perf_counter() - started
    features = np.ascontiguousarray(out[:, edges.shape[1] :], dtype=np.float32)
    if len(argv) > 2:
        np.save(argv[2], features)
    print(
        json.dumps(
            {
                "edges": int(edges.shape[0]),
                "seconds": seconds,
                "edges_per_s": edges.shape[0] / seconds if seconds > 0 else float("inf"),
                "features": int(features.shape[1]),
                "batch": batch,
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
