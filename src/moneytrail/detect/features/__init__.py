"""Graph-pattern features of transactions for machine-learning detection, without look-ahead.

The family of IBM's Graph Feature Preprocessor (fan, degree, scatter-gather, temporal and
length-bounded cycles, vertex statistics), computed in compiled code over time-ordered arrays;
the features of a transaction only use that transaction and earlier ones. See
docs/detection-features.md for the exact definitions.

Example::

    edges, ids = edges_from_workspace(ws.engine)
    matrix = transaction_features(edges)  # matrix.values[i] describes transaction ids[i]
"""

from __future__ import annotations

from moneytrail.detect.features.accounts import account_features
from moneytrail.detect.features.compute import feature_names, transaction_features
from moneytrail.detect.features.edges import edges_from_arrays, edges_from_workspace, event_order
from moneytrail.detect.features.model import EdgeArrays, FeatureConfig, FeatureMatrix

__all__ = [
    "EdgeArrays",
    "FeatureConfig",
    "FeatureMatrix",
    "account_features",
    "edges_from_arrays",
    "edges_from_workspace",
    "event_order",
    "feature_names",
    "transaction_features",
]
