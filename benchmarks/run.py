"""Run the benchmarks and update docs/benchmarks.md: ``python -m benchmarks.run [NAME ...]``.

``ingest``: 5M-row mobile-money CSV, moneytrail vs bare DuckDB ``read_csv``.
``trace``: full FIFO trace and seeded 4-hop trace, moneytrail vs a NetworkX implementation.
``screen``: name-pair scoring and list screening, moneytrail vs nomenklatura logic-v2.
"""

from __future__ import annotations

import argparse

from benchmarks import bench_ingest, bench_screen, bench_trace

NAMES = ("ingest", "trace", "screen")


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
    args = parser.parse_args()
    unknown = set(args.names) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in args.names or NAMES:
        if name == "ingest":
            print(bench_ingest.run(args.rows))
        elif name == "screen":
            print(bench_screen.run())
        else:
            print(bench_trace.run(args.trace_rows, args.peer_rows))


if __name__ == "__main__":
    main()
