"""Reading only the transactions near a seed changes nothing: a seeded trace with the
neighbourhood pruning of :func:`moneytrail.trace.index.reach` equals the one over every
transaction."""

from __future__ import annotations

import pytest

from moneytrail.trace import Direction, Policy, Seed, TraceResult, TraceSettings, index, trace
from moneytrail.workspace import Workspace


def ends(result: TraceResult) -> dict[tuple[str, str | None], str]:
    return {(e.kind.value, e.account_id): str(e.amount) for e in result.endpoints}


@pytest.fixture
def random_ws(ws: Workspace) -> Workspace:
    """300 wallets, 3 000 transactions drawn with DuckDB's hash (deterministic)."""
    e = ws.engine
    e.execute(
        "INSERT INTO sources VALUES ('gen', 'gen', 'x', 0, 'gen', NULL, TIMESTAMP '2024-01-01',"
        " 0, 0, 'test')"
    )
    e.execute(
        "INSERT INTO accounts (id, kind, number, currency, country, source_id)"
        " SELECT md5('a' || i), CASE WHEN i % 30 = 0 THEN 'cash' ELSE 'mobile_money' END,"
        " 'N' || i, 'XOF', CASE WHEN i % 25 = 0 THEN 'NE' ELSE 'ML' END, 'gen' FROM range(300) t(i)"
    )
    e.execute(
        "INSERT INTO transactions (id, ts, src_account_id, dst_account_id, amount, currency,"
        " channel, source_id, source_row)"
        " SELECT md5('t' || i), TIMESTAMP '2024-01-01' + to_minutes(CAST(i AS BIGINT) * 7),"
        " md5('a' || (hash(i * 2 + 1) % 300)),"
        " CASE WHEN i % 97 = 5 THEN NULL ELSE md5('a' || (hash(i * 2) % 300)) END,"
        " 100 + hash(i * 3) % 100000, 'XOF', 'mobile_money', 'gen', i + 1 FROM range(3000) t(i)"
    )
    return ws


@pytest.mark.parametrize("policy", [Policy.FIFO, Policy.LIFO, Policy.PRO_RATA, Policy.POISON])
@pytest.mark.parametrize("direction", [Direction.FORWARD, Direction.BACKWARD])
def test_pruned_trace_equals_full_trace(
    random_ws: Workspace, policy: Policy, direction: Direction, monkeypatch: pytest.MonkeyPatch
) -> None:
    [(tx,)] = random_ws.engine.fetchall("SELECT id FROM transactions WHERE source_row = 1500")
    seed = Seed(transactions=(tx,))
    settings = TraceSettings(policy=policy, direction=direction, max_hops=2)
    pruned = trace(random_ws.engine, seed, settings)
    monkeypatch.setattr(index, "REACH_MAX_HOPS", -1)
    full = trace(random_ws.engine, seed, settings)
    assert pruned.transactions_scanned < full.transactions_scanned
    assert len(ends(full)) >= 2
    assert ends(pruned) == ends(full)
    assert pruned.seed_amount == full.seed_amount
