"""Fire / near-miss stories of the cash and hawala rules (merged into the shared rule stories).

Each story is written twice, identical but for the one detail the rule turns on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.detect_rules.stories import Story, acc, at


def _declaration(
    s: Story, src: str, dst: str, amount: int, day: float, post: str = "exit @ Kidira"
) -> None:
    tid = s.tx(src, dst, amount, at(day), "unknown", "border_cash_declaration", "SN")
    s.engine.execute(
        "UPDATE transactions SET src_country = 'ML', reference = ? WHERE id = ?", [post, tid]
    )


def _courier(s: Story, name: str) -> tuple[str, str]:
    holder = s.party(name)
    s.account(f"CASH-{name}", "cash", holder=holder)
    s.account(f"TRANSIT-{name}", "cash", holder=holder)
    s.engine.execute(
        "UPDATE accounts SET institution = 'border' WHERE id = ?", [acc(f"TRANSIT-{name}")]
    )
    return f"CASH-{name}", f"TRANSIT-{name}"


def under_threshold(s: Story, fire: bool) -> dict[str, Any]:
    """Two exits at 4 900 000 and 4 800 000 (the second 3 900 000, under the floor, if not)."""
    cash, transit = _courier(s, "D")
    _declaration(s, cash, transit, 4_900_000, 0)
    _declaration(s, transit, cash, 4_800_000 if fire else 3_900_000, 30)
    return {"subject": cash, "fired": {"count": 2, "total": 9_700_000}}


def repeated_crossings(s: Story, fire: bool) -> dict[str, Any]:
    """Four crossings of 3 000 000 within 20 days (three when it must not fire)."""
    cash, transit = _courier(s, "C")
    for k in range(4 if fire else 3):
        _declaration(s, cash, transit, 3_000_000, k * 6, f"exit @ Post {k % 2}")
    return {"subject": cash, "fired": {"crossings": 4, "total": 12_000_000, "posts": 2}}


def ransom_split(s: Story, fire: bool) -> dict[str, Any]:
    """Three pay-ins of 4 000 000 linked to pay-outs to three beneficiaries (two if not)."""
    s.account("CASH-S", "cash")
    s.account("HAW-A", "hawala")
    s.account("HAW-B", "hawala", country="NE")
    receivers = ["R1", "R2", "R3"] if fire else ["R1", "R2", "R2"]
    for name in set(receivers):
        s.account(name, "cash", country="NE")
    for k, receiver in enumerate(receivers):
        pay_in = s.tx("CASH-S", "HAW-A", 4_000_000, at(k), "hawala", "hawala_pay_in")
        pay_out = s.tx("HAW-B", receiver, 3_920_000, at(k, 5), "hawala", "hawala_pay_out", "NE")
        link = s.tx("HAW-A", "HAW-B", 3_920_000, at(k, 2), "hawala", "hawala_link_amount", "NE")
        s.engine.execute(
            "UPDATE transactions SET ext_id = ?, reference = 'confidence=0.84' WHERE id = ?",
            [f"hawala-link:{pay_in}:{pay_out}", link],
        )
    return {"subject": "CASH-S", "fired": {"legs": 3, "total": 12_000_000, "receivers": 3}}


def agent_pooled(s: Story, fire: bool) -> dict[str, Any]:
    """Three wallets fed by five people each cash out at one agent (one has four people if not)."""
    s.account("AGENT")
    for w in range(3):
        s.account(f"W{w}")
        for k in range(5 if fire or w else 4):
            s.account(f"P{w}-{k}")
            s.tx(f"P{w}-{k}", f"W{w}", 50_000, at(k))
        s.tx(f"W{w}", "AGENT", 250_000, at(6 + w), "mobile_money", "cash_out")
    return {"subject": "AGENT", "fired": {"wallets": 3}}


CASH_STORIES: dict[str, Callable[[Story, bool], dict[str, Any]]] = {
    "cash_declaration_under_threshold": under_threshold,
    "courier_repeated_crossings": repeated_crossings,
    "hawala_ransom_split": ransom_split,
    "agent_cash_out_pooled": agent_pooled,
}
