"""Spark SQL behind the dialect object: the canonical (DuckDB) SQL, transpiled faithfully.

:meth:`SparkDialect.prepare` parses canonical SQL with sqlglot and writes it for Spark with
``unsupported_level=RAISE``, after eight rewrites of constructs that sqlglot would otherwise
write with another meaning (each one exact, checked against DuckDB by
tests/spark/test_spark_engine.py):

* an **ordered list aggregate** ``list(x ORDER BY k1, k2)`` (sqlglot drops the ``ORDER BY``:
  ``COLLECT_LIST`` has no order) becomes
  ``transform(array_sort(collect_list(named_struct(...k..., 'v', x))), s -> s.v)``: the keys are
  sorted first, each preceded by a NULL flag so that NULLs sort last, as DuckDB's default
  ``ASC NULLS LAST`` (or first, when the SQL says ``NULLS FIRST``). A ``DESC`` key raises:
  ``array_sort`` sorts one way;
* a **distinct window count** ``count(DISTINCT x) OVER w`` (Spark refuses distinct window
  functions) becomes ``size(collect_set(x) OVER w)``: both ignore NULLs;
* a **cast to an integer** rounds in DuckDB (half to even from a DOUBLE, half away from zero
  from a DECIMAL) and truncates in Spark: ``CAST(x AS BIGINT)`` becomes
  ``CAST(CASE WHEN typeof(x) IN ('double', 'float') THEN bround(x) ELSE round(x) END AS
  BIGINT)`` (a literal is cast as written);
* ``epoch(interval)`` (DuckDB: the interval's length in seconds, a DOUBLE; sqlglot writes
  ``UNIX_TIMESTAMP``, which Spark refuses for an interval) becomes
  ``unix_micros(TIMESTAMP_LTZ '1970-01-01' + interval) / 1e6`` in a UTC session. ``epoch``
  of a timestamp then fails in Spark with an error, never silently;
* a **division** ``a / b`` is always a DOUBLE division in DuckDB, of two DECIMALs too (the
  quotient of the two values cast to DOUBLE, checked on 200,000 money pairs); Spark divides
  DECIMALs as DECIMALs rounded to 6 places (a score from ``sum(amount) / $min_total`` came out
  0.9992578 instead of 0.9992578496669837): it becomes ``CAST(a AS DOUBLE) / CAST(b AS
  DOUBLE)``. A division by zero stays an error on Spark (ANSI mode) where DuckDB answers
  ``inf``: loud, not silent;
* ``date_diff(unit, a, b)`` counts the unit's *boundaries* in DuckDB (23:00 to 01:00 the next
  day is one day), whole elapsed units in Spark (zero): both ends are truncated to the unit
  first, ``timestampdiff(unit, date_trunc(unit, a), date_trunc(unit, b))``; ``week`` (not the
  same boundaries) is refused;
* ``round(x, n)`` of a DOUBLE is ``round(x * 10^n) / 10^n`` in DOUBLE arithmetic in DuckDB;
  Spark rounds the exact binary value (17 of 100,000 random shares rounded to one place came
  out apart): written out with DuckDB's arithmetic when the SQL shows ``x`` to be a DOUBLE
  (a cast, a division, an epoch, arithmetic over one), as every shipped use of it does;
* ``lower(x)``: Java's full case mapping turns a final ``Σ`` into ``ς`` and ``İ`` into ``i`` and a
  combining dot, DuckDB's one-letter mapping into ``σ`` and ``i``; those two letters are
  translated first. Over every code point to U+2FFFF, alone and in words, the two then agree
  but for 55 letters of Unicode 16 that DuckDB's tables do not know yet. ``upper`` is left:
  Java's full mapping (``ß`` to ``SS``, ligatures split) differs on 472 strings of the same
  test; the shipped rules upper-case only country codes.

With these, one session setting keeps DECIMAL products exact: Spark rounds a product whose
exact type passes 38 digits to 6 places, DuckDB keeps the sum of the scales
(``spark.sql.decimalOperations.allowPrecisionLoss=false``, forced in
:mod:`moneytrail.engine.spark_session`).

A **correlated scalar subquery** is refused too: Spark 4.3 returns wrong values (NULL) for
some of them (found by the parity suite; see :func:`_correlated_scalar_subqueries`). Anything
else that :func:`~moneytrail.engine.dialect.unportable_constructs` names (an ``ASOF``
join, ``rowid``, ``read_csv``, a function sqlglot does not know, an ordered text aggregate)
raises :class:`UnportableSqlError`: the SQL is not run with a changed meaning.

>>> spark = SPARK.prepare("SELECT list(v ORDER BY k) FROM t")
>>> spark.startswith("SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(NAMED_STRUCT('k0n', k IS NULL,")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from moneytrail.engine.dialect import CsvOptions, Dialect, native, unportable_constructs
from moneytrail.model.tables import ColumnType, Table

SPARK_NAME = "spark"


class UnportableSqlError(ValueError):
    """Canonical SQL that cannot be written for Spark with the same meaning."""


class SparkDialect(Dialect):
    """Spark SQL (sqlglot's ``spark``): canonical SQL transpiled, eight constructs rewritten."""

    name = SPARK_NAME

    def prepare(self, sql: str) -> str:
        from moneytrail.engine.dialect import NATIVE

        if sql.startswith(NATIVE):
            return sql[len(NATIVE) :]
        return transpile_for_spark(sql)

    def quote(self, name: str) -> str:
        """``name`` quoted for the canonical SQL that :meth:`prepare` transpiles."""
        from moneytrail.engine.base import quote_ident

        return quote_ident(name)

    def literal(self, value: Any) -> str:
        """``value`` as a literal of the canonical SQL that :meth:`prepare` transpiles."""
        import sqlglot.expressions as sx

        return sx.convert(value).sql(dialect="duckdb")

    def type_name(self, kind: ColumnType) -> str:
        decimal = kind.decimal
        if decimal is not None:
            return f"DECIMAL({decimal[0]}, {decimal[1]})"
        return _SPARK_TYPES[kind]

    def column_definitions(self, table: Table) -> str:
        # Spark's temporary views and Parquet tables hold no keys nor NOT NULL constraints.
        return ", ".join(f"{_spark_quote(c.name)} {self.type_name(c.type)}" for c in table.columns)

    def create_temp_table(self, name: str, columns: Table) -> str:
        cols = ", ".join(
            f"CAST(NULL AS {self.type_name(c.type)}) AS {_spark_quote(c.name)}"
            for c in columns.columns
        )
        return native(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {cols} WHERE false")

    def create_temp_table_as(self, name: str, query: str) -> str:
        return native(f"CREATE OR REPLACE TEMP VIEW {name} AS {self.prepare(query)}")

    def asof_left_join(
        self,
        right: str,
        alias: str,
        *,
        keys: Sequence[tuple[str, str]],
        left_time: str,
        right_time: str,
    ) -> str:
        return self.portable_asof_left_join(
            right, alias, keys=keys, left_time=left_time, right_time=right_time
        )

    def read_csv(self, path: str, options: CsvOptions) -> str:
        raise UnportableSqlError(
            "read_csv: Spark has no reader with DuckDB's rejects table; tabular files are"
            " staged by DuckDB on the driver (moneytrail.api.spark)"
        )

    def rejects_tables(self, rejects: str) -> tuple[str, ...]:
        return ()

    def read_parquet(self, path: str, *, file_row_number: bool = False) -> str:
        if file_row_number:
            raise UnportableSqlError("read_parquet(file_row_number): no such column on Spark")
        return native(f"parquet.{_spark_quote(path)}")

    def row_position(self, alias: str | None = None) -> str:
        raise UnportableSqlError("rowid: a Spark table has no insertion order")


def _spark_quote(name: str) -> str:
    """``name`` as a Spark identifier (for statements marked :func:`native`)."""
    import sqlglot.expressions as sx

    return sx.to_identifier(name, quoted=True).sql(dialect=SPARK_NAME)


_SPARK_TYPES: dict[ColumnType, str] = {
    ColumnType.TEXT: "STRING",
    ColumnType.INT32: "INT",
    ColumnType.INT64: "BIGINT",
    ColumnType.FLOAT64: "DOUBLE",
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMP_NTZ",
    ColumnType.JSON: "STRING",
    ColumnType.TEXT_LIST: "ARRAY<STRING>",
}

SAME_IN_SPARK = frozenset({"function to_json()"})
"""Functions sqlglot does not know that Spark has under the same name and meaning
(``to_json`` of a struct: the same JSON values; number spelling may differ, values do not)."""

SPARK = SparkDialect()
"""The Spark dialect (stateless)."""


def transpile_for_spark(sql: str) -> str:
    """Canonical ``sql`` (one or more statements) as Spark SQL, with the rewrites of the
    module's docstring; raises :class:`UnportableSqlError` or sqlglot's ``UnsupportedError``
    rather than write something that means another thing."""
    import sqlglot
    from sqlglot import ErrorLevel

    left = [
        f
        for f in unportable_constructs(sql)
        if not f.startswith("ordered aggregate ARRAY_AGG") and f not in SAME_IN_SPARK
    ]
    if left:
        raise UnportableSqlError("not portable to Spark: " + ", ".join(left))
    out = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is None:
            continue
        correlated = _correlated_scalar_subqueries(tree)
        if correlated:
            raise UnportableSqlError(
                "a correlated scalar subquery (Spark 4.3 returns wrong values for some, e.g."
                f" two correlated on different outer lists): {correlated[0][:120]}"
            )
        tree = tree.transform(_rewrite)
        out.append(tree.sql(dialect=SPARK_NAME, unsupported_level=ErrorLevel.RAISE))
    return ";\n".join(out)


def _correlated_scalar_subqueries(tree: Any) -> list[str]:
    """Scalar subqueries (in a SELECT list or an expression, not a FROM, IN or EXISTS) that
    read a column of an enclosing query. Why refused: Spark 4.3 decorrelates them into joins
    and, with several of them correlated through ``list_contains`` on different outer lists,
    returns NULL for some (found by the parity suite on ``scatter_gather``)."""
    import sqlglot.expressions as sx

    found = []
    for sub in tree.find_all(sx.Subquery):
        parent = sub.parent
        if isinstance(parent, (sx.From, sx.Join, sx.In, sx.Exists, sx.Union)) or not isinstance(
            sub.this, sx.Select
        ):
            continue
        inner = sub.this
        names = {t.alias_or_name for t in inner.find_all(sx.Table)}
        names |= {c.alias for c in inner.find_all(sx.CTE)}
        names |= {s.alias for s in inner.find_all(sx.Subquery) if s.alias}
        outer = [c for c in inner.find_all(sx.Column) if c.table and c.table not in names]
        if outer:
            found.append(sub.sql(dialect="duckdb"))
    return found


def _spark_fragment(text: str, **parts: Any) -> Any:
    """A Spark expression parsed from ``text`` whose placeholder columns ``__name__`` are
    replaced by the expressions ``parts`` (code-chosen fragments, never user values)."""
    import sqlglot
    import sqlglot.expressions as sx

    tree = sqlglot.parse_one(text, read=SPARK_NAME)

    def swap(node: Any) -> Any:
        if isinstance(node, sx.Column) and node.name.startswith("__") and not node.table:
            return parts[node.name.strip("_")].transform(_rewrite)  # a copy, rewritten too
        return node

    return tree.transform(swap)


def _rewrite(node: Any) -> Any:
    import sqlglot.expressions as sx

    if isinstance(node, sx.ArrayAgg) and isinstance(node.this, sx.Order):
        return _ordered_list(node.this)
    if (
        isinstance(node, sx.Window)
        and isinstance(node.this, sx.Count)
        and isinstance(node.this.this, sx.Distinct)
    ):
        values = node.this.this.expressions
        if len(values) != 1:
            raise UnportableSqlError("count(DISTINCT a, b) OVER (...) on Spark")
        window = node.copy()
        value = values[0].transform(_rewrite)
        window.set("this", sx.Anonymous(this="collect_set", expressions=[value]))
        return sx.Anonymous(this="size", expressions=[window])
    if (
        isinstance(node, sx.Cast)
        and node.to.this in _integral_types()
        and not isinstance(node.this, sx.Literal)
    ):
        rounded = _spark_fragment(
            "CASE WHEN typeof(__x__) IN ('double', 'float') THEN bround(__x__)"
            " ELSE round(__x__) END",
            x=node.this,
        )
        return sx.Cast(this=rounded, to=node.to.copy())
    if isinstance(node, sx.Div):
        # DuckDB's "/" is always a DOUBLE division (of two DECIMALs too: exactly the quotient
        # of the two values cast to DOUBLE); Spark divides DECIMALs as DECIMALs, rounded to 6
        # places, so 1/3 of a money column was 0.333333 there.
        return sx.Div(
            this=sx.Cast(this=node.this.transform(_rewrite), to=sx.DataType.build("DOUBLE")),
            expression=sx.Cast(
                this=node.expression.transform(_rewrite), to=sx.DataType.build("DOUBLE")
            ),
        )
    if isinstance(node, sx.DateDiff):
        return _boundaries_between(node)
    if isinstance(node, sx.Round) and _is_double(node.this):
        # DuckDB rounds a DOUBLE as round(x * 10^n) / 10^n in DOUBLE arithmetic; Spark rounds
        # the exact binary value (484.35 computed as 484.3499... gives 484.4 in DuckDB, 484.3
        # in Spark). The same arithmetic, written out, gives DuckDB's answer on Spark.
        digits = node.args.get("decimals")
        return _spark_fragment(
            "round(__x__ * pow(10, __n__), 0) / pow(10, __n__)",
            x=node.this,
            n=digits if digits is not None else sx.Literal.number(0),
        )
    if isinstance(node, sx.Lower):
        # Java lower-cases with the full Unicode mapping (a final capital sigma becomes ς,
        # a dotted capital I becomes i + a combining dot), DuckDB with the simple one-letter
        # mapping; those two letters are the only ones where the two differ.
        return _spark_fragment("lower(translate(__x__, 'Σİ', 'σi'))", x=node.this)
    if isinstance(node, sx.TimeToUnix):
        return sx.Paren(
            this=_spark_fragment(
                "unix_micros(CAST('1970-01-01 00:00:00' AS TIMESTAMP_LTZ) + (__x__))"
                " / CAST(1000000 AS DOUBLE)",
                x=node.this,
            )
        )
    return node


def _is_double(node: Any) -> bool:
    """Whether ``node`` is a DOUBLE by its own form (a cast to DOUBLE, a division, an epoch, or
    arithmetic over one of those): what :func:`_rewrite` can know without the tables' types. A
    DOUBLE column read as it is stays rounded the Spark way (named in docs/scale.md)."""
    import sqlglot.expressions as sx

    if isinstance(node, sx.Paren):
        return _is_double(node.this)
    if isinstance(node, (sx.Cast, sx.TryCast)):
        return node.to.this in (sx.DataType.Type.DOUBLE, sx.DataType.Type.FLOAT)
    if isinstance(node, (sx.Div, sx.TimeToUnix)):
        return True
    if isinstance(node, sx.Neg):
        return _is_double(node.this)
    if isinstance(node, (sx.Add, sx.Sub, sx.Mul)):
        return _is_double(node.this) or _is_double(node.expression)
    return False


_BOUNDARY_UNITS = frozenset(
    {"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "MONTH", "QUARTER", "YEAR"}
)


def _boundaries_between(node: Any) -> Any:
    """DuckDB's ``date_diff(unit, a, b)`` counts the unit's boundaries between ``a`` and ``b``
    (23:00 to 01:00 the next day is one day); Spark's ``DATEDIFF(unit, a, b)`` counts whole
    units elapsed (zero days). Both ends truncated to the unit first, the two agree. Units
    whose boundaries are not the same in both engines (weeks: DuckDB's ISO week against
    Spark's ``date_trunc``) are refused."""
    unit = node.text("unit").upper() or "DAY"
    if unit not in _BOUNDARY_UNITS:
        raise UnportableSqlError(f"date_diff('{unit.lower()}', ...): no faithful Spark form")
    return _spark_fragment(
        f"timestampdiff({unit}, date_trunc('{unit}', CAST(__start__ AS TIMESTAMP)),"
        f" date_trunc('{unit}', CAST(__end__ AS TIMESTAMP)))",
        start=node.expression,
        end=node.this,
    )


@cache
def _integral_types() -> frozenset[Any]:
    import sqlglot.expressions as sx

    kinds = sx.DataType.Type
    return frozenset({kinds.TINYINT, kinds.SMALLINT, kinds.INT, kinds.BIGINT, kinds.INT128})


def _ordered_list(order: Any) -> Any:
    """``list(x ORDER BY keys)`` as a sort of collected structs (see the module doc)."""
    import sqlglot.expressions as sx

    fields: list[Any] = []
    for i, key in enumerate(order.expressions):
        if not isinstance(key, sx.Ordered):  # pragma: no cover - sqlglot always wraps keys
            raise UnportableSqlError(f"ordered list aggregate key {key.sql()}")
        if key.args.get("desc"):
            raise UnportableSqlError(
                f"list(... ORDER BY {key.sql(dialect='duckdb')}): a descending key has no"
                " faithful Spark form yet"
            )
        value = key.this.transform(_rewrite)
        flag: Any = sx.Is(this=value.copy(), expression=sx.Null())
        if key.args.get("nulls_first"):
            flag = sx.Not(this=flag)
        fields += [sx.Literal.string(f"k{i}n"), flag, sx.Literal.string(f"k{i}"), value]
    fields += [sx.Literal.string("v"), order.this.transform(_rewrite)]
    struct = sx.Anonymous(this="named_struct", expressions=fields)
    return _spark_fragment(
        "transform(array_sort(collect_list(__s__)), s -> s.v)",
        s=struct,
    )
