"""Building edge arrays: factorised keys, event order, outside counterparties, workspaces."""

from __future__ import annotations

import numpy as np
import pytest

from moneytrail.detect.features import (
    EdgeArrays,
    FeatureConfig,
    account_features,
    edges_from_arrays,
    edges_from_workspace,
    event_order,
    transaction_features,
)
from moneytrail.errors import BadInputError, UsageError
from moneytrail.workspace import Workspace
from tests.trace.stories import tx_id, write_story


def test_keys_are_factorised_and_rows_sorted_stably_by_time() -> None:
    ts = [30, 10, 20, 10]
    edges = edges_from_arrays(["A", "B", "A", None], ["B", "C", "C", "A"], ts, [1, 2, 3, 4])
    assert event_order(ts).tolist() == [1, 3, 2, 0]
    assert edges.ts.tolist() == [10, 10, 20, 30]
    assert edges.amount.tolist() == [2.0, 4.0, 3.0, 1.0]
    assert edges.n_nodes == 3
    assert edges.src[1] == -1  # None: outside the data
    a, b = edges.src[3], edges.dst[3]
    assert edges.src[2] == a and edges.dst[0] == edges.dst[2] and a != b


def test_integer_keys_and_datetimes() -> None:
    ts = np.array(["2024-01-01T00:00:10", "2024-01-01T00:00:00"], dtype="datetime64[s]")
    edges = edges_from_arrays(np.array([7, 9]), np.array([9, 7]), ts, [1.0, 1.0])
    assert edges.ts.tolist() == [1704067200, 1704067210]
    assert edges.src.dtype == np.int64 and edges.n_nodes == 2


def test_workspace_transactions_in_event_order_with_their_ids(ws: Workspace) -> None:
    accounts = [(n, "mobile_money", "ML") for n in ("A", "B", "C")]
    txs = [
        ("t2", "2024-03-01 10:05", "B", "C", 900, "mobile_money"),
        ("t1", "2024-03-01 10:00", "A", "B", 1000, "mobile_money"),
        ("t3", "2024-03-01 10:09", "C", None, 800, "cash_withdrawal"),
        ("t4", "2024-03-01 10:09", "C", "A", 50, "mobile_money"),
    ]
    write_story(ws.engine, accounts, txs)
    edges, ids = edges_from_workspace(ws.engine)
    assert ids.to_pylist() == [tx_id(t) for t in ("t1", "t2", "t3", "t4")]
    assert edges.amount.tolist() == [1000.0, 900.0, 800.0, 50.0]
    assert edges.dst[2] == -1 and edges.ts[1] - edges.ts[0] == 300
    matrix = transaction_features(edges, FeatureConfig(fan_window=3600))
    assert matrix.column("cycle_temporal").tolist() == [0, 0, 0, 1]  # A -> B -> C -> A
    assert matrix.column("deg_out_src").tolist() == [1, 1, 1, 2]


def test_account_features_take_maxima_and_respect_as_of() -> None:
    edges = edges_from_arrays(["a", "b", "c", "x"], ["x", "x", "x", "a"], [0, 1, 2, 3], [1] * 4)
    cfg = FeatureConfig(stats=False, scatter_gather=False)
    matrix = transaction_features(edges, cfg)
    x = int(edges.dst[0])
    every = account_features(edges, matrix)
    assert every.column("in_max_fan_in_dst")[x] == 3
    assert every.column("out_count")[x] == 1 and every.column("in_count")[x] == 3
    assert every.column("out_max_cycle_simple")[x] == 1  # x -> a closes a -> x
    early = account_features(edges, matrix, upto=2)
    assert early.column("in_max_fan_in_dst")[x] == 2
    assert early.column("out_count")[x] == 0


def test_bad_edges_are_refused_with_the_row_and_reason_in_both_languages() -> None:
    edges = EdgeArrays(np.array([0, 5, 1], np.int64), np.array([1, 0, 0], np.int64),
                       np.array([5, 9, 3], np.int64), np.array([1.0, np.nan, 2.0]), 2)  # fmt: skip
    with pytest.raises(BadInputError) as caught:
        transaction_features(edges)
    codes = [(p.code, p.line) for p in caught.value.problems]
    assert codes == [
        ("features_not_in_time_order", 3),
        ("features_bad_node", 2),
        ("features_bad_amount", 2),
    ]
    assert "triées par date" in caught.value.render("fr")
    assert "outside [-1, 2)" in caught.value.render("en")


def test_bad_settings_are_a_usage_error() -> None:
    edges = edges_from_arrays(["a"], ["b"], [0], [1.0])
    with pytest.raises(UsageError):
        transaction_features(edges, FeatureConfig(max_cycle_len=1))
