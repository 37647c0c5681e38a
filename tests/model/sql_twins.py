"""Run the SQL twin of a value rule on many texts at once, in an in-memory DuckDB engine.

Why batches: one statement per hypothesis example of a list of texts keeps a parity test at a few
seconds while it still sees thousands of texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from moneytrail.engine import DuckDBEngine, Engine


@cache
def engine() -> Engine:
    """One in-memory engine for the parity tests of the session."""
    return DuckDBEngine()


def run_sql(expression: Callable[[str], str], texts: Sequence[str | None]) -> list[Any]:
    """``expression("t")`` evaluated on each of ``texts`` (in order; ``None`` is NULL)."""
    rows = engine().fetchall(
        f"SELECT {expression('t')} FROM (SELECT unnest(CAST($1 AS VARCHAR[])) AS t,"
        " unnest(range(len(CAST($1 AS VARCHAR[])))) AS i) ORDER BY i",
        [list(texts)],
    )
    return [row[0] for row in rows]


def python_or_none(function: Callable[[str], Any], text: str, refused: type[Exception]) -> Any:
    """``function(text)``, or ``None`` where it raises ``refused`` (the SQL twin's NULL)."""
    try:
        return function(text)
    except refused:
        return None
