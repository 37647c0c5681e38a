"""Assemble the feature matrix: one column block per enabled family, all in compiled code.

Why one float32 matrix: models (LightGBM, scikit-learn) take one dense array; float32 halves the
memory of a 5-million-transaction matrix and is precise enough for counts and statistics.

Example::

    matrix = transaction_features(edges, FeatureConfig(fan_window=3600, stats=False))
    matrix.column("fan_in_dst")
"""

from __future__ import annotations

import numba as nb
import numpy as np

from moneytrail.detect.features import cycles, fan, history, scatter, stats
from moneytrail.detect.features.adjacency import csr, incident
from moneytrail.detect.features.checks import check_config, check_edges
from moneytrail.detect.features.model import EdgeArrays, FeatureConfig, FeatureMatrix

DEFAULT = FeatureConfig()


def feature_names(config: FeatureConfig) -> list[str]:
    """Column names, in order, of what ``config`` enables."""
    names: list[str] = []
    if config.fan:
        names += fan.NAMES
    if config.long_fan:
        names += fan.LONG_NAMES
    if config.stats:
        names += stats.NAMES
    if config.long_stats:
        names += stats.LONG_NAMES
    if config.scatter_gather:
        names += scatter.NAMES
    if config.temporal_cycles:
        names.append(cycles.NAMES[0])
    if config.simple_cycles:
        names.append(cycles.NAMES[1])
    if config.history:
        names += history.NAMES
    return names


def transaction_features(edges: EdgeArrays, config: FeatureConfig = DEFAULT) -> FeatureMatrix:
    """Features of every transaction, each computed only from itself and earlier transactions.

    Runs on numba's threads (``numba.set_num_threads`` chooses how many). Raises
    ``BadInputError`` for unsorted or malformed edges and ``UsageError`` for bad settings.
    """
    check_edges(edges)
    check_config(config)
    names = feature_names(config)
    values = np.zeros((len(edges), len(names)), np.float32)
    src, dst, ts = edges.src, edges.dst, edges.ts
    threads = int(nb.get_num_threads())
    if config.fan or config.long_fan:
        ptr, ent = incident(src, dst, edges.n_nodes)
        if config.fan:
            fan.fan_degree(src, dst, ts, ptr, ent, config.fan_window, values, 0, threads)
        if config.long_fan:
            at = names.index(fan.LONG_NAMES[0])
            fan.fan_degree(src, dst, ts, ptr, ent, config.long_window, values, at, threads)
        del ptr, ent
    if config.history:
        pair, reverse, n_pairs = history.pair_ids(src, dst, edges.n_nodes)
        history.account_history(src, dst, ts, edges.amount, pair, reverse, n_pairs,
                                edges.n_nodes, values, names.index(history.NAMES[0]))  # fmt: skip
        del pair, reverse
    need_out = config.stats or config.long_stats or config.scatter_gather
    need_out = need_out or config.temporal_cycles
    need_out = need_out or config.simple_cycles
    if not need_out:
        return FeatureMatrix(names=names, values=values)
    out_ptr, out_lst = csr(src, edges.n_nodes)
    in_ptr, in_lst = csr(dst, edges.n_nodes)
    out_side, in_side = (out_ptr, out_lst), (in_ptr, in_lst)
    # (edges summarised, edges described), in the order of stats.SIDES
    pairs = ((out_side, out_side), (in_side, in_side), (in_side, out_side), (out_side, in_side))
    families = ((config.stats, stats.NAMES[0], config.stats_window),
                (config.long_stats, stats.LONG_NAMES[0], config.long_window))  # fmt: skip
    for on, first, window in families:
        if not on:
            continue
        col, width = names.index(first), len(stats.STATS)
        sides = pairs if first == stats.NAMES[0] else pairs[: len(stats.LONG_SIDES)]
        for at, ((ptr, lst), (ask_ptr, ask)) in enumerate(sides):
            stats.vertex_stats(ptr, lst, ask_ptr, ask, ts, edges.amount, window, values,
                               col + at * width, threads)  # fmt: skip
    if config.scatter_gather:
        scatter.scatter_gather(
            src, dst, ts, out_ptr, out_lst, in_ptr, in_lst, config.scatter_gather_window,
            config.max_work, values, names.index(scatter.NAMES[0]), threads,
        )  # fmt: skip
    if config.temporal_cycles or config.simple_cycles:
        col_t = names.index(cycles.NAMES[0]) if config.temporal_cycles else -1
        col_s = names.index(cycles.NAMES[1]) if config.simple_cycles else -1
        cycles.cycles(
            src, dst, ts, out_ptr, out_lst, in_ptr, in_lst, config.cycle_window,
            config.max_cycle_len, config.max_work, config.simple_cycles, values, col_t, col_s,
            threads,
        )  # fmt: skip
    return FeatureMatrix(names=names, values=values)
