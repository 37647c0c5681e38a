"""Property tests: the compiled kernels agree with the plain-Python reference on random small
graphs, never trace more than the seed, and conserve amounts hop by hop."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.trace.policies import (
    FIFO,
    HELD,
    LIFO,
    MOVED,
    PRO_RATA,
    R_ACC,
    R_AMT,
    R_KIND,
    R_PARENT,
    R_TX,
    REACHED,
    trace_lots,
    trace_poison,
)
from tests.trace.reference import reference

KERNEL = {"fifo": FIFO, "lifo": LIFO, "pro-rata": PRO_RATA}


@st.composite
def graphs(draw: Any) -> dict[str, Any]:
    """A random little ledger: accounts 0..k-1, -1 for outside, times non-decreasing."""
    k = draw(st.integers(2, 6))
    n = draw(st.integers(1, 30))
    src, dst, amount, ts, stop, seed = [], [], [], [], [], []
    t = 0
    for _ in range(n):
        t += draw(st.integers(0, 3))
        s = draw(st.integers(-1, k - 1))
        d = draw(st.integers(-1, k - 1))
        src.append(s)
        dst.append(d)
        amount.append(draw(st.integers(1, 1000)))
        ts.append(t)
        stop.append(1 if d < 0 else draw(st.sampled_from([0, 0, 0, 3, 5])))
        seed.append(draw(st.sampled_from([0, 0, 0, amount[-1], 1 + amount[-1] // 2])))
    return {
        "src": src,
        "dst": dst,
        "amount": amount,
        "ts": ts,
        "stop": stop,
        "seed": seed,
        "max_hops": draw(st.integers(0, 5)),
        "window": draw(st.sampled_from([-1, -1, 2, 5])),
        "k": k,
    }


def run(policy: str, g: dict[str, Any]) -> np.ndarray[Any, Any]:
    arrays = [np.asarray(g[c], dtype=np.int64) for c in ("src", "dst", "amount", "ts")]
    stop = np.asarray(g["stop"], dtype=np.int8)
    seed = np.asarray(g["seed"], dtype=np.int64)
    if policy == "poison":
        return trace_poison(*arrays, stop, seed, g["max_hops"], g["window"], g["k"])  # type: ignore[no-any-return]
    return trace_lots(KERNEL[policy], *arrays, stop, seed, g["max_hops"], g["window"], g["k"])  # type: ignore[no-any-return]


def totals(rec: np.ndarray[Any, Any], g: dict[str, Any]) -> dict[tuple[int, int], int]:
    """Endpoint totals of kernel records, keyed like the reference."""
    out: dict[tuple[int, int], int] = defaultdict(int)
    for row in rec:
        if row[R_KIND] == REACHED:
            out[(g["stop"][row[R_TX]], g["dst"][row[R_TX]])] += int(row[R_AMT])
        elif row[R_KIND] == HELD:
            out[(6, int(row[R_ACC]))] += int(row[R_AMT])
    return {k: v for k, v in out.items() if v}


@pytest.mark.parametrize("policy", ["fifo", "lifo", "poison"])
@settings(max_examples=150, deadline=None)
@given(g=graphs())
def test_kernel_matches_reference_exactly(policy: str, g: dict[str, Any]) -> None:
    expected = reference(
        policy,
        g["src"],
        g["dst"],
        g["amount"],
        g["ts"],
        g["stop"],
        g["seed"],
        g["max_hops"],
        g["window"],
    )
    assert totals(run(policy, g), g) == {k: int(v) for k, v in expected.items()}


@settings(max_examples=150, deadline=None)
@given(g=graphs())
def test_pro_rata_matches_reference_up_to_rounding(g: dict[str, Any]) -> None:
    """The kernel rounds each share down to a unit; the reference is exact (fractions)."""
    got = totals(run("pro-rata", g), g)
    expected = reference(
        "pro-rata",
        g["src"],
        g["dst"],
        g["amount"],
        g["ts"],
        g["stop"],
        g["seed"],
        g["max_hops"],
        g["window"],
    )
    tolerance = 2 * len(g["src"]) ** 2
    for key in set(got) | set(expected):
        assert abs(Fraction(got.get(key, 0)) - expected.get(key, Fraction(0))) <= tolerance


@pytest.mark.parametrize("policy", ["fifo", "lifo", "pro-rata"])
@settings(max_examples=150, deadline=None)
@given(g=graphs())
def test_traced_never_exceeds_seed_and_is_conserved(policy: str, g: dict[str, Any]) -> None:
    rec = run(policy, g)
    seeded = int(rec[rec[:, R_PARENT] == -1][:, R_AMT].sum())
    assert seeded <= sum(min(s, a) for s, a in zip(g["seed"], g["amount"], strict=True))
    ends = rec[(rec[:, R_KIND] == REACHED) | (rec[:, R_KIND] == HELD)]
    # every traced unit ends somewhere exactly once: endpoints add up to the seed
    assert int(ends[:, R_AMT].sum()) == seeded
    # hop by hop: what a piece carried is what its children carry on (or hold)
    children: dict[int, int] = defaultdict(int)
    for row in rec:
        if row[R_PARENT] >= 0:
            children[int(row[R_PARENT])] += int(row[R_AMT])
    for r, row in enumerate(rec):
        if row[R_KIND] == MOVED:
            assert children[r] == row[R_AMT]


@settings(max_examples=100, deadline=None)
@given(g=graphs())
def test_poison_over_states_fifo(g: dict[str, Any]) -> None:
    """Poison is an upper bound: each endpoint gets at least what FIFO gives it, when no limit
    cuts the poisoned path earlier than FIFO's."""
    g = {**g, "window": -1, "max_hops": 99}
    fifo = totals(run("fifo", g), g)
    poison = totals(run("poison", g), g)
    reached_fifo = sum(v for (code, _), v in fifo.items() if code != 6)
    reached_poison = sum(v for (code, _), v in poison.items() if code != 6)
    assert reached_poison >= reached_fifo


@given(
    seed=st.integers(1, 10**12),
    hops=st.lists(st.integers(1, 10**12), min_size=1, max_size=8),
)
@settings(max_examples=100, deadline=None)
def test_fifo_single_chain_is_exact_arithmetic(seed: int, hops: list[int]) -> None:
    """Seed x on A0, then A0 -> A1 -> ... each with amount y_i: traced on hop i is
    t_i = min(t_{i-1}, y_i) and A_i keeps t_i - t_{i+1}."""
    n = len(hops)
    src = [-1, *range(n)]
    dst = list(range(n + 1))
    amount = [seed, *hops]
    g = {
        "src": src,
        "dst": dst,
        "amount": amount,
        "ts": list(range(n + 1)),
        "stop": [0] * (n + 1),
        "seed": [seed] + [0] * n,
        "max_hops": 99,
        "window": -1,
        "k": n + 1,
    }
    got = totals(run("fifo", g), g)
    traced = [seed]
    for y in hops:
        traced.append(min(traced[-1], y))
    expected = {(6, i): traced[i] - traced[i + 1] for i in range(n) if traced[i] - traced[i + 1]}
    if traced[-1]:
        expected[(6, n)] = traced[-1]
    assert got == expected
