"""Fan and degree in a time window, for both ends of every transaction, in compiled code.

Why a sliding window per account: walking each account's transactions once in event order, with
a count per counterparty, gives every transaction its fan (distinct counterparties) and degree
(transactions) in ``O(degree)`` per account, where a query per transaction would cost
``O(degree^2)`` on the hub accounts that matter most (collectors, cash-out agents).

For transaction i (u -> v at t), over ``[t - W, t]`` and only transactions up to i itself:
``fan_out_src``/``deg_out_src`` (what u sent), ``fan_in_src``/``deg_in_src`` (what u received),
``fan_in_dst``/``deg_in_dst`` (what v received), ``fan_out_dst``/``deg_out_dst`` (what v sent).
The degree counts transactions with an outside counterparty; the fan counts only known accounts.

Example: three wallets paying one collector in an hour give the third payment
``fan_in_dst == 3``.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

from moneytrail.detect.features.adjacency import JIT, PJIT, chunks

NAMES = (
    "fan_out_src",
    "deg_out_src",
    "fan_in_src",
    "deg_in_src",
    "fan_in_dst",
    "deg_in_dst",
    "fan_out_dst",
    "deg_out_dst",
)
# the same over ``FeatureConfig.long_window`` (a month by default)
LONG_NAMES = tuple(f"{name}_long" for name in NAMES)


@JIT
def _move(code: int, src: Any, dst: Any, cnt_out: Any, cnt_in: Any, state: Any, step: int) -> None:
    """Add (``step`` 1) or remove (-1) one entry from the windows; ``state`` holds
    fan_out, deg_out, fan_in, deg_in."""
    e = code >> 1
    if code & 1 == 0:
        other = dst[e]
        state[1] += step
        if other >= 0:
            cnt_out[other] += step
            if (step > 0 and cnt_out[other] == 1) or (step < 0 and cnt_out[other] == 0):
                state[0] += step
    else:
        other = src[e]
        state[3] += step
        if other >= 0:
            cnt_in[other] += step
            if (step > 0 and cnt_in[other] == 1) or (step < 0 and cnt_in[other] == 0):
                state[2] += step


@PJIT
def fan_degree(src: Any, dst: Any, ts: Any, ptr: Any, ent: Any, window: int, out: Any,
               col: int, parts: int) -> None:  # fmt: skip
    """Write the eight :data:`NAMES` columns into ``out[:, col:col + 8]``, the accounts split
    in ``parts`` runs of equal work (one per thread; scratch arrays are per run)."""
    n_nodes = ptr.shape[0] - 1
    bounds = chunks(ptr, parts)
    for c in nb.prange(parts):
        cnt_out = np.zeros(n_nodes, np.int32)
        cnt_in = np.zeros(n_nodes, np.int32)
        state = np.zeros(4, np.int64)
        for node in range(bounds[c], bounds[c + 1]):
            lo, hi = ptr[node], ptr[node + 1]
            state[:] = 0
            k = lo
            p = lo
            while p < hi:
                e = ent[p] >> 1
                q = p
                while q < hi and ent[q] >> 1 == e:  # a self-transfer has two entries
                    _move(ent[q], src, dst, cnt_out, cnt_in, state, 1)
                    q += 1
                since = ts[e] - window
                while ts[ent[k] >> 1] < since:
                    _move(ent[k], src, dst, cnt_out, cnt_in, state, -1)
                    k += 1
                for r in range(p, q):
                    if ent[r] & 1 == 0:
                        out[e, col + 0] = state[0]
                        out[e, col + 1] = state[1]
                        out[e, col + 2] = state[2]
                        out[e, col + 3] = state[3]
                    else:
                        out[e, col + 4] = state[2]
                        out[e, col + 5] = state[3]
                        out[e, col + 6] = state[0]
                        out[e, col + 7] = state[1]
                p = q
            while k < hi:  # leave the counters at zero for the next account
                _move(ent[k], src, dst, cnt_out, cnt_in, state, -1)
                k += 1
