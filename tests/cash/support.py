"""Helpers of the cash and hawala tests: write a template file, load it, read tables back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import FileOutcome
from moneytrail.workspace import Workspace


def write(tmp: Path, name: str, lines: list[str]) -> Path:
    """A UTF-8 file of ``lines`` (semicolon-separated, as French spreadsheets save)."""
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(ws: Workspace, path: Path, **options: Any) -> FileOutcome:
    """Ingest ``path`` with the format detected, as ``moneytrail ingest FILE`` does."""
    return ws.ingest([path], IngestOptions(**options))[0]


def rows(ws: Workspace, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query on the workspace."""
    return ws.engine.fetchall(sql, params or [])


def problems(outcome: FileOutcome) -> list[tuple[int | None, str | None, str]]:
    """``(line, field, code)`` of each problem of an outcome."""
    return [(p.line, p.field, p.code) for p in outcome.problems]
