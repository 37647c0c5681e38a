"""``ws.trace``: the seed named as the analyst writes it, the result typed and in JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest

from moneytrail.api import Direction, Seed, TraceResult, TraceSettings, UsageError, Workspace
from moneytrail.api.serialize import to_jsonable
from tests.trace.stories import tx_id, write_story
from tests.trace.test_trace_subjects import ACCOUNTS, AISSATA, IBAN, TXS


@pytest.fixture
def story(ws: Workspace) -> Workspace:
    write_story(ws.engine, ACCOUNTS, TXS, holders={AISSATA: "Aïssata Maïga"})
    return ws


def test_trace_from_a_spaced_number_and_its_json(story: Workspace) -> None:
    result = story.trace(Seed(accounts=("+223 76 12 34 56",)))
    assert isinstance(result, TraceResult)
    doc = to_jsonable(result, "fr")
    assert (doc["direction"], doc["policy"], doc["seed_amount"]) == ("forward", "fifo", "1250000")
    got = {(e["kind"], e["account_number"]): e["amount"] for e in doc["endpoints"]}
    assert got == {("abroad", IBAN): "1000000", ("held", AISSATA): "250000"}


def test_trace_backward_from_the_bank_reference(story: Workspace) -> None:
    settings = TraceSettings(direction=Direction.BACKWARD)
    result = story.trace(Seed(transactions=("VIR-0007",)), settings)
    assert result.seed_amount == Decimal(1_000_000)
    assert to_jsonable(result, "en")["settings"]["direction"] == "backward"


def test_trace_names_what_it_does_not_know(story: Workspace) -> None:
    with pytest.raises(UsageError) as err:
        story.trace(Seed(transactions=(tx_id("nope"), "OM2400300004")))
    assert err.value.key == "error.trace_unknown_transaction"
