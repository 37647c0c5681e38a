"""``ws.flows``: pictures of traced money, ready for a case file.

A thin part over :mod:`moneytrail.flows.sankey`. Example::

    with Workspace.open("enquete", read_only=True) as ws:
        traced = ws.trace(Seed(transactions=("OM2400300004",)))
        drawn = ws.flows.sankey(traced, Path("rancon.svg"), lang="fr")

:func:`format_amount` (amounts grouped the French or English way) is re-exported for the faces,
which show amounts as the pictures do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.model.display import format_amount

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.trace.model import TraceResult

__all__ = ["FlowsPart", "SankeyPicture", "format_amount"]


@dataclass
class SankeyPicture:
    """What ``trace --sankey`` drew: the file, its boxes and its bands."""

    path: str
    boxes: int
    bands: int


class FlowsPart:
    """Pictures of the money of one workspace. Files are written atomically and never over the
    workspace or one of its sources (:mod:`moneytrail.files.outputs`)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def sankey(
        self, result: TraceResult, out: Path | str, lang: str, title: str | None = None
    ) -> SankeyPicture:
        """Draw ``result`` as a Sankey diagram to ``out`` (.png or .svg): labels, legend and
        the default title in ``lang``, holders' names from the workspace."""
        from moneytrail.flows.sankey import write_trace_sankey

        path = Path(out)
        layout = write_trace_sankey(
            self._ws.engine, result, path, lang, title, protected=self._ws.protected_paths()
        )
        return SankeyPicture(str(path), len(layout.nodes), len(layout.bands))
