"""Loading files: the options, the per-file outcome, and the formats moneytrail reads.

``ws.ingest(paths, options, progress)`` (on :class:`~moneytrail.api.workspace.Workspace`) loads
files; this module names what goes in and comes out. Example::

    outcomes = ws.ingest(["releve.xml"], IngestOptions(strict=True))
    outcomes[0].status is Status.LOADED

The option and outcome types are loaded on first use (their module needs pyarrow): a face may
import this module to build its help text at no cost.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from moneytrail.ingest.registry import format_names

if TYPE_CHECKING:
    from moneytrail.ingest.base import IngestOptions
    from moneytrail.ingest.pipeline import FileOutcome, ProgressFactory, Status

__all__ = ["FileOutcome", "IngestOptions", "ProgressFactory", "Status", "format_names"]

_LAZY = {
    "IngestOptions": "moneytrail.ingest.base",
    "FileOutcome": "moneytrail.ingest.pipeline",
    "ProgressFactory": "moneytrail.ingest.pipeline",
    "Status": "moneytrail.ingest.pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api.ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
