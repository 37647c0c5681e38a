"""Coverage-guided fuzzing of one reader with atheris (libFuzzer), against the ingest promise.

    python tests/fuzz/atheris_readers.py READER --seconds N --corpus DIR

``READER`` is an ingest format (``camt.053``, ``mt940``, ``moneytrail``...) or a sanctions list
format prefixed with ``list-`` (``list-un``, ``list-custom``...): see
:data:`tests.hostile.fuzz_support.TARGETS`. An empty corpus folder is filled with the reader's
seeds first. Each input is written to a file and loaded through the library; a broken promise
(:class:`tests.hostile.fuzz_support.Finding`) is kept once per signature (exception type +
innermost frame) under ``tests/fuzz/crashers/<reader>/`` and the hunt goes on. At the end one
JSON line on stdout: reader, inputs tried, seconds, the distinct crashes and their reproducers.

One reader per process (the workspace and libFuzzer's state are per process); ``make fuzz``
runs them all in turn. moneytrail's modules are instrumented for coverage, nothing else.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import atheris  # noqa: E402 - after the path that makes ``tests`` importable

with atheris.instrument_imports(include=["moneytrail"]):
    import importlib

    import moneytrail.ingest.pipeline
    import moneytrail.screen.lists
    import moneytrail.workspace  # noqa: F401 - imported here to be instrumented
    from moneytrail.ingest.registry import REGISTRY

    for _entry in REGISTRY:  # readers are imported lazily by the registry: do it here
        importlib.import_module(_entry.target.partition(":")[0])
    from tests.hostile.fuzz_support import (
        TARGETS,
        Finding,
        Harness,
        mutate,
        ops_for,
        random_mutations,
        save_crasher,
        seeds,
    )


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line; anything after ``--`` goes to libFuzzer unchanged."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("reader", choices=sorted(TARGETS))
    parser.add_argument("--seconds", type=float, default=60.0, help="time to fuzz")
    parser.add_argument("--corpus", type=Path, required=True, help="corpus folder (kept)")
    parser.add_argument("--max-len", type=int, default=0, help="largest input (default: 4x seeds)")
    parser.add_argument("--timeout", type=int, default=300, help="libFuzzer's per-input limit")
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer options, after --")
    return parser.parse_args(argv)


class Hunt:
    """State of one run: counts, distinct findings, the clock."""

    def __init__(self, reader: str, seconds: float, work: Path) -> None:
        self.target = TARGETS[reader]
        self.ops = ops_for(reader)
        self.harness = Harness(work, reset_every=100)
        self.seconds = seconds
        self.started = time.monotonic()
        self.inputs = 0
        self.crashes: dict[str, dict[str, Any]] = {}
        self.last: Path | None = None

    def one(self, data: bytes) -> None:
        """libFuzzer's callback: check one input, keep what breaks the promise."""
        if self.inputs == 0:
            self.started = time.monotonic()
        self.inputs += 1
        if self.last is not None:  # the input being checked, for a post-mortem of a dead run
            self.last.write_bytes(data)
        found = self.harness.check(self.target, data)
        if found is not None:
            self.keep(found, data)
        if time.monotonic() - self.started >= self.seconds:
            self.finish()

    def keep(self, found: Finding, data: bytes) -> None:
        known = self.crashes.get(found.signature)
        if known is not None:
            known["hits"] += 1
            return
        path = save_crasher(self.target, found, data)
        self.crashes[found.signature] = {
            "signature": found.signature,
            "kind": found.kind,
            "exception": found.exception,
            "frame": found.frame,
            "innermost": found.innermost,
            "message": found.message[:160],
            "reproducer": str(path.relative_to(REPO)),
            "hits": 1,
        }
        print(f"NEW {self.target.name}: {found.signature} -> {path}", file=sys.stderr, flush=True)

    def mutator(self, data: bytes, max_size: int, seed: int) -> bytes:
        """Half libFuzzer's own byte mutations, half the structured ones of fuzz_support."""
        rng = random.Random(seed)
        if rng.random() < 0.5:
            return atheris.Mutate(data, max_size)
        try:
            out = mutate(data, random_mutations(rng, self.ops))
        except Exception as exc:  # a bug of the mutator must not end the hunt: say it, go on
            print(f"mutator: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            return atheris.Mutate(data, max_size)
        if out == data or len(out) > max_size:
            return atheris.Mutate(data, max_size)
        return out

    def finish(self, ended: str = "time") -> None:
        """Print the summary line and leave (libFuzzer never returns to the caller)."""
        self.harness.close()
        shutil.rmtree(self.harness.folder, ignore_errors=True)
        summary = {
            "reader": self.target.name,
            "inputs": self.inputs,
            "seconds": round(time.monotonic() - self.started, 1),
            "slowest_input_s": round(self.harness.slowest, 2),
            "ended": ended,
            "crashes": len(self.crashes),
            "distinct": sorted(self.crashes.values(), key=lambda c: str(c["signature"])),
        }
        print(json.dumps(summary, ensure_ascii=False), flush=True)
        sys.stderr.flush()
        os._exit(0)


def fill_corpus(reader: str, corpus: Path) -> int:
    """Write the reader's seeds into an empty ``corpus``; the largest input size."""
    corpus.mkdir(parents=True, exist_ok=True)
    starting = seeds(reader)
    if not any(corpus.iterdir()):
        for number, seed in enumerate(starting):
            (corpus / f"seed-{number:02d}-{seed.name}").write_bytes(seed.data)
    return max(len(s.data) for s in starting)


def main(argv: list[str]) -> None:
    args = parse(argv)
    largest = fill_corpus(args.reader, args.corpus)
    # Workspaces in memory when the machine has /dev/shm: a busy shared disk stalls for minutes.
    shm = Path("/dev/shm")
    scratch = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    work = Path(tempfile.mkdtemp(prefix=f"moneytrail-fuzz-{args.reader}-", dir=scratch))
    hunt = Hunt(args.reader, args.seconds, work)
    artifacts = REPO / "build" / "fuzz" / "artifacts" / args.reader
    artifacts.mkdir(parents=True, exist_ok=True)
    options = [
        sys.argv[0],
        str(args.corpus),
        f"-max_len={args.max_len or max(4096, 4 * largest)}",
        f"-timeout={args.timeout}",
        f"-max_total_time={int(args.seconds) + 600}",  # a backstop: finish() ends the run
        "-rss_limit_mb=6144",
        f"-artifact_prefix={artifacts}/",  # libFuzzer's own (a hang, a crash of the process)
        *args.libfuzzer,
    ]
    hunt.last = artifacts / "last-input"
    # Something calling sys.exit() in the middle of a run still gets its summary line.
    atexit.register(hunt.finish, "exit during an input, see " + str(hunt.last))
    atheris.Setup(options, hunt.one, custom_mutator=hunt.mutator)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv[1:])
