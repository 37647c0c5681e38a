"""Shared fixtures: the public test data, fresh workspaces, and an in-process CLI runner."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from moneytrail.engine import ENGINE_KINDS, Engine, open_engine
from moneytrail.workspace import Workspace

# Property tests: the default suite is repeatable (same examples on every run, no
# wall-clock deadline on a busy 2-core CI machine) so that a merge is never refused by
# a draw of the dice; `make explore` runs them with fresh random examples, many more of
# them, to hunt for new counter-examples.  Decision 0117.
settings.register_profile("repeatable", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("MONEYTRAIL_HYPOTHESIS", "repeatable"))

REPO = Path(__file__).resolve().parents[1]

# Caches (name groups, country names, screening indexes: moneytrail.model.memo) go to a
# directory of this test run, never the developer's ~/.cache; subprocesses inherit it.
os.environ.setdefault("MONEYTRAIL_CACHE_DIR", tempfile.mkdtemp(prefix="moneytrail-test-cache-"))


def shared_data_dir() -> Path:
    """``../shared/data`` beside the repository (CI has it too), or $MONEYTRAIL_SHARED_DATA."""
    env = os.environ.get("MONEYTRAIL_SHARED_DATA")
    if env:
        return Path(env)
    for base in (REPO, *REPO.parents):
        candidate = base / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "data"


SHARED_DATA = shared_data_dir()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data set folder; every test that uses it fails loudly if it is absent."""
    assert SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(params=ENGINE_KINDS)
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Each engine this code can run on ("duckdb"; Spark joins when it exists): a test that
    touches the engine through ``ws`` or ``engine`` runs once per kind."""
    return str(request.param)


@pytest.fixture
def engine(engine_kind: str) -> Iterator[Engine]:
    """A fresh in-memory engine of each kind (no schema)."""
    eng = open_engine(kind=engine_kind)
    try:
        yield eng
    finally:
        eng.close()


@pytest.fixture
def ws(tmp_path: Path, engine_kind: str) -> Iterator[Workspace]:
    """A new, empty workspace in a temporary directory, on each engine kind."""
    if engine_kind != "duckdb":  # pragma: no cover - Workspace.init opens DuckDB only, so far
        pytest.skip(f"Workspace.init cannot open a {engine_kind} workspace yet")
    workspace = Workspace.init(tmp_path / "ws")
    try:
        yield workspace
    finally:
        workspace.close()


@dataclass
class CliResult:
    """Exit code and captured output of one in-process CLI call."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as the single JSON document ``--json`` promises."""
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Call ``moneytrail`` in-process: ``cli("info", "-w", path)`` -> :class:`CliResult`."""
    from moneytrail.cli.main import run

    def call(*args: str) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return call
