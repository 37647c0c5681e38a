"""Hand-computed traces of tiny named stories, one per rule of docs/tracing.md."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from moneytrail.errors import UsageError
from moneytrail.trace import Direction, EndpointKind, Policy, Seed, TraceResult, TraceSettings
from moneytrail.trace.paths import common_counterparties, temporal_paths
from moneytrail.workspace import Workspace
from tests.trace.stories import acc_id, tx_id, write_story

RANSOM_ACCOUNTS = [
    ("EMPLOYER", "bank", "ML"),
    ("KIDNAPPERS", "mobile_money", "ML"),
    ("A", "mobile_money", "ML"),
    ("B", "mobile_money", "ML"),
    ("CASH-A", "cash", "ML"),
]
# A already held 2 000 000 of salary (t0) when the ransom of 10 000 000 arrived (t1); A sends
# 3 000 000 to B (t2) and withdraws 8 000 000 in cash (t3).
RANSOM_TXS = [
    ("T0", "2024-03-01 08:00", "EMPLOYER", "A", 2_000_000, "wire"),
    ("T1", "2024-03-02 08:00", "KIDNAPPERS", "A", 10_000_000, "mobile_money"),
    ("T2", "2024-03-03 08:00", "A", "B", 3_000_000, "mobile_money"),
    ("T3", "2024-03-04 08:00", "A", "CASH-A", 8_000_000, "cash_withdrawal"),
]


@pytest.fixture
def ransom(ws: Workspace) -> Workspace:
    write_story(ws.engine, RANSOM_ACCOUNTS, RANSOM_TXS)
    return ws


def ends(result: TraceResult) -> dict[tuple[str, str | None], Decimal]:
    return {(e.kind.value, e.account_number): e.amount for e in result.endpoints}


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # FIFO: T2 = 2 000 000 salary + 1 000 000 ransom; T3 = 8 000 000 ransom; 1 000 000 stays.
        (
            Policy.FIFO,
            {("cash", "CASH-A"): 8_000_000, ("held", "B"): 1_000_000, ("held", "A"): 1_000_000},
        ),
        # LIFO: T2 = 3 000 000 ransom; T3 = 7 000 000 ransom + 1 000 000 salary.
        (Policy.LIFO, {("cash", "CASH-A"): 7_000_000, ("held", "B"): 3_000_000}),
        # Pro-rata: T2 takes 10/12 traced = 2 500 000; A keeps 7 500 000 of 9 000 000; T3 takes
        # 8 000 000 * 7.5/9 = 6 666 666.67 against the salary's 1 333 333.33: the franc left by
        # rounding down goes to the largest remainder (.67, the ransom); A keeps 833 333.
        (
            Policy.PRO_RATA,
            {("cash", "CASH-A"): 6_666_667, ("held", "B"): 2_500_000, ("held", "A"): 833_333},
        ),
        # Poison: both outflows fully traced: 11 000 000 > 10 000 000 (the over-statement).
        (Policy.POISON, {("cash", "CASH-A"): 8_000_000, ("held", "B"): 3_000_000}),
    ],
)
def test_ransom_split_under_each_policy(
    ransom: Workspace, policy: Policy, expected: dict[tuple[str, str], int]
) -> None:
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)), TraceSettings(policy=policy))
    assert result.seed_amount == Decimal(10_000_000)
    assert result.currency == "XOF"
    assert ends(result) == {k: Decimal(v) for k, v in expected.items()}
    cash = next(e for e in result.endpoints if e.kind is EndpointKind.CASH)
    assert cash.paths[0].transaction_ids == [tx_id("T1"), tx_id("T3")]
    assert cash.paths[0].channels == ["mobile_money", "cash_withdrawal"]


def test_share_of_each_endpoint(ransom: Workspace) -> None:
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)))
    assert {e.account_number: e.share for e in result.endpoints} == {
        "CASH-A": Decimal("0.8000"),
        "B": Decimal("0.1000"),
        "A": Decimal("0.1000"),
    }


def test_amount_received_at_a_time(ransom: Workspace) -> None:
    """5 000 000 on A before everything: FIFO spends it first (T2 3 000 000, then 2 000 000 of
    T3)."""
    seed = Seed(accounts=("A",), amount=Decimal(5_000_000), at=datetime(2024, 3, 1))
    assert ends(ransom.trace(seed)) == {
        ("held", "B"): Decimal(3_000_000),
        ("cash", "CASH-A"): Decimal(2_000_000),
    }


def test_window_stops_money_that_waited_too_long(ransom: Workspace) -> None:
    """Window 1.5 days: T2 (1 day after the ransom) is followed, T3 (2 days after) is not."""
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)), TraceSettings(window_days=1.5))
    assert ends(result) == {("held", "A"): Decimal(9_000_000), ("held", "B"): Decimal(1_000_000)}


def test_one_hop_follows_each_outflow_of_the_first_account_once(ransom: Workspace) -> None:
    # T2 and T3 both leave A, the account the seed reached: each is one hop (FIFO figures).
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)), TraceSettings(max_hops=1))
    assert ends(result) == {
        ("cash", "CASH-A"): Decimal(8_000_000),
        ("held", "A"): Decimal(1_000_000),
        ("held", "B"): Decimal(1_000_000),
    }


def test_zero_hops_keeps_everything_on_the_first_account(ransom: Workspace) -> None:
    result = ransom.trace(Seed(transactions=(tx_id("T1"),)), TraceSettings(max_hops=0))
    assert ends(result) == {("held", "A"): Decimal(10_000_000)}


def test_negative_hops_are_refused() -> None:
    with pytest.raises(UsageError) as err:
        TraceSettings(max_hops=-1)
    assert "max_hops" in err.value.render("en")


def test_backward_finds_the_ransom_behind_the_cash(ransom: Workspace) -> None:
    """Where did the 8 000 000 withdrawn at T3 come from? Mirrored FIFO: from the kidnappers."""
    settings = TraceSettings(direction=Direction.BACKWARD)
    result = ransom.trace(Seed(transactions=(tx_id("T3"),)), settings)
    assert result.seed_amount == Decimal(8_000_000)
    assert ends(result) == {("held", "KIDNAPPERS"): Decimal(8_000_000)}
    assert result.endpoints[0].paths[0].transaction_ids == [tx_id("T1"), tx_id("T3")]


def test_cross_border_cash_and_money_leaving_the_data(ws: Workspace) -> None:
    """Moussa's bank account gets 5 000 000 from outside, wires 4 000 000 to his wallet W, which
    sends 1 000 000 to a wallet in Niger, 1 000 000 to an unknown account and withdraws
    2 000 000 cash."""
    write_story(
        ws.engine,
        [
            ("K", "bank", "ML"),
            ("W", "mobile_money", "ML"),
            ("NE-1", "mobile_money", "NE"),
            ("CASH-W", "cash", "ML"),
        ],
        [
            ("S", "2024-05-01 09:00", None, "K", 5_000_000, "cash_deposit"),
            ("X1", "2024-05-02 09:00", "K", "W", 4_000_000, "wire"),
            ("X2", "2024-05-03 09:00", "W", "NE-1", 1_000_000, "mobile_money"),
            ("X3", "2024-05-03 10:00", "W", None, 1_000_000, "mobile_money"),
            ("X4", "2024-05-04 09:00", "W", "CASH-W", 2_000_000, "cash_withdrawal"),
        ],
        holders={"K": "Moussa Traoré"},
    )
    result = ws.trace(Seed(party="Moussa Traoré"))
    assert ends(result) == {
        ("cash", "CASH-W"): Decimal(2_000_000),
        ("abroad", "NE-1"): Decimal(1_000_000),
        ("unexplained", None): Decimal(1_000_000),
        ("held", "K"): Decimal(1_000_000),
    }
    assert result.unexplained_share == Decimal("0.2000")
    abroad = next(e for e in result.endpoints if e.kind is EndpointKind.ABROAD)
    assert abroad.paths[0].countries == ["ML", "NE"]
    cash = next(e for e in result.endpoints if e.kind is EndpointKind.CASH)
    assert cash.paths[0].channels == ["cash_deposit", "wire", "cash_withdrawal"]
    # the sanctioned hook: the Niger wallet flagged by screening becomes a sanctioned endpoint
    flagged = TraceSettings(sanctioned_accounts=frozenset({acc_id("NE-1")}))
    assert ends(ws.trace(Seed(party="Moussa Traoré"), flagged))[("sanctioned", "NE-1")] == 1_000_000


def test_unknown_seed_is_a_usage_error(ransom: Workspace) -> None:
    with pytest.raises(UsageError):
        ransom.trace(Seed(accounts=("NOPE",)))
    with pytest.raises(UsageError):
        ransom.trace(Seed())


def test_temporal_paths_respect_time(ws: Workspace) -> None:
    """X pays Y on day 2, Y pays Z on day 1 and day 3: only the day-3 payment continues."""
    write_story(
        ws.engine,
        [("X", "bank", "ML"), ("Y", "bank", "ML"), ("Z", "bank", "ML")],
        [
            ("P1", "2024-01-01 00:00", "Y", "Z", 100, "wire"),
            ("P2", "2024-01-02 00:00", "X", "Y", 100, "wire"),
            ("P3", "2024-01-03 00:00", "Y", "Z", 50, "wire"),
        ],
    )
    found = temporal_paths(ws.engine, [acc_id("X")], [acc_id("Z")], max_hops=3)
    assert found.complete
    assert [p.transaction_ids for p in found.paths] == [[tx_id("P2"), tx_id("P3")]]
    assert found.paths[0].accounts == [acc_id("X"), acc_id("Y"), acc_id("Z")]
    assert temporal_paths(ws.engine, [acc_id("X")], [acc_id("Z")], window_days=0.5).paths == []


def test_common_counterparties(ws: Workspace) -> None:
    write_story(
        ws.engine,
        [("S1", "bank", "ML"), ("S2", "bank", "ML"), ("S3", "bank", "ML"), ("HUB", "bank", "ML")],
        [
            ("C1", "2024-01-01 00:00", "S1", "HUB", 10, "wire"),
            ("C2", "2024-01-02 00:00", "HUB", "S2", 5, "wire"),
            ("C3", "2024-01-03 00:00", "S3", "S1", 7, "wire"),
        ],
    )
    subjects = {"s1": [acc_id("S1")], "s2": [acc_id("S2")], "s3": [acc_id("S3")]}
    [hub] = common_counterparties(ws.engine, subjects)
    assert (hub.account_number, hub.subjects, hub.transactions, hub.total) == (
        "HUB",
        ["s1", "s2"],
        2,
        Decimal(15),
    )
