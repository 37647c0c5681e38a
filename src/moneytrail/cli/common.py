"""Shared pieces of the CLI: the options every command declares the same way.

What a run writes (language, consoles, JSON, progress) is :class:`moneytrail.cli.output.Output`,
passed to each command through its context; nothing here holds state.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

# The options every workspace command shares, declared once so help texts stay the same.
WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace", "-w", help="Workspace directory (default: $MONEYTRAIL_WORKSPACE or .)"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="One JSON document on stdout")]


def workspace_path(value: Path | None) -> Path:
    """``--workspace`` if given, else ``$MONEYTRAIL_WORKSPACE``, else the current directory."""
    if value is not None:
        return value
    env = os.environ.get("MONEYTRAIL_WORKSPACE")
    return Path(env) if env else Path()
