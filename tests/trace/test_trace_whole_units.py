"""Pro-rata in currencies without minor units: whole francs, the total conserved, by largest
remainder (issue 20; docs/tracing.md, "Pro-rata and whole units")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.api import Policy, Seed, TraceSettings
from moneytrail.trace.policies import PRO_RATA, R_AMT, R_KIND, R_TX, REACHED, trace_lots_grained
from moneytrail.workspace import Workspace
from tests.trace.stories import write_story


def _reached(amounts: list[int], seed: list[int], grain: int) -> dict[int, int]:
    """Traced units reaching the far side of the last transaction, per kernel record."""
    n = len(amounts)
    src = np.asarray([-1] * (n - 1) + [0], np.int64)
    dst = np.asarray([0] * (n - 1) + [1], np.int64)
    rec = trace_lots_grained(
        PRO_RATA, src, dst, np.asarray(amounts, np.int64), np.arange(n, dtype=np.int64),
        np.asarray([0] * (n - 1) + [1], np.int8), np.asarray(seed, np.int64), 5, -1, 2,
        np.full(n, grain, np.int64),
    )  # fmt: skip
    last = rec[(rec[:, R_KIND] == REACHED) & (rec[:, R_TX] == n - 1)]
    return {i: int(x) for i, x in enumerate(last[:, R_AMT])}


def test_the_unit_lost_to_rounding_goes_to_the_largest_remainder() -> None:
    # clean 100 then traced 200 on A; A pays 100: shares 33.33 clean, 66.67 traced -> 33 / 67
    assert sum(_reached([100, 200, 100], [0, 200, 0], 1).values()) == 67


def test_xof_at_scale_two_moves_whole_francs() -> None:
    # the same story in hundredths of a franc (the workspace also holds euro cents)
    got = _reached([10_000, 20_000, 10_000], [0, 20_000, 0], 100)
    assert sum(got.values()) == 6_700
    assert all(x % 100 == 0 for x in got.values())


@settings(max_examples=60, deadline=None)
@given(
    lots=st.lists(st.integers(1, 5_000), min_size=2, max_size=6),
    traced=st.lists(st.booleans(), min_size=6, max_size=6),
    spend=st.integers(1, 30_000),
)
def test_whole_units_and_the_total_are_conserved(
    lots: list[int], traced: list[bool], spend: int
) -> None:
    grain = 100
    amounts = [x * grain for x in lots] + [spend * grain]
    seed = [a if traced[i] else 0 for i, a in enumerate(amounts[:-1])] + [0]
    got = _reached(amounts, seed, grain)
    assert all(x % grain == 0 for x in got.values())
    spent = min(sum(amounts[:-1]), amounts[-1])
    assert sum(got.values()) <= spent
    exact = Decimal(sum(s for s in seed)) * spent / sum(amounts[:-1])
    assert abs(sum(got.values()) - exact) < grain * len(lots)  # never far from the exact share


def test_workspace_trace_of_xof_is_in_whole_francs(ws: Workspace) -> None:
    accounts = [("SALARY", "bank", "ML"), ("RANSOM", "mobile_money", "ML"),
                ("A", "mobile_money", "ML"), ("CASH", "cash", "ML")]  # fmt: skip
    txs: list[Any] = [
        ("T0", "2024-03-01 08:00", "SALARY", "A", 100, "wire"),
        ("T1", "2024-03-02 08:00", "RANSOM", "A", 200, "mobile_money"),
        ("T2", "2024-03-03 08:00", "A", "CASH", 100, "cash_withdrawal"),
    ]
    write_story(ws.engine, accounts, txs)
    ws.engine.execute(  # euro cents elsewhere: the index counts hundredths of a unit
        "INSERT INTO transactions (id, ext_id, ts, src_account_id, dst_account_id, amount,"
        " currency, channel, source_id, source_row)"
        " VALUES ('eur', 'E1', TIMESTAMP '2024-01-01', NULL, NULL, 0.5, 'EUR', 'wire', 'story', 9)"
    )
    result = ws.trace(Seed(transactions=("T1",)), TraceSettings(policy=Policy.PRO_RATA))
    cash = next(e for e in result.endpoints if e.kind.value == "cash")
    assert cash.amount == Decimal(67)
    assert sum(e.amount for e in result.endpoints) == Decimal(200)
