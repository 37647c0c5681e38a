"""Plain-Python references of every feature family, written from the definitions in
docs/detection-features.md with no pruning and no sliding state, for small graphs only."""

from __future__ import annotations

import dataclasses
import itertools
import statistics
from collections.abc import Sequence
from typing import Any

import numpy as np

from moneytrail.detect.features import EdgeArrays, FeatureConfig


def _window(e: EdgeArrays, i: int, w: int) -> list[int]:
    """Edges j <= i with ts_j >= t_i - w (edges are in event order)."""
    return [j for j in range(i + 1) if e.ts[j] >= e.ts[i] - w]


def fan(e: EdgeArrays, cfg: FeatureConfig) -> list[list[float]]:
    rows = []
    for i in range(len(e)):
        win = _window(e, i, cfg.fan_window)
        row: list[float] = []
        for x, sides in ((e.src[i], ("out", "in")), (e.dst[i], ("in", "out"))):
            for side in sides:
                if x < 0:
                    row += [0, 0]
                    continue
                mine = [j for j in win if (e.src[j] if side == "out" else e.dst[j]) == x]
                other = {int(e.dst[j] if side == "out" else e.src[j]) for j in mine}
                row += [len(other - {-1}), len(mine)]
        rows.append(row)
    return rows


def _stats(e: EdgeArrays, mine: list[int]) -> list[float]:
    if not mine:  # the other direction may be empty: nothing received or sent yet
        return [0, 0, 0, 0, 0, 0, -1, -1, -1, -1]
    amounts = [float(e.amount[j]) for j in mine]
    times = [int(e.ts[j]) for j in mine]
    gaps = [float(b - a) for a, b in itertools.pairwise(times)]
    row = [sum(amounts), statistics.fmean(amounts), statistics.pstdev(amounts), min(amounts)]
    row += [max(amounts), len(amounts)]
    if gaps:
        row += [statistics.fmean(gaps), statistics.pstdev(gaps), min(gaps), max(gaps)]
    else:
        row += [-1, -1, -1, -1]
    return row


def stats(e: EdgeArrays, cfg: FeatureConfig) -> list[list[float]]:
    rows = []
    for i in range(len(e)):
        win = _window(e, i, cfg.stats_window)
        u, v = e.src[i], e.dst[i]
        row = _stats(e, [j for j in win if e.src[j] == u]) if u >= 0 else [0.0] * 10
        row += _stats(e, [j for j in win if e.dst[j] == v]) if v >= 0 else [0.0] * 10
        row += _stats(e, [j for j in win if e.dst[j] == u]) if u >= 0 else [0.0] * 10
        row += _stats(e, [j for j in win if e.src[j] == v]) if v >= 0 else [0.0] * 10
        rows.append(row)
    return rows


def scatter_gather(e: EdgeArrays, cfg: FeatureConfig) -> list[list[int]]:
    rows = []
    for i in range(len(e)):
        u, v = int(e.src[i]), int(e.dst[i])
        if u < 0 or v < 0 or u == v:
            rows.append([0, 0])
            continue
        win = _window(e, i, cfg.scatter_gather_window)
        last_pay = {int(e.src[j]): j for j in win if e.dst[j] == v and e.src[j] >= 0}
        sources = {int(e.src[j]) for j in win if j < i and e.dst[j] == u} - {-1, u, v}
        widths = []
        for s in sources:
            inter = {
                int(e.dst[j])
                for j in win
                if j < i and e.src[j] == s and e.dst[j] in last_pay and j < last_pay[int(e.dst[j])]
            }
            widths.append(len(inter - {v, s}))
        rows.append([sum(1 for w in widths if w >= 2), max(widths, default=0)])
    return rows


def cycles(e: EdgeArrays, cfg: FeatureConfig) -> list[list[int]]:
    rows = []
    for i in range(len(e)):
        u, v = int(e.src[i]), int(e.dst[i])
        if u < 0 or v < 0 or u == v:
            rows.append([0, 0])
            continue
        win = [j for j in _window(e, i, cfg.cycle_window) if j < i]
        found: list[list[int]] = []
        _walk(e, cfg, win, u, v, [v], [], found)
        temporal = sum(1 for c in found if all(a < b for a, b in itertools.pairwise(c)))
        rows.append([temporal, len(found)])
    return rows


def _walk(e: EdgeArrays, cfg: FeatureConfig, win: list[int], u: int, x: int, path: list[int],
          chain: list[int], found: list[list[int]]) -> None:  # fmt: skip
    """Every chain of window edges from x to u visiting no account twice, within the length."""
    for j in win:
        if e.src[j] != x:
            continue
        y = int(e.dst[j])
        if y == u:
            found.append([*chain, j])
        elif y >= 0 and y not in path and len(chain) + 2 < cfg.max_cycle_len:
            _walk(e, cfg, win, u, y, [*path, y], [*chain, j], found)


def long_fan(e: EdgeArrays, cfg: FeatureConfig) -> list[list[float]]:
    return fan(e, dataclasses.replace(cfg, fan_window=cfg.long_window))


def long_stats(e: EdgeArrays, cfg: FeatureConfig) -> list[list[float]]:
    rows = stats(e, dataclasses.replace(cfg, stats_window=cfg.long_window))
    return [row[:20] for row in rows]  # the transaction's own side of each end


def _round_zeros(amount: float) -> int:
    digits = str(int(abs(amount) + 0.5))
    return 0 if digits == "0" else len(digits) - len(digits.rstrip("0"))


def history(e: EdgeArrays) -> list[list[float]]:
    """From the definitions, each row from a fresh scan of the edges before it."""
    rows = []
    for i in range(len(e)):
        u, v, t, a = int(e.src[i]), int(e.dst[i]), int(e.ts[i]), float(e.amount[i])
        past = range(i)
        row: list[float] = []
        for x, y in ((u, v), (v, u)):  # the pair, then its reverse
            same = [j for j in past if x >= 0 and y >= 0 and e.src[j] == x and e.dst[j] == y]
            row += [len(same), t - int(e.ts[same[-1]]) if same else -1]
        ends: list[list[float]] = []
        for x in (u, v):
            mine = [j for j in past if x >= 0 and x in (e.src[j], e.dst[j])]
            got = [j for j in mine if e.dst[j] == x]
            sent = [j for j in mine if e.src[j] == x]
            ends.append([
                t - int(e.ts[mine[0]]) if mine else 0,
                t - int(e.ts[mine[-1]]) if mine else -1,
                len(got), len(sent),
                len({int(e.src[j]) for j in got} - {-1}), len({int(e.dst[j]) for j in sent} - {-1}),
                sum(float(e.amount[j]) for j in got) - sum(float(e.amount[j]) for j in sent),
                t - int(e.ts[got[-1]]) if got else -1,
                float(e.amount[got[-1]]) if got else 0.0,
            ])  # fmt: skip
        (s_age, s_idle, s_in, s_out, s_snd, s_pay, s_bal, s_gap, s_last) = ends[0]
        (d_age, d_idle, d_in, d_out, d_snd, d_pay, d_bal, _, _) = ends[1]
        if u < 0:
            s_bal, s_gap = 0.0, -1
        row += [s_age, d_age, s_idle, d_idle, s_in, s_out, d_in, d_out]
        row += [s_snd, s_pay, d_snd, d_pay, s_bal]
        row += [
            a / s_bal if s_bal > 0 else -1,
            s_gap,
            a / s_last if s_gap >= 0 and s_last > 0 else -1,
        ]
        row += [d_bal, _round_zeros(a)]
        rows.append(row)
    return rows


def as_array(rows: Sequence[Sequence[float]]) -> np.ndarray[Any, Any]:
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
