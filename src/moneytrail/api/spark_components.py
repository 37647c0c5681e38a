"""Weakly connected components of the account graph on Spark, and buckets of whole components.

Why: every graph feature, every model score and every memory column of a transaction reads
only transactions that share an account with it, with them, and so on: all of it lies in the
transaction's weakly connected component. A bucket that holds whole components therefore gives
each of its transactions exactly the values the whole workspace would. So a Spark job can split
the transactions into buckets of whole components and run the unchanged single-machine code
(:mod:`moneytrail.api.spark_features`) on each bucket in parallel, with results identical to
DuckDB's.

How: min-label propagation with pointer jumping, in DataFrame operations. Every account starts
labelled by its own id; each round an account takes the smallest label among itself and its
neighbours, then the label of its label ("jumping", which halves long chains each round), until
no label changes. At the fixed point every account carries the smallest account id of its
component. Rounds grow with the logarithm of the longest chain in practice; each round is cut
from its lineage with ``localCheckpoint`` (kept on the executors: on a cluster with dynamic
allocation, an executor lost mid-job fails the job, which is then re-run).

Assumption named: a component larger than one executor's memory cannot be bucketed (a national
mobile-money graph may have one giant component); its bucket then holds it whole, and that
task needs the memory of the single-machine code for it (docs/scale.md, "Features on Spark").

Example::

    labels = account_components(engine)   # DataFrame: account, component
    tx = bucketed_transactions(engine, labels, buckets=8, columns=["id", "ts", "amount"])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from moneytrail.engine.errors import EngineError

if TYPE_CHECKING:
    from moneytrail.engine.spark_engine import SparkEngine

MAX_ROUNDS = 200
BUCKET = "mt_bucket"
COMPONENT = "mt_component"

_PAIRS_SQL = (
    "SELECT DISTINCT src_account_id AS a, dst_account_id AS b FROM transactions"
    " WHERE src_account_id IS NOT NULL AND dst_account_id IS NOT NULL"
    " AND src_account_id <> dst_account_id"
)
_NODES_SQL = (
    "SELECT src_account_id AS v FROM transactions WHERE src_account_id IS NOT NULL"
    " UNION SELECT dst_account_id AS v FROM transactions WHERE dst_account_id IS NOT NULL"
)


def account_components(engine: SparkEngine) -> tuple[Any, int]:
    """Every account that appears in a transaction with its component (the smallest account
    id of the component), as a checkpointed DataFrame ``(v, c)``; and the rounds it took.

    Raises :class:`EngineError` when :data:`MAX_ROUNDS` rounds do not converge (a chain of
    more than about 2**200 accounts: never in practice, but never silently wrong)."""
    from pyspark.sql import functions as f

    pairs = engine.dataframe(_PAIRS_SQL)
    flipped = pairs.select(f.col("b").alias("a"), f.col("a").alias("b"))
    edges = pairs.union(flipped).distinct().localCheckpoint()
    labels = engine.dataframe(_NODES_SQL).select("v", f.col("v").alias("c")).localCheckpoint()
    for rounds in range(1, MAX_ROUNDS + 1):
        around = (
            edges.join(labels.withColumnRenamed("v", "b"), "b")
            .groupBy("a")
            .agg(f.min("c").alias("m"))
            .withColumnRenamed("a", "v")
        )
        step = labels.join(around, "v", "left").select(
            "v", f.least("c", f.coalesce("m", "c")).alias("c")
        )
        parent = step.select(f.col("v").alias("c"), f.col("c").alias("p"))
        jumped = (
            step.join(parent, "c", "left")
            .select("v", f.least("c", f.coalesce("p", "c")).alias("c"))
            .localCheckpoint()
        )
        old = labels.withColumnRenamed("c", "old")
        changed = jumped.join(old, "v").where(f.col("c") != f.col("old")).limit(1).count()
        labels = jumped
        if changed == 0:
            return labels, rounds
    raise EngineError(f"components did not converge in {MAX_ROUNDS} rounds", engine="spark")


def bucket_count(rows: int, parallelism: int, per_bucket: int = 500_000) -> int:
    """Buckets for ``rows`` transactions: at least one per core Spark offers, and enough that
    a bucket holds about ``per_bucket`` rows (what one task's single-machine code handles in
    well under a minute and a few hundred MiB)."""
    return max(1, parallelism, -(-rows // per_bucket))


def bucketed_transactions(
    engine: SparkEngine, labels: Any, buckets: int, columns: Sequence[str]
) -> Any:
    """The transactions' ``columns`` with their component and bucket (whole components per
    bucket). A transaction without any account is its own component."""
    from pyspark.sql import functions as f

    tx = engine.dataframe("SELECT * FROM transactions").select(
        *columns, "src_account_id", "dst_account_id"
    )
    src = labels.select(f.col("v").alias("src_account_id"), f.col("c").alias("mt_src_c"))
    dst = labels.select(f.col("v").alias("dst_account_id"), f.col("c").alias("mt_dst_c"))
    joined = tx.join(src, "src_account_id", "left").join(dst, "dst_account_id", "left")
    component = f.coalesce("mt_src_c", "mt_dst_c", f.concat(f.lit("tx:"), f.col("id")))
    keep = list(dict.fromkeys([*columns, "src_account_id", "dst_account_id"]))
    return joined.select(
        *keep,
        component.alias(COMPONENT),
        f.pmod(f.xxhash64(component), f.lit(buckets)).alias(BUCKET),
    )
