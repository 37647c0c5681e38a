"""Every shipped rule on two tiny stories: one it must fire on, one it must not.

Each story is written twice, identical but for one detail that the rule turns on (an amount
just below a threshold, a delay just outside a window, one counterparty too few...), so a test
that fails says which boundary moved.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from moneytrail.detect.rules import load_library, run_rules
from moneytrail.workspace import Workspace
from tests.cash.rule_stories import CASH_STORIES
from tests.detect_rules.stories import Story, acc, at

StoryFn = Callable[[Story, bool], dict[str, Any]]


def large_cash(s: Story, fire: bool) -> dict[str, Any]:
    """A shopkeeper pays 6 000 000 in cash into the bank (4 900 000 when it must not fire)."""
    holder = s.party("Boubacar Maïga")
    s.account("BANK-1", "bank", holder=holder)
    s.account("CASH-1", "cash", holder=holder)
    amount = 6_000_000 if fire else 4_900_000
    s.tx("CASH-1", "BANK-1", amount, at(0), "cash_deposit", "depot")
    return {"subject": "BANK-1", "fired": {"count": 1, "total": 6_000_000}}


def structuring(s: Story, fire: bool) -> dict[str, Any]:
    """Three deposits of 3 000 000 on consecutive days (a week apart when it must not fire)."""
    s.account("BANK-2", "bank")
    s.account("CASH-2", "cash")
    gap = 1 if fire else 8
    for k in range(3):
        s.tx("CASH-2", "BANK-2", 3_000_000, at(k * gap), "cash_deposit")
    return {"subject": "BANK-2", "fired": {"count": 3, "total": 9_000_000}}


def velocity(s: Story, fire: bool) -> dict[str, Any]:
    """16 transfers of 400 000 in 10 hours (14 when it must not fire)."""
    s.account("W-V")
    for k in range(16 if fire else 14):
        s.account(f"P-{k}")
        s.tx(f"P-{k}", "W-V", 400_000, at(0, k * 0.6))
    return {"subject": "W-V", "fired": {"count": 16, "total": 6_400_000}}


def fan_in(s: Story, fire: bool) -> dict[str, Any]:
    """Five senders pay 600 000 each into one wallet in 3 days (four when it must not fire)."""
    s.account("HUB")
    for k in range(5 if fire else 4):
        s.account(f"S-{k}")
        s.tx(f"S-{k}", "HUB", 600_000, at(k * 0.7))
    return {"subject": "HUB", "fired": {"counterparties": 5, "total": 3_000_000}}


def fan_out(s: Story, fire: bool) -> dict[str, Any]:
    """One wallet pays five people 600 000 each in 3 days (four when it must not fire)."""
    s.account("ORIGIN")
    for k in range(5 if fire else 4):
        s.account(f"D-{k}")
        s.tx("ORIGIN", f"D-{k}", 600_000, at(k * 0.7))
    return {"subject": "ORIGIN", "fired": {"counterparties": 5, "total": 3_000_000}}


def scatter_gather(s: Story, fire: bool) -> dict[str, Any]:
    """O pays three intermediaries who pass 95 % on to one beneficiary (three different ones
    when it must not fire)."""
    for name in ("O", "I-0", "I-1", "I-2", "B-0", "B-1", "B-2"):
        s.account(name)
    for k in range(3):
        s.tx("O", f"I-{k}", 1_000_000, at(k * 0.1))
        s.tx(f"I-{k}", "B-0" if fire else f"B-{k}", 950_000, at(1 + k * 0.1))
    return {
        "subject": "O",
        "fired": {"intermediaries": 3, "scattered": 3_000_000, "gathered": 2_850_000},
    }


def mule_pass_through(s: Story, fire: bool) -> dict[str, Any]:
    """A wallet receives 1 000 000 and sends 960 000 on an hour later (30 hours later when it
    must not fire)."""
    for name in ("A", "MULE", "C"):
        s.account(name)
    s.tx("A", "MULE", 1_000_000, at(0))
    s.tx("MULE", "C", 960_000, at(0, 1 if fire else 30))
    return {"subject": "MULE", "fired": {"pairs": 1, "received": 1_000_000, "sent": 960_000}}


def round_tripping(s: Story, fire: bool) -> dict[str, Any]:
    """A -> B -> C -> A over three days, 2 % kept per hop (C sends back only half when it must
    not fire: the chain no longer carries the money)."""
    for name in ("RA", "RB", "RC"):
        s.account(name, "bank")
    s.tx("RA", "RB", 1_000_000, at(0), "wire")
    s.tx("RB", "RC", 980_000, at(1), "wire")
    s.tx("RC", "RA", 960_000 if fire else 500_000, at(2), "wire")
    return {"subject": "RA", "fired": {"hops": 3, "first_amount": 1_000_000, "returned": 960_000}}


def dormant_reactivated(s: Story, fire: bool) -> dict[str, Any]:
    """A wallet used once, silent 200 days, then receives 3 000 000 (100 days: not dormant)."""
    s.account("SLEEPER")
    s.account("FRIEND", "external")  # external accounts are never dormancy subjects
    s.tx("FRIEND", "SLEEPER", 10_000, at(0))
    s.tx("FRIEND", "SLEEPER", 3_000_000, at(200 if fire else 100))
    return {"subject": "SLEEPER", "fired": {"dormant_days": 200, "total": 3_000_000}}


def high_risk_corridor(s: Story, fire: bool) -> dict[str, Any]:
    """A Malian bank account wires 1 500 000 to Libya (to France when it must not fire)."""
    s.account("HOME", "bank", "ML")
    s.account("ABROAD", "external", "LY" if fire else "FR")
    s.tx("HOME", "ABROAD", 1_500_000, at(0), "wire")
    return {"subject": "HOME", "fired": {"count": 1, "sent": 1_500_000, "countries": "LY"}}


def mobile_money_pooling(s: Story, fire: bool) -> dict[str, Any]:
    """Twelve villagers send 50 000 each in ten days, then 400 000 is cashed out at an agent
    (sent to another wallet instead when it must not fire)."""
    s.account("COLLECTOR")
    s.account("AGENT")
    s.account("OTHER")
    for k in range(12):
        s.account(f"V-{k}")
        s.tx(f"V-{k}", "COLLECTOR", 50_000, at(k * 0.8))
    if fire:
        s.tx("COLLECTOR", "AGENT", 400_000, at(12), tx_type="cash_out")
    else:
        s.tx("COLLECTOR", "OTHER", 400_000, at(12), tx_type="transfer")
    return {
        "subject": "COLLECTOR",
        "fired": {"senders": 12, "pooled": 600_000, "cashed": 400_000, "cash_outs": 1},
    }


def npo_cash_after_foreign_funds(s: Story, fire: bool) -> dict[str, Any]:
    """An association receives 10 000 000 from France and withdraws 2 000 000 in cash ten days
    later (500 000, 5 %, when it must not fire)."""
    ngo = s.party("Association Entraide Sahel", "organization")
    s.account("NGO-BANK", "bank", "ML", holder=ngo)
    s.account("NGO-CASH", "cash", "ML", holder=ngo)
    s.account("DONOR", "external", "FR")
    s.tx("DONOR", "NGO-BANK", 10_000_000, at(0), "wire", "donation")
    s.tx("NGO-BANK", "NGO-CASH", 2_000_000 if fire else 500_000, at(10), "cash_withdrawal")
    return {"subject": "NGO-BANK", "fired": {"foreign": 10_000_000, "cashed": 2_000_000}}


STORIES: dict[str, StoryFn] = {
    "large_cash": large_cash,
    "structuring": structuring,
    "velocity": velocity,
    "fan_in": fan_in,
    "fan_out": fan_out,
    "scatter_gather": scatter_gather,
    "mule_pass_through": mule_pass_through,
    "round_tripping": round_tripping,
    "dormant_reactivated": dormant_reactivated,
    "high_risk_corridor": high_risk_corridor,
    "mobile_money_pooling": mobile_money_pooling,
    "npo_cash_after_foreign_funds": npo_cash_after_foreign_funds,
}
STORIES.update(CASH_STORIES)  # cash and hawala rules (decision 0134)


def test_every_shipped_rule_has_a_story() -> None:
    assert set(STORIES) == set(load_library())


def _alerts(ws: Workspace) -> list[tuple[Any, ...]]:
    return ws.engine.fetchall(
        "SELECT detector, subject_id, CAST(explanation AS VARCHAR), len(transaction_ids)"
        " FROM alerts ORDER BY detector, subject_id"
    )


@pytest.mark.parametrize("rule_id", sorted(STORIES))
def test_rule_fires_on_its_story(ws: Workspace, rule_id: str) -> None:
    import json

    expected = STORIES[rule_id](Story(ws.engine), True)
    run_rules(ws.engine, [load_library()[rule_id]])
    mine = _alerts(ws)
    assert len(mine) == 1, mine
    _, subject, explanation, n_tx = mine[0]
    assert subject == acc(expected["subject"])
    fired = json.loads(explanation)["fired"]
    for key, value in expected["fired"].items():
        got = fired[key]
        assert (Decimal(str(got)) if not isinstance(value, str) else got) == value, key
    assert n_tx >= 1


@pytest.mark.parametrize("rule_id", sorted(STORIES))
def test_rule_stays_quiet_on_the_near_miss(ws: Workspace, rule_id: str) -> None:
    STORIES[rule_id](Story(ws.engine), False)
    rules = load_library()
    run_rules(ws.engine, [rules[rule_id]])
    assert _alerts(ws) == []
