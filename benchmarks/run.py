"""Run the benchmarks and update docs/benchmarks.md: ``python -m benchmarks.run [NAME ...]``.

``ingest``: 5M-row mobile-money CSV, moneytrail vs bare DuckDB ``read_csv``.
``ingest-big`` (only when named): 50M rows loaded with the process held to 4 GiB.
``spark-big`` (only when named): ingest, rules and a trace on about 50M generated transactions,
Spark local[2] vs DuckDB, beside the 2.3M scenario in the same run (hours on 2 cores).
``trace``: full FIFO trace and seeded 4-hop trace, moneytrail vs a NetworkX implementation.
``screen``: name-pair scoring and list screening, moneytrail vs nomenklatura logic-v2.
``detect``: scoring model (evaluate) on synth + AMLSim, moneytrail vs snapml features.
``rules``: every typology rule on a synthetic year (~1.15M tx), fan_in vs plain Python.
``features``: graph features on AMLSim 20K + a generated graph, moneytrail vs snapml GFP.
``resolve``: entity resolution vs naive name matching (prints JSON; figures in evaluation.md).
``startup``: ``moneytrail --help`` and ``info`` in fresh processes vs the bare interpreter
(``--startup-baseline REF`` also measures the code of a git commit; ``--train-baseline REF``
likewise for ``train``).
``goaml-validate``: a generated 5,000-transaction goAML STR validated (XSD + business rules)
vs plain lxml ``XMLSchema.validate``.
``audit``: 100,000 audit entries appended and verified on SQLite and PostgreSQL vs a plain
unchained table (a yardstick), and the tamper-detection table.
``goaml-read``: 100,000 transactions ingested as goAML XML vs the same rows as CSV (goal <= 3x).
``hawala``: hawala link precision/recall and the share of a generated ransom traced to its
final cash/hawala endpoints, with and without the cash and hawala sources (decision 0134).
``web-load``: 50 simulated analysts for 2 minutes on ``moneytrail serve`` (loopback) over a
1M-transaction workspace, vs the same traces through the library (``--quick``: 100k, 10, 15 s).
``spark``: ingest and every typology rule on Spark local[2] vs DuckDB on a synth year
(``--spark-scale``, default 7,000 residents: about 1.15M transactions), same hits required.
``share``: a keyed filter of 1M subjects built and matched against 1M (goal < 2 min), PSI of
100k x 10k identifiers, vs HMAC-SHA256 sets.
``train``: ``ws.model.train`` on a labelled synth of about 500k transactions, 2 threads, by
phase, with its test F1 (goal < 2 min; issue 19).
"""

from __future__ import annotations

import argparse
import json

from benchmarks import (
    bench_audit,
    bench_detect_features,
    bench_detect_model,
    bench_detect_rules,
    bench_goaml_read,
    bench_goaml_validate,
    bench_hawala,
    bench_ingest,
    bench_ingest_big,
    bench_resolve,
    bench_screen,
    bench_share,
    bench_spark,
    bench_spark_big,
    bench_startup,
    bench_trace,
    bench_train,
    bench_web_load,
)

NAMES = (
    "ingest",
    "trace",
    "screen",
    "detect",
    "rules",
    "resolve",
    "features",
    "startup",
    "audit",
    "goaml-validate",
    "goaml-read",
    "web-load",
    "hawala",
    "share",
    "spark",
    "train",
)
# Run only when named (half an hour and 4 GiB of CSV): not part of ``make bench``.
ON_REQUEST = ("ingest-big", "spark-big")


def main() -> None:
    """Parse arguments and run the chosen benchmarks (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=[], help=f"any of {', '.join(NAMES)}")
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows for the ingest bench")
    parser.add_argument(
        "--trace-rows", type=int, default=5_000_000, help="rows for the trace bench"
    )
    parser.add_argument(
        "--peer-rows", type=int, default=1_000_000, help="largest graph given to NetworkX"
    )
    parser.add_argument("--detect-scale", type=int, default=3000, help="synth scale (detect)")
    parser.add_argument("--detect-days", type=int, default=365, help="synth days (detect)")
    parser.add_argument("--detect-threads", type=int, default=2, help="LightGBM threads (detect)")
    parser.add_argument("--feature-rows", type=int, default=1_000_000, help="rows (features)")
    parser.add_argument("--rules-scale", type=int, default=7000, help="synth scale (rules)")
    parser.add_argument(
        "--spark-scale", type=int, action="append", help="synth scale (spark); repeat for growth"
    )
    parser.add_argument(
        "--startup-baseline", default=None, help="git commit whose start-up is measured too"
    )
    parser.add_argument(
        "--train-baseline",
        default=None,
        help="git commit whose training is measured too, runs alternating with ours (train)",
    )
    parser.add_argument(
        "--audit-entries", type=int, default=bench_audit.ENTRIES, help="entries (audit)"
    )
    parser.add_argument(
        "--audit-positions",
        type=int,
        default=bench_audit.DETECTION_POSITIONS,
        help="positions per tampering (audit)",
    )
    parser.add_argument(
        "--screen-no-batch",
        action="store_true",
        help="screen: leave out the 1M-party batch run (about 10 minutes)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small smoke run, docs untouched (web-load)"
    )
    parser.add_argument(
        "--web-pool", type=int, default=None, help="server's workspace connections (web-load)"
    )
    parser.add_argument(
        "--web-think",
        default=None,
        help="think time between clicks, A-B seconds (web-load; default 0.2-1)",
    )
    parser.add_argument(
        "--web-diagnose",
        action="store_true",
        help="time the server's calls from inside; docs untouched (web-load)",
    )
    args = parser.parse_args()
    unknown = set(args.names) - set(NAMES) - set(ON_REQUEST)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in args.names or NAMES:
        if name == "ingest":
            print(bench_ingest.run(args.rows))
        elif name == "ingest-big":
            print(bench_ingest_big.run())
        elif name == "screen":
            print(bench_screen.run(batch=not args.screen_no_batch))
        elif name == "resolve":
            print(json.dumps(bench_resolve.run(), indent=2, ensure_ascii=False))
        elif name == "rules":
            print(bench_detect_rules.run(args.rules_scale))
        elif name == "features":
            print(bench_detect_features.run(args.feature_rows))
        elif name == "startup":
            print(bench_startup.run(args.startup_baseline))
        elif name == "audit":
            print(bench_audit.run(args.audit_entries, args.audit_positions))
        elif name == "goaml-read":
            print(bench_goaml_read.run())
        elif name == "web-load":
            think = None
            if args.web_think:
                low, _, high = args.web_think.partition("-")
                think = (float(low), float(high))
            print(bench_web_load.run(args.quick, args.web_pool, args.web_diagnose, think))
        elif name == "share":
            print(bench_share.run())
        elif name == "train":
            print(bench_train.run(baseline=args.train_baseline))
        elif name == "spark-big":
            print(bench_spark_big.run())
        elif name == "spark":
            print(bench_spark.run(args.spark_scale or [7000]))
        elif name == "hawala":
            print(bench_hawala.run())
        elif name == "goaml-validate":
            print(bench_goaml_validate.run())
        elif name == "detect":
            print(bench_detect_model.run(args.detect_scale, args.detect_days, args.detect_threads))
        else:
            print(bench_trace.run(args.trace_rows, args.peer_rows))


if __name__ == "__main__":
    main()
