"""The temporal reach prunes nothing that matters: on random ledgers, every policy, both
directions, with and without a window and a hop limit, the kernels over only the transactions
touching the reached accounts give exactly the endpoints of the kernels over all of them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.trace.policies import (
    FIFO,
    HELD,
    LIFO,
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
from moneytrail.trace.reach import reach_accounts, stop_codes, stop_codes_all, touching
from moneytrail.trace.store import csr

I64 = np.int64


@st.composite
def ledgers(draw: Any) -> dict[str, Any]:
    """Accounts 0..k-1 (-1: outside), non-decreasing times, random endpoint facts and seeds."""
    k = draw(st.integers(2, 9))
    n = draw(st.integers(1, 40))
    t, rows = 0, []
    for _ in range(n):
        t += draw(st.integers(0, 3))
        rows.append(
            (
                draw(st.integers(-1, k - 1)),
                draw(st.sampled_from([-1, *range(k), *range(k), *range(k)])),
                draw(st.integers(1, 500)),
                t,
                draw(st.sampled_from([0] * 9 + [1, 2, 3])),
                draw(st.integers(0, 2)),
                draw(st.integers(0, 2)),
            )
        )
    src, dst, amount, ts, channel, sc, dc = (np.asarray(c) for c in zip(*rows, strict=True))
    return {
        "k": k,
        "src": src.astype(I64),
        "dst": dst.astype(I64),
        "amount": amount.astype(I64),
        "ts": ts.astype(I64),
        "channel": channel.astype(np.int8),
        "sc": sc.astype(np.int16),
        "dc": dc.astype(np.int16),
        "flag": np.asarray(
            [draw(st.sampled_from([0] * 6 + [1, 2, 4, 8])) for _ in range(k)], dtype=np.int8
        ),
        "seeds": sorted(set(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))),
        "max_hops": draw(st.integers(0, 6)),
        "window": draw(st.sampled_from([-1, -1, 0, 2, 6])),
        "forward": draw(st.booleans()),
        "stops": draw(st.lists(st.booleans(), min_size=4, max_size=4)),
    }


def run(
    policy: str, g: dict[str, Any], keep: np.ndarray[Any, Any], stop: Any, through: set[int]
) -> dict[Any, int]:
    """Endpoint totals of the kernel over the transactions ``keep`` (positions, ascending);
    ``through`` collects the accounts traced money left."""
    src, dst, amount, ts = g["src"][keep], g["dst"][keep], g["amount"][keep], g["ts"][keep]
    code = stop[keep]
    seed = np.zeros(len(keep), dtype=I64)
    chosen = np.isin(keep, g["seeds"])
    seed[chosen] = amount[chosen]
    if not g["forward"]:
        src, dst = dst[::-1].copy(), src[::-1].copy()
        ts, amount, code, seed = -ts[::-1], amount[::-1].copy(), code[::-1].copy(), seed[::-1]
        keep = keep[::-1]
    arrays = [np.ascontiguousarray(a, dtype=I64) for a in (src, dst, amount, ts)]
    args = (np.ascontiguousarray(code), np.ascontiguousarray(seed), g["max_hops"], g["window"])
    if policy == "poison":
        rec = trace_poison(*arrays, *args, g["k"])
    else:
        kernel = {"fifo": FIFO, "lifo": LIFO, "pro-rata": PRO_RATA}[policy]
        rec = trace_lots(kernel, *arrays, *args, g["k"])
    out: dict[Any, int] = defaultdict(int)
    for row in rec:
        if row[R_PARENT] >= 0 and row[R_TX] >= 0:
            through.add(int(rec[row[R_PARENT], R_ACC]))
        if row[R_KIND] == REACHED:
            out[("reached", int(keep[row[R_TX]]))] += int(row[R_AMT])
        elif row[R_KIND] == HELD:
            out[("held", int(row[R_ACC]))] += int(row[R_AMT])
    return {key: v for key, v in out.items() if v}


@settings(max_examples=300, deadline=None)
@given(g=ledgers(), policy=st.sampled_from(["fifo", "lifo", "pro-rata", "poison"]))
def test_pruned_kernels_equal_full_kernels(g: dict[str, Any], policy: str) -> None:
    k = g["k"]
    rule = np.asarray([g["forward"], *g["stops"], 1], dtype=I64)
    facts = (g["src"], g["dst"], g["channel"], g["sc"], g["dc"], g["flag"], rule)
    stop = stop_codes_all(*facts)
    out_start, out_pos = csr(g["src"], k)
    in_start, in_pos = csr(g["dst"], k)
    seeds = np.asarray(g["seeds"], dtype=I64)
    codes = stop_codes(seeds, *facts)
    assert list(codes) == list(stop[seeds])
    go_on = seeds[codes == 0]
    start_acc = (g["dst"] if g["forward"] else g["src"])[go_on]
    adjacency = (out_start, out_pos) if g["forward"] else (in_start, in_pos)
    reached, scanned = reach_accounts(
        *facts[:2], g["ts"], *facts[2:], *adjacency, start_acc, go_on, g["ts"][go_on],
        g["max_hops"], g["window"], 10**9,
    )  # fmt: skip
    assert scanned >= 0
    keep = touching(reached, out_start, out_pos, in_start, in_pos, seeds)
    full = np.arange(len(g["src"]), dtype=I64)
    through: set[int] = set()
    assert run(policy, g, keep, stop, set()) == run(policy, g, full, stop, through)
    assert through <= {a for a in range(k) if reached[a]}


def test_reach_gives_up_beyond_its_budget() -> None:
    src = np.asarray([0, 1, 2, 3], dtype=I64)
    dst = np.asarray([1, 2, 3, 0], dtype=I64)
    ts = np.arange(4, dtype=I64)
    zeros8, zeros16 = np.zeros(4, np.int8), np.zeros(4, np.int16)
    start, pos = csr(src, 4)
    rule = np.asarray([1, 0, 0, 0, 0, 0], dtype=I64)
    one = np.asarray([1], dtype=I64)
    reached, scanned = reach_accounts(
        src, dst, ts, zeros8, zeros16, zeros16, np.zeros(4, np.int8), rule, start, pos,
        one, np.asarray([0], dtype=I64), np.asarray([0], dtype=I64), 10, -1, 1,
    )  # fmt: skip
    assert scanned == -1
    reached, scanned = reach_accounts(
        src, dst, ts, zeros8, zeros16, zeros16, np.zeros(4, np.int8), rule, start, pos,
        one, np.asarray([0], dtype=I64), np.asarray([0], dtype=I64), 10, -1, 100,
    )  # fmt: skip
    assert list(reached) == [True, True, True, True] and scanned == 3
