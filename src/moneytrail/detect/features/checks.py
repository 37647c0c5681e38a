"""Refuse edge arrays and settings the kernels cannot trust, with a reason a person can read.

Why: a compiled kernel given unsorted times or an out-of-range node id would silently look into
the future or read the wrong memory; checking is one vectorised pass over the arrays.

Example::

    check_edges(edges)  # raises BadInputError("error.features_refused") naming the first bad row
"""

from __future__ import annotations

import numpy as np

from moneytrail.detect.features.model import EdgeArrays, FeatureConfig
from moneytrail.errors import BadInputError, Problem, UsageError

WHERE = "edges"


def check_edges(edges: EdgeArrays) -> None:
    """Same lengths, time order, node ids in ``[-1, n_nodes)``, finite amounts."""
    n = len(edges.ts)
    problems: list[Problem] = []
    if not all(len(a) == n for a in (edges.src, edges.dst, edges.amount)):
        lengths = f"{len(edges.src)}/{len(edges.dst)}/{n}/{len(edges.amount)}"
        problems.append(Problem(WHERE, "features_lengths", params={"lengths": lengths}))
        raise BadInputError("error.features_refused", problems=problems)
    late = np.flatnonzero(np.diff(edges.ts) < 0)
    if len(late):
        problems.append(Problem(WHERE, "features_not_in_time_order", line=int(late[0]) + 2))
    for name, ids in (("src", edges.src), ("dst", edges.dst)):
        bad = np.flatnonzero((ids < -1) | (ids >= edges.n_nodes))
        if len(bad):
            value = str(ids[bad[0]])
            params = {"n_nodes": edges.n_nodes}
            line = int(bad[0]) + 1
            problems.append(Problem(WHERE, "features_bad_node", line, name, value, params))
    bad = np.flatnonzero(~np.isfinite(edges.amount))
    if len(bad):
        problems.append(Problem(WHERE, "features_bad_amount", line=int(bad[0]) + 1,
                                field="amount", value=str(edges.amount[bad[0]])))  # fmt: skip
    if problems:
        raise BadInputError("error.features_refused", problems=problems)


def check_config(config: FeatureConfig) -> None:
    """Windows >= 0, cycles of at least 2 accounts, a positive work bound."""
    windows = (config.fan_window, config.long_window, config.stats_window,
               config.scatter_gather_window, config.cycle_window)  # fmt: skip
    if min(windows) < 0 or config.max_cycle_len < 2 or config.max_work < 1:
        raise UsageError("error.features_bad_setting", config=repr(config))
