"""Run the benchmarks and update docs/benchmarks.md: ``python -m benchmarks.run [NAME ...]``."""

from __future__ import annotations

import argparse

from benchmarks import bench_ingest

BENCHES = {"ingest": bench_ingest.run}


def main() -> None:
    """Parse arguments and run the chosen benchmarks (all by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHES], default=[])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows for the ingest bench")
    args = parser.parse_args()
    for name in args.names or list(BENCHES):
        if name == "ingest":
            print(bench_ingest.run(args.rows))
        else:
            print(BENCHES[name]())


if __name__ == "__main__":
    main()
