"""Peer side of the graph-feature benchmark, run with snapml's own virtual environment.

``benchmarks.bench_detect_features`` creates ``benchmarks/.peer-snapml`` (pip, snapml 1.17.2) and
runs this file there; it imports nothing from moneytrail. Input: a ``.npy`` float64 array with
columns [edge id, src, dst, timestamp (seconds), amount], in time order, and a JSON file of
GraphFeaturePreprocessor parameters. Prints one JSON line: edges, seconds, edges per second,
feature count, peak resident memory. With a third argument, saves the features (float32, the engineered columns only,
row i = edge i of the input) as that ``.npy`` file.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from snapml import GraphFeaturePreprocessor


def main() -> None:
    """Run GraphFeaturePreprocessor.fit_transform once over the whole edge list."""
    edges = np.load(sys.argv[1])
    params = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    gfp = GraphFeaturePreprocessor()
    gfp.set_params(params)
    started = time.perf_counter()
    out = gfp.fit_transform(np.ascontiguousarray(edges, dtype=np.float64))
    seconds = time.perf_counter() - started
    features = out[:, edges.shape[1] :]
    if len(sys.argv) > 3:
        np.save(sys.argv[3], features.astype(np.float32))
    print(
        json.dumps(
            {
                "edges": int(edges.shape[0]),
                "seconds": seconds,
                "edges_per_s": edges.shape[0] / seconds,
                "features": int(features.shape[1]),
                "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
