"""The typed inputs and output of graph-pattern features: edges, settings, the feature matrix.

Why plain arrays: a national data set has millions of transactions and the feature kernels run in
compiled code (numba), so transactions travel as parallel numpy arrays in event order, never as
one Python object per row.

Assumptions (docs/detection-features.md):

- edges are sorted by ``ts`` ascending and ties keep the input order, so "earlier than edge i"
  is exactly "index < i": the kernels never look at an index above the edge they describe;
- a node id of -1 means "outside the data" (cash, an unknown counterparty): such an endpoint
  has no features of its own (its columns are 0);
- windows are closed intervals ``[t - W, t]`` in seconds.

Example::

    edges = edges_from_arrays(["a", "b"], ["b", "c"], [0, 60], [1000.0, 990.0])
    transaction_features(edges, FeatureConfig(fan_window=3600)).values.shape  # (2, n_features)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

DAY = 86_400


@dataclass(frozen=True)
class EdgeArrays:
    """Transactions as parallel numpy arrays, sorted by ts ascending (ties keep input order).

    ``src``/``dst``: int64 dense node ids (0..n_nodes-1), -1 = outside the data; ``ts``: int64
    seconds since the epoch (UTC); ``amount``: float64 in the reporting currency (features only:
    money stays ``Decimal`` everywhere else).
    """

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    ts: npt.NDArray[np.int64]
    amount: npt.NDArray[np.float64]
    n_nodes: int

    def __len__(self) -> int:
        return len(self.ts)


@dataclass(frozen=True)
class FeatureConfig:
    """Which feature families to compute and over which windows (seconds).

    Defaults: one day for fan/degree and vertex statistics (the rhythm of mobile-money
    structuring), one week for scatter-gather and cycles (layering takes days), cycles of at most
    5 edges (longer rings are rare and costly to enumerate). ``max_work`` bounds the steps a cycle
    or scatter-gather search may take for one transaction: past it the counts are lower bounds
    (only hub accounts reach it; see docs/detection-features.md). ``history`` adds the
    window-free account and relationship history (``hist_*``, ``amount_round``), which is not
    part of the Graph Feature Preprocessor's family.
    """

    fan_window: int = DAY
    long_window: int = 30 * DAY
    stats_window: int = DAY
    scatter_gather_window: int = 7 * DAY
    cycle_window: int = 7 * DAY
    max_cycle_len: int = 5
    max_work: int = 20_000
    fan: bool = True
    long_fan: bool = True
    long_stats: bool = True
    stats: bool = True
    scatter_gather: bool = True
    temporal_cycles: bool = True
    simple_cycles: bool = True
    history: bool = True


@dataclass(frozen=True)
class FeatureMatrix:
    """Feature values: row i describes edge i of the :class:`EdgeArrays` it was computed from."""

    names: list[str]
    values: npt.NDArray[np.float32] = field(repr=False)

    def column(self, name: str) -> npt.NDArray[np.float32]:
        """The values of one feature, by name."""
        return self.values[:, self.names.index(name)]
