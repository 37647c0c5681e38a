"""Benchmarks: speed and memory of the real code paths on realistic sizes, with a peer in the
same run. Run with ``make bench``; results go to docs/benchmarks.md."""
