"""Nothing outside the engine package probes an engine or catches its library's errors.

The import contract "Only the engine package speaks to DuckDB" (pyproject.toml, run by
tests/test_architecture.py) keeps ``import duckdb`` inside ``moneytrail.engine``; these
checks cover what an import contract cannot see: ``getattr`` probing of an engine for a method
the protocol should have, and comparisons of the dialect with an engine's name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "moneytrail"
ENGINE = SRC / "engine"

# Readers another engineer was changing when the engine errors became engine-neutral; they
# still import DuckDB and catch its exception (the lead converts them to EngineError).
LEFT_FOR_CONVERSION: set[str] = set()  # every reader now speaks through the engine

PROBING = re.compile(r"\b(?:getattr|hasattr)\(\s*(?:\w+\.)*engine\b")
NAME_CHECK = re.compile(r"\bdialect\s*[=!]=\s*['\"]")
DUCKDB_ERROR = re.compile(r"\bduckdb\.\w*(?:Error|Exception)\b|^\s*import duckdb\b", re.MULTILINE)


def _sources() -> list[tuple[str, str]]:
    return [
        (path.relative_to(SRC).as_posix(), path.read_text("utf-8"))
        for path in sorted(SRC.rglob("*.py"))
        if ENGINE not in path.parents
    ]


@pytest.mark.parametrize("pattern", [PROBING, NAME_CHECK], ids=["getattr", "dialect-name"])
def test_no_code_probes_the_engine(pattern: re.Pattern[str]) -> None:
    offenders = [name for name, text in _sources() if pattern.search(text)]
    assert offenders == []


def test_no_code_outside_the_engine_handles_duckdb_itself() -> None:
    offenders = {name for name, text in _sources() if DUCKDB_ERROR.search(text)}
    assert offenders <= LEFT_FOR_CONVERSION, sorted(offenders - LEFT_FOR_CONVERSION)
