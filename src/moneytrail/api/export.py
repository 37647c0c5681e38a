"""``ws.export``: hand a workspace over in other tools' formats.

Example::

    with Workspace.open("enquete", read_only=True) as ws:
        done = ws.export.ftm(Path("entites.jsonl"))
        done.payments
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace


@dataclass
class FtmExport:
    """What ``export ftm`` wrote: the file and how many entities of each kind."""

    path: str
    parties: int
    accounts: int
    ownerships: int
    payments: int


class ExportPart:
    """Exports of one workspace; every file is written atomically and never over the
    workspace or one of its sources (see :mod:`moneytrail.files.outputs`)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def ftm(self, out: Path | str) -> FtmExport:
        """Parties, accounts, ownerships and payments as FollowTheMoney JSON lines."""
        from moneytrail.export.ftm import export_ftm

        path = Path(out)
        counts = export_ftm(self._ws.engine, path, self._ws.protected_paths())
        return FtmExport(path=str(path), **counts)
