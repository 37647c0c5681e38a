"""Plain-Python reference of the allocation policies, written for clarity, not speed.

The compiled kernels of :mod:`moneytrail.trace.policies` are checked against these functions on
random small graphs. Each returns ``{(stop code, account): traced units}`` for the endpoints.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

HELD = 6
Totals = dict[tuple[int, int], int]


def reference(
    policy: str,
    src: list[int],
    dst: list[int],
    amount: list[int],
    ts: list[int],
    stop: list[int],
    seed: list[int],
    max_hops: int,
    window: int,
) -> dict[tuple[int, int], Fraction]:
    """Endpoint totals under ``policy`` (fifo, lifo, pro-rata, poison); see docs/tracing.md."""
    if policy == "poison":
        return {
            k: Fraction(v)
            for k, v in _poison(src, dst, amount, ts, stop, seed, max_hops, window).items()
        }
    ends: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    # lot: [amount, tainted, arrival time, hop]; list in arrival order
    lots: dict[int, list[list[object]]] = defaultdict(list)

    def land(acc: int, x: Fraction, t: int, hop: int, code: int) -> None:
        if code:
            ends[(code, acc)] += x
        elif hop >= max_hops:
            ends[(HELD, acc)] += x
            lots[acc].append([x, False, t, 0])
        else:
            lots[acc].append([x, True, t, hop])

    for i in range(len(src)):
        s, d, a, t, code = src[i], dst[i], amount[i], ts[i], stop[i]
        if s == d and s >= 0:
            continue
        pieces: list[tuple[Fraction, int]] = []
        if s >= 0:
            for lot in lots[s]:
                if lot[1] and window >= 0 and t - lot[2] > window:  # type: ignore[operator]
                    ends[(HELD, s)] += lot[0]  # type: ignore[assignment]
                    lot[1] = False
            balance = sum((lot[0] for lot in lots[s]), Fraction(0))  # type: ignore[misc]
            need = min(Fraction(a), balance)
            if policy == "pro-rata":
                if balance > 0:
                    for lot in lots[s]:
                        share = lot[0] * need / balance  # type: ignore[operator]
                        lot[0] -= share  # type: ignore[operator]
                        if lot[1]:
                            pieces.append((share, lot[3]))  # type: ignore[arg-type]
            else:
                order = lots[s] if policy == "fifo" else list(reversed(lots[s]))
                for lot in order:
                    take = min(need, lot[0])  # type: ignore[type-var]
                    lot[0] -= take  # type: ignore[operator]
                    need -= take
                    if lot[1] and take > 0:
                        pieces.append((take, lot[3]))  # type: ignore[arg-type]
            lots[s] = [lot for lot in lots[s] if lot[0] > 0]  # type: ignore[operator]
        traced = Fraction(0)
        for x, hop in pieces:
            if x > 0:
                traced += x
                land(d, x, t, hop + 1, code)
        rest = a - traced
        z = min(Fraction(seed[i]), rest) if seed[i] > 0 else Fraction(0)
        if z > 0:
            land(d, z, t, 0, code)
            rest -= z
        if d >= 0 and code:  # money that reached an endpoint still sits there, untraced
            lots[d].append([Fraction(a), False, t, 0])
        elif d >= 0 and rest > 0:
            lots[d].append([rest, False, t, 0])
    for acc, acc_lots in lots.items():
        for lot in acc_lots:
            if lot[1] and lot[0] > 0:  # type: ignore[operator]
                ends[(HELD, acc)] += lot[0]  # type: ignore[assignment]
    return {k: v for k, v in ends.items() if v}


def _poison(
    src: list[int],
    dst: list[int],
    amount: list[int],
    ts: list[int],
    stop: list[int],
    seed: list[int],
    max_hops: int,
    window: int,
) -> Totals:
    ends: Totals = defaultdict(int)
    state: dict[int, list[int]] = {}  # account -> [since, hop, held]
    for i in range(len(src)):
        s, d, a, t, code = src[i], dst[i], amount[i], ts[i], stop[i]
        if s == d and s >= 0:
            continue
        hop = -1
        if s in state:
            since, h, held = state[s]
            if window >= 0 and t - since > window:
                if held:
                    ends[(HELD, s)] += held
                del state[s]
            else:
                hop = h + 1
                state[s][2] = max(0, held - a)
        elif seed[i] > 0:
            hop, a = 0, min(a, seed[i])
        if hop < 0:
            continue
        if code:
            ends[(code, d)] += a
            continue
        if hop >= max_hops:
            ends[(HELD, d)] += a
            continue
        if d in state and window >= 0 and t - state[d][0] > window and state[d][2] > 0:
            ends[(HELD, d)] += state[d][2]
            state[d][2] = 0
        old = state[d][2] if d in state else 0
        state[d] = [t, hop, old + a]
    for acc, (_, _, held) in state.items():
        if held:
            ends[(HELD, acc)] += held
    return {k: v for k, v in ends.items() if v}
