"""Standalone peer runner: snapml's GraphFeaturePreprocessor on an edge file (not imported).

snapml 1.17.2 pins libraries our environment cannot hold, so it lives in its own virtual
environment and this script runs there as a plain file: it imports nothing from moneytrail.

Usage (by :mod:`moneytrail.detect.model.peer`)::

    PEER_PYTHON snapml_runner.py EDGES.npy PARAMS.json FEATURES.npy TIMING.json [BATCH]

``EDGES.npy``: float64 rows ``[edge id, source, destination, timestamp, amount]`` sorted by
timestamp, the layout snapml expects. ``BATCH`` (default 0): 0 gives the whole stream to one
``fit_transform`` call, as snapml's examples do, but then the features of an edge also count
later edges of its window (look-ahead, measured in docs/detection-model.md); ``BATCH > 0``
streams the edges in time-ordered batches through ``transform``, so that an edge only sees
edges of its own and earlier batches. ``FEATURES.npy``: float32, one row per edge, the graph
features only (snapml returns the input columns first; they are dropped). ``TIMING.json``:
seconds spent in ``fit_transform`` alone (loading the file and starting Python excluded, as on
our side).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np


def main(argv: list[str]) -> int:
    """Compute the features and write them with the timing."""
    from snapml import GraphFeaturePreprocessor

    edges_path, params_path, features_path, timing_path = (Path(a) for a in argv[:4])
    batch = int(argv[4]) if len(argv) > 4 else 0
    edges = np.load(edges_path)
    params = json.loads(params_path.read_text(encoding="utf-8"))
    preprocessor = GraphFeaturePreprocessor()
    preprocessor.set_params(params)
    started = time.perf_counter()
    if batch <= 0:
        enriched = preprocessor.fit_transform(edges)
    else:
        parts = [
            preprocessor.transform(edges[start : start + batch])
            for start in range(0, edges.shape[0], batch)
        ]
        enriched = np.vstack(parts)
    seconds = time.perf_counter() - started
    features = np.ascontiguousarray(enriched[:, edges.shape[1] :], dtype=np.float32)
    np.save(features_path, features)
    timing = {
        "seconds": seconds,
        "edges": int(edges.shape[0]),
        "features": features.shape[1],
        "batch": batch,
    }
    timing_path.write_text(json.dumps(timing), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
