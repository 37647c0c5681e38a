"""``ws.flows``: a Sankey picture of a trace through the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.api import Seed, UsageError, Workspace
from moneytrail.api.flows import SankeyPicture, format_amount
from moneytrail.api.serialize import to_jsonable
from tests.trace.stories import tx_id, write_story
from tests.trace.test_trace_stories import RANSOM_ACCOUNTS, RANSOM_TXS


def test_sankey_of_a_trace(ws: Workspace, tmp_path: Path) -> None:
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS, holders={"A": "Awa Traoré"})
    traced = ws.trace(Seed(transactions=(tx_id("T1"),)))
    out = tmp_path / "rancon.svg"
    drawn = ws.flows.sankey(traced, out, "en", title="Ransom")
    assert isinstance(drawn, SankeyPicture)
    assert drawn.boxes >= 3 and drawn.bands >= 2
    assert to_jsonable(drawn, "en") == {
        "path": str(out),
        "boxes": drawn.boxes,
        "bands": drawn.bands,
    }
    assert "<svg" in out.read_text("utf-8")
    with pytest.raises(UsageError):
        ws.flows.sankey(traced, tmp_path / "rancon.gif", "en")


def test_amounts_are_shown_the_french_or_english_way() -> None:
    from decimal import Decimal

    assert format_amount(Decimal("8000000.00000000"), "fr") == "8\u202f000\u202f000"
    assert format_amount(Decimal("1234.5"), "en") == "1,234.50"
