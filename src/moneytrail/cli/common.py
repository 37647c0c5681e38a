"""Shared pieces of the CLI: language, workspace option, JSON output, progress bars."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from moneytrail.errors import Problem
from moneytrail.i18n import default_lang, translate
from moneytrail.ingest.base import ProgressCallback

# The options every workspace command shares, declared once so help texts stay the same.
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w", help="Workspace directory (default: $MONEYTRAIL_WORKSPACE or .)"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]


class CliState:
    """Options common to every command (set by the root callback)."""

    lang: str = default_lang()


state = CliState()
# Markup off: file names and names of people may contain "[...]"; soft wrap: a
# "file:line: field: reason" message must stay on one line for grep and for the reader.
console = Console(stderr=False, highlight=False, markup=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, markup=False, soft_wrap=True)


def tr(key: str, **params: Any) -> str:
    """Translate ``key`` into the CLI's language."""
    return translate(key, state.lang, **params)


def workspace_path(value: Path | None) -> Path:
    """``--workspace`` if given, else ``$MONEYTRAIL_WORKSPACE``, else the current directory."""
    if value is not None:
        return value
    env = os.environ.get("MONEYTRAIL_WORKSPACE")
    return Path(env) if env else Path()


def _plain(value: Any) -> Any:
    """Recursively turn dataclasses (problems rendered in the CLI's language) into plain data."""
    if isinstance(value, Problem):
        return {
            "file": value.file,
            "line": value.line,
            "field": value.field,
            "value": value.value,
            "code": value.code,
            "message": value.render(state.lang),
        }
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    return value


def to_jsonable(value: Any) -> Any:
    """Plain JSON-able data from dataclasses, enums, decimals, problems."""
    return json.loads(json.dumps(_plain(value), ensure_ascii=False))


def print_json(value: Any) -> None:
    """One JSON document on stdout, nothing else (for scripts and tests)."""
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Any]:
    """A factory of per-file progress callbacks drawing rich bars on stderr (or nothing)."""
    if not enabled:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}", markup=False, style="bold"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    )

    def factory(name: str) -> ProgressCallback:
        task = bars.add_task(name, total=None)

        def update(done: float, total: float) -> None:
            bars.update(task, completed=done, total=total or None)

        return update

    with bars:
        yield factory
