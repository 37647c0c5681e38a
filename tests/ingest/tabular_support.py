"""Small helpers shared by the tabular reader tests: write a file, ingest it, read tables back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import FileOutcome
from moneytrail.workspace import Workspace


def write(tmp: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``tmp/name`` in ``encoding`` (no newline translation)."""
    path = tmp / name
    path.write_bytes(text.encode(encoding))
    return path


def load(ws: Workspace, path: Path, fmt: str = "csv", **options: Any) -> FileOutcome:
    """Ingest one file and return its outcome."""
    return ws.ingest([path], IngestOptions(format=fmt, **options))[0]


def rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the workspace."""
    return ws.engine.fetchall(sql)


def problems(outcome: FileOutcome) -> list[tuple[int | None, str | None, str | None, str]]:
    """``(line, field, value, code)`` of each problem of an outcome."""
    return [(p.line, p.field, p.value, p.code) for p in outcome.problems]
