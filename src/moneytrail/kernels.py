"""Compiled helpers shared by tracing (``moneytrail.trace``) and detection features
(``moneytrail.detect.features``), so that one tested implementation serves both.

Example::

    start, pos = group_positions(np.array([1, 0, 1, -1]), 2)
    # start == [0, 1, 3]; pos == [1, 0, 2]: group 0 holds position 1, group 1 positions 0 and 2
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@nb.njit(cache=True, nogil=True)
def _group(keys: Any, n_groups: int) -> Any:
    start = np.zeros(n_groups + 1, np.int64)
    for k in keys:
        if k >= 0:
            start[k + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    fill = start[:-1].copy()
    pos = np.empty(start[n_groups], np.int64)
    for i in range(keys.shape[0]):
        k = keys[i]
        if k >= 0:
            pos[fill[k]] = i
            fill[k] += 1
    return start, pos


def group_positions(keys: I64, n_groups: int) -> tuple[I64, I64]:
    """``(start, pos)``: the positions of ``keys`` grouped by key value (CSR), input order kept
    inside each group; ``-1`` keys are left out.

    A stable counting sort, linear in the input: ``argsort`` of ten million keys takes about a
    second, this a few tens of milliseconds. Since callers pass arrays in event order, each
    group lists its account's (or node's) transactions in time order.
    """
    start, pos = _group(keys, n_groups)
    return start, pos
