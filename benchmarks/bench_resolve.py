"""Entity-resolution benchmark: linker vs naive name matching on a generated scenario.

Generates a scenario with duplicated identities (``SynthConfig.duplicate_rate``), ingests its
parties, identifiers and identity truth, runs the linker, and scores pairwise precision, recall
and F1 of the linker (clusters, and pairs at several thresholds) and of the two baselines
(same normalised name; rapidfuzz token_sort_ratio >= 90). Parties do not depend on ``--days``,
so a short scenario gives the same parties as a year-long one, faster.

    python -m benchmarks.bench_resolve --scale 1000 --seed 0
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from moneytrail.synth import generate
from moneytrail.synth.config import SynthConfig
from moneytrail.workspace import Workspace

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def run(scale: int = 1000, seed: int = 0, days: int = 7) -> dict[str, Any]:
    """Figures of one scenario (plain data, printed as JSON by :func:`main`)."""
    with tempfile.TemporaryDirectory(prefix="mt-bench-resolve-") as tmp:
        out = Path(tmp)
        config = SynthConfig(scale=scale, seed=seed, days=days)
        result = generate(config, out / "synth")
        with Workspace.init(out / "ws") as ws:
            order = ("parties", "accounts", "identifiers", "truth_identities")
            ws.ingest([result.files[k] for k in order])
            began = time.perf_counter()
            summary = ws.resolution.run()
            run_seconds = time.perf_counter() - began
            began = time.perf_counter()
            scores = [asdict(s) for s in ws.resolution.evaluate().scores]
            eval_seconds = time.perf_counter() - began
            sweep = []
            for threshold in THRESHOLDS:
                predicted, hits = ws.engine.fetchall(
                    "SELECT count(*), count(t.l) FROM resolution_pairs p"
                    " LEFT JOIN mt_truth_pairs t ON t.l = p.left_id AND t.r = p.right_id"
                    " WHERE p.match_probability >= ?",
                    [threshold],
                )[0]
                truth = scores[0]["truth"]
                sweep.append(
                    {
                        "threshold": threshold,
                        "predicted": int(predicted),
                        "precision": round(hits / predicted, 4) if predicted else 0.0,
                        "recall": round(hits / truth, 4),
                    }
                )
    return {
        "scale": scale,
        "seed": seed,
        "parties": summary.parties,
        "pairs_stored": summary.pairs,
        "training": summary.training,
        "run_seconds": round(run_seconds, 2),
        "evaluate_seconds": round(eval_seconds, 2),
        "scores": scores,
        "threshold_sweep": sweep,
    }


def main() -> None:
    """Parse arguments, run, print one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(run(args.scale, args.seed, args.days), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
