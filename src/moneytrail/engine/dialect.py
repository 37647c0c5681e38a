"""What is engine-specific in moneytrail's SQL, behind one object per engine.

The rule (decision 0127, docs/api.md "Engines and dialects"):

1. **One canonical dialect.** moneytrail's SQL is written once, in DuckDB's dialect. An engine
   runs ``engine.sql_for(sql)``, which is :meth:`Dialect.prepare`: identity on DuckDB, a
   sqlglot transpilation (``read="duckdb"``, an unsupported construct raises) on any other
   engine. What sqlglot transpiles faithfully stays inline in the SQL text: the list functions
   (``list_contains`` -> ``ARRAY_CONTAINS``, ``list_filter`` -> ``FILTER``,
   ``array_to_string`` -> ``ARRAY_JOIN``, ``unnest`` -> ``EXPLODE``), ``QUALIFY`` (rewritten
   as a window in a subquery: the subquery's ``SELECT *`` then carries one more column, so
   name the columns of anything inserted by position), ``FILTER (WHERE ...)``, ``::`` casts.
   The length of a list is ``array_length(l)`` (``SIZE``), never ``len(l)``: sqlglot reads
   ``len`` as the length of a text.
2. **Constructs sqlglot cannot transpile faithfully are functions of the dialect**, which
   callers use instead of writing the construct: temporary tables
   (:meth:`~Dialect.create_temp_table`, :meth:`~Dialect.create_temp_table_as`; sqlglot turns
   DuckDB's ``CREATE OR REPLACE TEMP TABLE ... AS`` into a Spark view and drops ``OR
   REPLACE``), the as-of join (:meth:`~Dialect.asof_left_join`; sqlglot passes ``ASOF`` through
   unchanged), the file readers (:meth:`~Dialect.read_csv` with its options and its rejects
   table, :meth:`~Dialect.read_parquet` with ``file_row_number``; sqlglot passes
   ``read_csv(...)`` through unchanged), a row's position in its table
   (:meth:`~Dialect.row_position`, DuckDB's ``rowid``) and the SQL name of each logical column
   type (:meth:`~Dialect.type_name`, from :mod:`moneytrail.model.tables`).
   A construct function returns SQL in the canonical syntax, in the form its engine needs:
   DuckDB's native construct for DuckDB; for another engine a form that ``prepare``
   transpiles faithfully (:meth:`Dialect.portable_asof_left_join` is one), or a whole
   statement in the engine's own SQL marked :func:`native`, which ``prepare`` leaves alone.
3. :func:`unportable_constructs` lists what, in a piece of canonical SQL, sqlglot would pass
   through unchanged or drop without an error (an ``ASOF`` join, ``rowid``, a function sqlglot
   does not know, an ordered list aggregate): the tests run it over the typology rules.

>>> DUCKDB.create_temp_table_as("t", "SELECT 1 AS x")
'CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS x'
>>> DUCKDB.prepare("SELECT list_contains(?, kind) FROM accounts")
'SELECT list_contains(?, kind) FROM accounts'
>>> transpile("SELECT list_contains(?, kind) FROM accounts", "spark")
'SELECT ARRAY_CONTAINS(?, kind) FROM accounts'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from moneytrail.model.tables import ColumnType, Table

CANONICAL = "duckdb"
"""The sqlglot dialect moneytrail's SQL is written in."""

NATIVE = "/* moneytrail:native */ "
"""Prefix of a statement already in its engine's own SQL (``prepare`` leaves it alone)."""


def native(statement: str) -> str:
    """Mark ``statement`` as written in the engine's own SQL, not the canonical dialect."""
    return statement if statement.startswith(NATIVE) else NATIVE + statement


def transpile(sql: str, target: str) -> str:
    """``sql`` (canonical dialect, one or more statements) in sqlglot dialect ``target``.

    An unsupported construct raises (``sqlglot.errors.UnsupportedError``) rather than being
    written approximately; see :func:`unportable_constructs` for what sqlglot lets through.
    """
    if target == CANONICAL:
        return sql
    import sqlglot  # on first use: the canonical engine never needs it to run SQL
    from sqlglot import ErrorLevel

    statements = sqlglot.transpile(
        sql, read=CANONICAL, write=target, unsupported_level=ErrorLevel.RAISE
    )
    return ";\n".join(statements)


@dataclass(frozen=True)
class CsvOptions:
    """How :meth:`Dialect.read_csv` reads a delimited text file: every column as text.

    ``columns`` names the columns in file order (no type guessing, ever). ``rejects`` names a
    table that receives one row per line that could not be split (wrong number of fields, bad
    quoting, invalid UTF-8) with the columns ``line``, ``column_name``, ``csv_line``,
    ``error_type`` (``'INVALID ENCODING'`` for bad bytes) and ``error_message``; those lines
    are left out of the result. Without it a bad line fails the read (an ``EngineError``).
    ``strict`` refuses a quote left open instead of guessing; ``null_padding`` fills missing
    trailing fields with NULL instead of rejecting the line (engine default when ``None``).
    """

    columns: tuple[str, ...]
    delimiter: str = ","
    quote: str = '"'
    escape: str = '"'
    header: bool = True
    skip: int = 0
    rejects: str | None = None
    strict: bool | None = None
    null_padding: bool | None = None


class Dialect(ABC):
    """The engine-specific part of moneytrail's SQL for one engine (see the module doc)."""

    name: str
    """sqlglot's name of the engine's SQL dialect ("duckdb", "spark")."""

    def prepare(self, sql: str) -> str:
        """Canonical SQL as this engine runs it (statements marked :func:`native` untouched)."""
        if sql.startswith(NATIVE):
            return sql[len(NATIVE) :]
        return transpile(sql, self.name)

    def quote(self, name: str) -> str:
        """``name`` as a quoted identifier (safe for any text)."""
        import sqlglot.expressions as sx

        return sx.to_identifier(name, quoted=True).sql(dialect=self.name)

    def literal(self, value: Any) -> str:
        """``value`` (text, number, bool, None) as an SQL literal (safe for any text)."""
        import sqlglot.expressions as sx

        return sx.convert(value).sql(dialect=self.name)

    @abstractmethod
    def type_name(self, kind: ColumnType) -> str:
        """The SQL type storing logical type ``kind``."""

    def column_definitions(self, table: Table) -> str:
        """``"id" VARCHAR NOT NULL, ...`` for ``table``'s columns, with its primary key."""
        parts = [
            f"{self.quote(c.name)} {self.type_name(c.type)}{'' if c.nullable else ' NOT NULL'}"
            for c in table.columns
        ]
        if table.primary_key:
            parts.append(f"PRIMARY KEY ({', '.join(self.quote(k) for k in table.primary_key)})")
        return ", ".join(parts)

    @abstractmethod
    def create_temp_table(self, name: str, columns: Table) -> str:
        """A statement creating (or replacing) the empty session-local table ``name`` with
        ``columns``; it disappears with the connection."""

    @abstractmethod
    def create_temp_table_as(self, name: str, query: str) -> str:
        """A statement creating (or replacing) session-local ``name`` holding ``query``'s rows."""

    @abstractmethod
    def asof_left_join(
        self,
        right: str,
        alias: str,
        *,
        keys: Sequence[tuple[str, str]],
        left_time: str,
        right_time: str,
    ) -> str:
        """A join clause (leading space) giving each left row the row of ``right`` (a table
        name or a parenthesised query, called ``alias``) whose ``keys`` are equal (pairs of a
        left expression and a column of ``right``) and whose ``right_time`` column is the
        latest at or before ``left_time``; NULLs when there is none. Example: the rate in
        force on a transaction's day, from a dated series of rates."""

    def portable_asof_left_join(
        self,
        right: str,
        alias: str,
        *,
        keys: Sequence[tuple[str, str]],
        left_time: str,
        right_time: str,
    ) -> str:
        """:meth:`asof_left_join` as a plain left join on validity intervals (each right row
        is valid until the next one of its keys), for engines without an as-of join. It
        assumes one right row per keys and time, as an as-of join does."""
        until = self.quote("_mt_valid_until")
        at = f"{alias}.{self.quote(right_time)}"
        partition = ", ".join(self.quote(column) for _, column in keys)
        equal = " AND ".join(f"{left} = {alias}.{self.quote(column)}" for left, column in keys)
        window = f"OVER (PARTITION BY {partition} ORDER BY {self.quote(right_time)})"
        until_next = f"lead({self.quote(right_time)}) {window} AS {until}"
        intervals = f"(SELECT *, {until_next} FROM {right})"  # noqa: S608 - code-chosen SQL
        return (
            f" LEFT JOIN {intervals} {alias} ON {equal} AND {left_time} >= {at}"
            f" AND ({alias}.{until} IS NULL OR {left_time} < {alias}.{until})"
        )

    @abstractmethod
    def read_csv(self, path: str, options: CsvOptions) -> str:
        """A relation (usable after ``FROM``) reading the text file at ``path`` as
        :class:`CsvOptions` says. An engine may read ``path`` as a pattern (``*``, ``[1]``):
        pass a user's file through :func:`moneytrail.files.literal.literal_path` first."""

    @abstractmethod
    def rejects_tables(self, rejects: str) -> tuple[str, ...]:
        """Every table a :meth:`read_csv` with ``rejects`` creates (to drop them after)."""

    @abstractmethod
    def read_parquet(self, path: str, *, file_row_number: bool = False) -> str:
        """A relation reading the Parquet file at ``path``; with ``file_row_number`` one more
        column, ``file_row_number``, numbers the rows of the file from 0."""

    @abstractmethod
    def row_position(self, alias: str | None = None) -> str:
        """An expression giving each row of a table its position, increasing in insertion
        order (consecutive for rows one statement inserted; a temporary table may start
        from a large base: subtract its minimum)."""


class DuckDBDialect(Dialect):
    """DuckDB's SQL: the canonical dialect, so :meth:`prepare` is the identity."""

    name = CANONICAL

    def prepare(self, sql: str) -> str:
        """The identity (a :func:`native` mark, harmless to DuckDB, is dropped)."""
        return sql[len(NATIVE) :] if sql.startswith(NATIVE) else sql

    def type_name(self, kind: ColumnType) -> str:
        decimal = kind.decimal
        if decimal is not None:
            return f"DECIMAL({decimal[0]}, {decimal[1]})"
        return _DUCKDB_TYPES[kind]

    def create_temp_table(self, name: str, columns: Table) -> str:
        return f"CREATE OR REPLACE TEMP TABLE {name} ({self.column_definitions(columns)})"

    def create_temp_table_as(self, name: str, query: str) -> str:
        return f"CREATE OR REPLACE TEMP TABLE {name} AS {query}"

    def asof_left_join(
        self,
        right: str,
        alias: str,
        *,
        keys: Sequence[tuple[str, str]],
        left_time: str,
        right_time: str,
    ) -> str:
        equal = " AND ".join(f"{left} = {alias}.{self.quote(column)}" for left, column in keys)
        at = f"{alias}.{self.quote(right_time)}"
        return f" ASOF LEFT JOIN {right} {alias} ON {equal} AND {left_time} >= {at}"

    def read_csv(self, path: str, options: CsvOptions) -> str:
        columns = ", ".join(f"{self.literal(c)}: 'VARCHAR'" for c in options.columns)
        parts = [
            self.literal(path),
            f"delim = {self.literal(options.delimiter)}",
            f"quote = {self.literal(options.quote)}",
            f"escape = {self.literal(options.escape)}",
            f"header = {self.literal(options.header)}",
            f"skip = {int(options.skip)}",
            "auto_detect = false",
            f"columns = {{{columns}}}",
        ]
        if options.strict is not None:
            parts.append(f"strict_mode = {self.literal(options.strict)}")
        if options.null_padding is not None:
            parts.append(f"null_padding = {self.literal(options.null_padding)}")
        if options.rejects is not None:
            table, scan = self.rejects_tables(options.rejects)
            parts.append(
                f"store_rejects = true, rejects_table = {self.literal(table)},"
                f" rejects_scan = {self.literal(scan)}"
            )
        return f"read_csv({', '.join(parts)})"

    def rejects_tables(self, rejects: str) -> tuple[str, ...]:
        return (rejects, f"{rejects}_scan")

    def read_parquet(self, path: str, *, file_row_number: bool = False) -> str:
        numbered = ", file_row_number = true" if file_row_number else ""
        return f"read_parquet({self.literal(path)}{numbered})"

    def row_position(self, alias: str | None = None) -> str:
        return "rowid" if alias is None else f"{alias}.rowid"


_DUCKDB_TYPES: dict[ColumnType, str] = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.INT32: "INTEGER",
    ColumnType.INT64: "BIGINT",
    ColumnType.FLOAT64: "DOUBLE",
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMP",
    ColumnType.JSON: "JSON",
    ColumnType.TEXT_LIST: "VARCHAR[]",
}

DUCKDB = DuckDBDialect()
"""The DuckDB dialect (stateless; one is enough)."""


def unportable_constructs(sql: str) -> list[str]:
    """What in canonical ``sql`` another dialect would not get faithfully from sqlglot.

    ``transpile(..., unsupported_level=RAISE)`` catches what sqlglot knows it cannot write;
    these it writes anyway: an ``ASOF`` join, ``rowid`` and ``read_csv(...)`` pass through
    unchanged, a function sqlglot does not know is copied by name (``epoch_us``), an ordered list
    aggregate (``list(id ORDER BY ts)``) loses its order on Spark (``COLLECT_LIST``). Each
    finding is a short text naming the construct, in order of appearance.

    >>> unportable_constructs("SELECT rowid, epoch_us(ts) FROM t ASOF LEFT JOIN r ON t.a >= r.a")
    ['rowid', 'function epoch_us()', 'ASOF join']
    """
    import sqlglot
    import sqlglot.expressions as sx

    # Functions sqlglot parses as known expressions but writes for Spark without their order.
    ordered_aggregates = (sx.ArrayAgg, sx.GroupConcat)
    found: list[str] = []
    for tree in sqlglot.parse(sql, read=CANONICAL):
        if tree is None:
            continue
        for node in tree.walk(bfs=False):
            if isinstance(node, sx.Join) and str(node.args.get("method") or "").upper() == "ASOF":
                found.append("ASOF join")
            elif isinstance(node, sx.Column) and node.name.lower() == "rowid":
                found.append("rowid")
            elif isinstance(node, sx.ReadCSV):
                found.append("function read_csv()")
            elif isinstance(node, sx.Anonymous):
                found.append(f"function {node.name.lower()}()")
            elif isinstance(node, ordered_aggregates) and isinstance(node.this, sx.Order):
                found.append(f"ordered aggregate {node.sql(dialect=CANONICAL)}")
    return found
