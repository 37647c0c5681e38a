"""Labelled transactions of a workspace as parallel arrays, ready for a model.

Why arrays: the model sees every transaction (millions in a national data set), so edges, raw
attributes, labels and typologies travel as numpy arrays in the event order of
:func:`~moneytrail.detect.features.edges_from_workspace`, never as one Python object per row.
The join of that order with ``transactions`` and ``labels`` runs in SQL over a temporary table of
positions.

Assumptions (docs/detection-model.md, "Labels"):

* only positive labels are stored (migration 0002): an unlabelled transaction counts as negative;
* any label row is positive, whatever its word (``laundering``, ``fraud``, ``sar_alert``, or a
  synthetic role such as ``collector``): every one says "part of a known scheme";
* when a data set labels accounts only (AMLSim ``nodes.csv``), the training target of a
  transaction is "both its accounts are labelled" (money moving inside a known ring), and the
  honest figures are the account-level ones: an account's score is the highest score of the
  transactions it sends or receives in the period evaluated.

>>> RAW_ATTRIBUTES[:2]
('raw_log_amount', 'raw_channel')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from moneytrail.detect.features import EdgeArrays, edges_from_workspace
from moneytrail.engine.base import Engine

# Channels as small integers, in a fixed order (a saved model relies on it; append only).
CHANNELS = (
    "unknown",
    "wire",
    "mobile_money",
    "cash_deposit",
    "cash_withdrawal",
    "hawala",
    "card",
    "cheque",
    "crypto",
)
RAW_ATTRIBUTES = (
    "raw_log_amount",
    "raw_channel",
    "raw_hour",
    "raw_weekday",
    "raw_cross_border",
    "raw_outside",
)
_ORDER_TABLE = "mt_model_order"
_ATTRIBUTES_SQL = """
WITH tx_labels AS (
    SELECT subject_id, min(typology) AS typology FROM labels
    WHERE subject_kind = 'transaction' GROUP BY subject_id
), acct_labels AS (
    SELECT subject_id, min(typology) AS typology FROM labels
    WHERE subject_kind = 'account' GROUP BY subject_id
)
SELECT o.pos,
       coalesce(list_position(?, t.channel), 1) - 1 AS channel,
       hour(t.ts) AS hour, isodow(t.ts) AS weekday,
       coalesce(t.src_country <> t.dst_country, false) AS cross_border,
       t.src_account_id IS NULL OR t.dst_account_id IS NULL AS outside,
       tl.subject_id IS NOT NULL AS tx_label, tl.typology AS tx_typology,
       coalesce(t.src_account_id, '') AS src_account, coalesce(t.dst_account_id, '') AS dst_account,
       sl.subject_id IS NOT NULL AS src_label, sl.typology AS src_typology,
       dl.subject_id IS NOT NULL AS dst_label, dl.typology AS dst_typology
FROM mt_model_order o
JOIN transactions t ON t.id = o.id
LEFT JOIN tx_labels tl ON tl.subject_id = t.id
LEFT JOIN acct_labels sl ON sl.subject_id = t.src_account_id
LEFT JOIN acct_labels dl ON dl.subject_id = t.dst_account_id
ORDER BY o.pos
"""


@dataclass(frozen=True)
class AccountView:
    """Accounts of the edges as dense codes, with their labels (account-level evaluation).

    ``src``/``dst``: code of each edge's accounts (-1: outside the data); ``label``: per code;
    ``typology``: per code, an index into ``typology_names`` (-1 where the data set names none).
    """

    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    label: npt.NDArray[np.bool_]
    typology: npt.NDArray[np.int64]
    typology_names: list[str]


@dataclass(frozen=True)
class LabelledEdges:
    """Every transaction in event order with raw attributes, target and typology.

    ``target``: what the model learns (transaction label, or both accounts labelled when the
    data set labels accounts only, see ``target_kind``); ``typology``: the data set's typology
    of each positive transaction (``None`` if unnamed or negative); ``accounts``: for the
    account-level figures, ``None`` when the data set labels no account.
    """

    edges: EdgeArrays
    ids: pa.Array
    raw: npt.NDArray[np.float32]
    target: npt.NDArray[np.bool_]
    target_kind: str
    typology: pa.Array
    accounts: AccountView | None

    def __len__(self) -> int:
        return len(self.edges)


def load_edges(engine: Engine) -> tuple[EdgeArrays, pa.Array, pa.Table]:
    """Edges, their transaction ids and the SQL attributes of each, in the same event order."""
    edges, ids = edges_from_workspace(engine)
    order = pa.table({"pos": pa.array(np.arange(len(ids), dtype=np.int64)), "id": ids})
    engine.execute(f"CREATE OR REPLACE TEMP TABLE {_ORDER_TABLE} (pos BIGINT, id VARCHAR)")
    try:
        engine.append_arrow(_ORDER_TABLE, order)
        attributes = engine.fetch_arrow(_ATTRIBUTES_SQL, [list(CHANNELS)])
    finally:
        engine.execute(f"DROP TABLE IF EXISTS {_ORDER_TABLE}")
    return edges, ids, attributes


def raw_attributes(edges: EdgeArrays, attributes: pa.Table) -> npt.NDArray[np.float32]:
    """The edge's own attributes, in the order of :data:`RAW_ATTRIBUTES`.

    Why these: they are what any detector sees without the graph (amount, channel, time of
    day, day of week, cross-border, money entering or leaving the data); the peer comparison
    gives the same ones to both feature sets, so only the graph features differ.
    """

    def col(name: str) -> npt.NDArray[np.float64]:
        return np.asarray(attributes[name].to_numpy(zero_copy_only=False), dtype=np.float64)

    columns = [
        np.log1p(np.maximum(edges.amount, 0.0)),
        col("channel"),
        col("hour"),
        col("weekday"),
        col("cross_border"),
        col("outside"),
    ]
    return np.ascontiguousarray(np.column_stack(columns), dtype=np.float32)


def labelled_edges(engine: Engine) -> LabelledEdges:
    """Load the workspace's transactions with labels (see the module's assumptions)."""
    edges, ids, attributes = load_edges(engine)
    raw = raw_attributes(edges, attributes)
    tx_label = _bools(attributes["tx_label"])
    accounts = _account_view(attributes)
    if tx_label.any() or accounts is None:
        target, kind = tx_label, "transaction"
        typology = attributes["tx_typology"].combine_chunks()
    else:
        src_ok = _bools(attributes["src_label"])
        dst_ok = _bools(attributes["dst_label"])
        target, kind = src_ok & dst_ok, "account_pair"
        typology = pc.if_else(
            pa.array(target), attributes["dst_typology"].combine_chunks(), pa.nulls(len(target))
        )
    return LabelledEdges(edges, ids, raw, target, kind, typology, accounts)


def _account_view(attributes: pa.Table) -> AccountView | None:
    """Dense account codes and per-account labels; ``None`` when no account is labelled."""
    src_label = _bools(attributes["src_label"])
    dst_label = _bools(attributes["dst_label"])
    if not (src_label.any() or dst_label.any()):
        return None
    n = attributes.num_rows
    both = pa.concat_arrays(
        [
            attributes["src_account"].combine_chunks().cast(pa.string()),
            attributes["dst_account"].combine_chunks().cast(pa.string()),
        ]
    )
    encoded = pc.dictionary_encode(both)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    names = encoded.dictionary
    outside = _code_of(names, "")
    codes[codes == outside] = -1
    n_codes = len(names)
    label = np.zeros(n_codes, dtype=np.bool_)
    label[codes[:n][src_label]] = True
    label[codes[n:][dst_label]] = True
    if outside >= 0:
        label[outside] = False
    typology = np.full(n_codes, -1, dtype=np.int64)
    typology_names: list[str] = []
    for side, column in ((codes[:n], "src_typology"), (codes[n:], "dst_typology")):
        named = attributes[column].combine_chunks()
        # One pass per distinct typology (a handful), not per row.
        for value in pc.unique(named.drop_null()).to_pylist():
            if value not in typology_names:
                typology_names.append(str(value))
            mask = _bools(pc.fill_null(pc.equal(named, value), False))
            typology[side[mask]] = typology_names.index(str(value))
    return AccountView(codes[:n].copy(), codes[n:].copy(), label, typology, typology_names)


def _code_of(names: pa.Array, value: str) -> int:
    found = pc.index(names, value).as_py()
    return int(found) if found is not None else -1


def _bools(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.bool_]:
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.bool_)
