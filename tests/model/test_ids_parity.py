"""Python and SQL mint the same ids: ``natural_key`` and ``natural_key_sql`` agree on any parts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moneytrail.model.ids import natural_key, natural_key_sql
from tests.model.sql_twins import engine

KINDS = st.sampled_from(["account", "tx", "party"])
PARTS = st.lists(st.one_of(st.none(), st.text(max_size=12).map(lambda t: t.replace("\x00", ""))))


@given(KINDS, PARTS.filter(lambda parts: len(parts) >= 1))
def test_python_and_sql_ids_agree(kind: str, parts: list[str | None]) -> None:
    columns = [f"CAST(${i + 1} AS VARCHAR)" for i in range(len(parts))]
    [(sql,)] = engine().fetchall(f"SELECT {natural_key_sql(kind, columns)}", parts)
    assert sql == natural_key(kind, *parts)
