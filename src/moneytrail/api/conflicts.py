"""``ws.conflicts``: transactions two sources tell differently, and the analyst's choice.

A thin part over :mod:`moneytrail.ingest.conflicts` (decision 0126). Example::

    with Workspace.open("enquete") as ws:
        for version in ws.conflicts.list():
            print(version.ext_id, version.differs)
        ws.conflicts.decide("3fa2c1", use=True, by="A. Traoré", note="relevé rectifié")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from moneytrail.ingest.conflicts import VersionView, decide, list_versions

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace

__all__ = ["ConflictDecision", "ConflictsPart", "VersionView"]


@dataclass
class ConflictList:
    """Versions beside the row in use (``conflicts list``)."""

    versions: list[VersionView]


@dataclass
class ConflictDecision:
    """What ``conflicts decide`` recorded."""

    version: str
    used: bool
    by: str
    note: str | None


class ConflictsPart:
    """Conflicting versions of transactions in one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def list(self, every: bool = False) -> ConflictList:
        """Versions to review (every version, decided ones too, with ``every``)."""
        return ConflictList(list_versions(self._ws.engine, None if every else "to_review"))

    def decide(
        self, version: str, *, use: bool, by: str, note: str | None = None
    ) -> ConflictDecision:
        """Keep the version in use (``use=False``) or put ``version`` in use (``use=True``)."""
        full = decide(self._ws.engine, version, use=use, by=by, note=note)
        return ConflictDecision(full, use, by, note)
