"""Account and relationship history: what was known of both ends before this transaction.

Why: the graph-pattern families look at a short window (a day, a week). An investigator also
asks questions with no window: *have these two ever dealt with each other?* (a first payment
to a new counterparty), *has money gone the other way before?* (round-tripping), *how old and
how quiet was this account?* (dormant then active, freshly opened mule accounts), *how much of
what the sender had received is it passing on, and how soon?* (pass-through). Those answers
are running totals over the whole past, so one pass over the edges in event order computes
them all in ``O(E)``.

For transaction i (u -> v at t), from transactions with index < i only (ties at the same second
count in input order, as everywhere in this package):

- ``hist_pair_count``, ``hist_pair_gap``: earlier u -> v transactions, seconds since the last
  one (-1: never);
- ``hist_reverse_count``, ``hist_reverse_gap``: the same for v -> u;
- ``hist_{src,dst}_age``: seconds since the account's first transaction (0: this is its first);
- ``hist_{src,dst}_idle``: seconds since its previous transaction, either direction (-1: none);
- ``hist_{src,dst}_{in,out}_count``: transactions received / sent so far;
- ``hist_src_senders``, ``hist_src_payees``, ``hist_dst_senders``, ``hist_dst_payees``: distinct
  counterparties inside the data that paid / were paid by the account so far (cash and unknown
  counterparties are not counted, as in the fan family);
- ``hist_{src,dst}_balance``: amounts received minus amounts sent so far (money seen by the data,
  not the bank's balance: opening balances and unseen flows are unknown);
- ``hist_src_spend_ratio``: this amount / u's balance when that balance is positive (-1 else);
  a mule passes on 0.9 to 1 of what it received;
- ``hist_src_last_in_gap``, ``hist_src_last_in_ratio``: seconds since u last received money, and
  this amount / that last amount received (-1: never received);
- ``amount_round``: trailing zeros of the whole amount (500 000 -> 5, 498 750 -> 1): staged
  and hand-counted cash is round, genuine commerce rarely is.

An endpoint outside the data (-1) has no history: its counts, balance and age are 0, its gaps and
ratios -1, and it forms no pair. Amounts are in the reporting currency, as the edges carry them.

Example: A receives 100 000 at 10:00 and pays B 97 000 at 10:20; on that payment
``hist_src_last_in_gap == 1200``, ``hist_src_spend_ratio == 0.97`` and ``hist_pair_count == 0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from moneytrail.detect.features.adjacency import JIT

NAMES = (
    "hist_pair_count",
    "hist_pair_gap",
    "hist_reverse_count",
    "hist_reverse_gap",
    "hist_src_age",
    "hist_dst_age",
    "hist_src_idle",
    "hist_dst_idle",
    "hist_src_in_count",
    "hist_src_out_count",
    "hist_dst_in_count",
    "hist_dst_out_count",
    "hist_src_senders",
    "hist_src_payees",
    "hist_dst_senders",
    "hist_dst_payees",
    "hist_src_balance",
    "hist_src_spend_ratio",
    "hist_src_last_in_gap",
    "hist_src_last_in_ratio",
    "hist_dst_balance",
    "amount_round",
)


def pair_ids(
    src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64], n_nodes: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Dense ids of the ordered pairs (u, v) and of their reverses (v, u); -1 where an end is
    outside the data or the reverse never occurs. Vectorised: one sort of the pair keys."""
    valid = (src >= 0) & (dst >= 0)
    n = np.int64(max(n_nodes, 1))
    key = np.where(valid, src * n + dst, -1)
    known = np.unique(key[valid])
    pair = np.where(valid, np.searchsorted(known, key), -1).astype(np.int64)
    if len(known) == 0:
        return pair, np.full(len(src), -1, np.int64), 0
    back = np.where(valid, dst * n + src, -1)
    at = np.minimum(np.searchsorted(known, back), len(known) - 1)
    reverse = np.where(valid & (known[at] == back), at, -1).astype(np.int64)
    return pair, reverse, len(known)


@JIT
def _round_zeros(amount: float) -> int:
    whole = np.int64(np.floor(abs(amount) + 0.5))
    zeros = 0
    while whole > 0 and whole % 10 == 0 and zeros < 15:
        whole //= 10
        zeros += 1
    return zeros


@JIT
def account_history(src: Any, dst: Any, ts: Any, amount: Any, pair: Any, reverse: Any,
                    n_pairs: int, n_nodes: int, out: Any, col: int) -> None:  # fmt: skip
    """Write :data:`NAMES` into ``out[:, col:col+22]``, one pass in event order; the state read
    for edge i is the state after edge i - 1, then edge i is added to it."""
    pair_n = np.zeros(n_pairs, np.int64)
    pair_last = np.full(n_pairs, -1, np.int64)
    first = np.full(n_nodes, -1, np.int64)
    last = np.full(n_nodes, -1, np.int64)
    n_in = np.zeros(n_nodes, np.int64)
    n_out = np.zeros(n_nodes, np.int64)
    senders = np.zeros(n_nodes, np.int64)
    payees = np.zeros(n_nodes, np.int64)
    balance = np.zeros(n_nodes, np.float64)
    last_in = np.full(n_nodes, -1, np.int64)
    last_in_amount = np.zeros(n_nodes, np.float64)
    for e in range(ts.shape[0]):
        u, v, t, a = src[e], dst[e], ts[e], amount[e]
        p, r = pair[e], reverse[e]
        out[e, col + 0] = pair_n[p] if p >= 0 else 0
        out[e, col + 1] = t - pair_last[p] if p >= 0 and pair_last[p] >= 0 else -1
        out[e, col + 2] = pair_n[r] if r >= 0 else 0
        out[e, col + 3] = t - pair_last[r] if r >= 0 and pair_last[r] >= 0 else -1
        for side in range(2):
            x = u if side == 0 else v
            if x < 0:
                out[e, col + 6 + side] = -1
                continue
            out[e, col + 4 + side] = t - first[x] if first[x] >= 0 else 0
            out[e, col + 6 + side] = t - last[x] if last[x] >= 0 else -1
            out[e, col + 8 + 2 * side] = n_in[x]
            out[e, col + 9 + 2 * side] = n_out[x]
            out[e, col + 12 + 2 * side] = senders[x]
            out[e, col + 13 + 2 * side] = payees[x]
        out[e, col + 17] = -1
        out[e, col + 18] = -1
        out[e, col + 19] = -1
        if u >= 0:
            out[e, col + 16] = balance[u]
            if balance[u] > 0:
                out[e, col + 17] = a / balance[u]
            if last_in[u] >= 0:
                out[e, col + 18] = t - last_in[u]
                if last_in_amount[u] > 0:
                    out[e, col + 19] = a / last_in_amount[u]
        if v >= 0:
            out[e, col + 20] = balance[v]
        out[e, col + 21] = _round_zeros(a)
        # then edge e joins the history
        if p >= 0:
            if pair_n[p] == 0:
                payees[u] += 1
                senders[v] += 1
            pair_n[p] += 1
            pair_last[p] = t
        for x in (u, v):
            if x >= 0:
                if first[x] < 0:
                    first[x] = t
                last[x] = t
        if u >= 0:
            n_out[u] += 1
            balance[u] -= a
        if v >= 0:
            n_in[v] += 1
            balance[v] += a
            last_in[v] = t
            last_in_amount[v] = a
