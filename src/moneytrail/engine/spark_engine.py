"""Spark implementation of :class:`~moneytrail.engine.base.Engine` (the scale-out engine).

A :class:`SparkEngine` is one Spark session (``newSession()`` of the process's session,
:mod:`.spark_session`) over a workspace folder of Parquet tables (:mod:`.spark_store`): each
table is a temporary view over its directory, registered when the engine opens and again
after each write. SQL is the canonical dialect, transpiled by :class:`SparkDialect`;
values are bound as Spark's positional parameters (``?``), never formatted into the text.

What differs from DuckDB, named:

* **writes** go through :meth:`create_table_from_arrow`, :meth:`append_arrow` and
  :meth:`write_table_from_query` (distributed: executors write the Parquet files); ``INSERT``,
  ``UPDATE``, ``DELETE`` on a workspace table are refused by Spark (views over files);
* :meth:`transaction` batches those writes: the tables written inside swap in together at the
  end, or none does (see :mod:`.spark_store`); reads inside the block see the old versions;
* :meth:`progress` is unknown (-1); :meth:`splink_api` is refused (entity resolution is not on
  Spark yet); an in-memory engine (``path=None``) holds its tables in a temporary folder
  deleted on :meth:`close`.

Spark's own exceptions never leave this module: an analysis or runtime failure is an
:class:`EngineError` (``engine="spark"``) with Spark's first message line.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.engine import spark_store
from moneytrail.engine.base import Params
from moneytrail.engine.errors import EngineError
from moneytrail.engine.spark_dialect import SPARK, SparkDialect
from moneytrail.engine.spark_session import shared_session, spark_conf
from moneytrail.errors import MoneytrailError

if TYPE_CHECKING:
    import pyarrow as pa


class SparkEngine:
    """One Spark session over the Parquet tables of the workspace folder ``path``."""

    dialect: SparkDialect = SPARK

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        config: Mapping[str, str] | None = None,
    ) -> None:
        self._scratch = path is None
        self.folder = (
            Path(tempfile.mkdtemp(prefix="moneytrail-spark-")) if path is None else Path(path)
        )
        self.read_only = read_only
        self._lock = threading.RLock()
        self._writes: spark_store.TableWrites | None = None
        spark_store.recover(self.folder)
        with self._translated():
            self._spark = shared_session(spark_conf(self.folder, config)).newSession()
        self.refresh()

    # -- properties of the protocol -----------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return None if self._scratch else self.folder

    @property
    def version(self) -> str:
        return f"spark {self._spark.version}"

    @property
    def session(self) -> Any:
        """The Spark session (``pyspark.sql.SparkSession``), for code in ``moneytrail.engine``."""
        return self._spark

    def sql_for(self, sql: str) -> str:
        return self.dialect.prepare(sql)

    # -- tables ----------------------------------------------------------------------------------
    def refresh(self, names: list[str] | None = None) -> None:
        """(Re)register the workspace tables (``names``, or all) as temporary views."""
        with self._lock, self._translated():
            for name in names if names is not None else spark_store.table_names(self.folder):
                directory = spark_store.table_dir(self.folder, name)
                self._spark.read.parquet(str(directory)).createOrReplaceTempView(name)

    def tables(self) -> list[str]:
        """The workspace's tables."""
        return spark_store.table_names(self.folder)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (EngineError, MoneytrailError):
            raise
        except Exception as exc:
            raise _translate(exc) from exc

    def dataframe(self, sql: str, params: Params = None) -> Any:
        """The DataFrame of canonical query ``sql`` (lazy: nothing runs yet)."""
        with self._translated():
            if params:
                named, values = _named_parameters(sql, list(params))
                return self._spark.sql(self.sql_for(named), args=values)
            return self._spark.sql(self.sql_for(sql))

    # -- the protocol -----------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = None) -> None:
        with self._lock, self._translated():
            self.dataframe(sql, params)

    def execute_watched(
        self, sql: str, params: Params, on_progress: Callable[[float], None], every: float = 0.2
    ) -> None:
        on_progress(-1.0)
        self.execute(sql, params)

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        with self._lock, self._translated():
            return [tuple(row) for row in self.dataframe(sql, params).collect()]

    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        """The result as one Arrow table: collected by Spark when the plan's size estimate is
        at most :attr:`spill_bytes`, else written as Parquet by the executors and read back
        (see :meth:`_spilled`)."""
        import pyarrow as pa

        with self._lock, self._translated():
            frame = self.dataframe(sql, params)
            if _estimated_bytes(frame) <= self.spill_bytes:
                return _naive_times(frame.toArrow())
            with self._spilled(frame) as files:
                if not files:  # nothing written: no rows
                    return _naive_times(frame.toArrow())
                names = list(frame.columns)
                parts = [_naive_times(_read_parquet(f)).rename_columns(names) for f in files]
                return pa.concat_tables(parts)

    def iter_batches(
        self, sql: str, params: Params = None, size: int = 100_000
    ) -> Iterator[pa.RecordBatch]:
        """The result streamed in batches of ``size`` rows at most, always through Parquet
        files written by the executors: never more than one batch on the driver at a time,
        and no bound from ``spark.driver.maxResultSize``."""
        import pyarrow.parquet as pq

        with self._lock, self._translated():
            frame = self.dataframe(sql, params)
            names = list(frame.columns)
            with self._spilled(frame) as files:
                for file in files:
                    for batch in pq.ParquetFile(file).iter_batches(batch_size=size):
                        yield _naive_batch(batch.rename_columns(names))

    @contextmanager
    def result_files(
        self, sql: str, params: Params = None
    ) -> Iterator[tuple[list[Path], list[str]]]:
        """The result of ``sql`` as the Parquet files the executors wrote (in the result's
        order; columns named ``c0, c1…``) and the result's column names, for a reader that
        reads Parquet itself: DuckDB on the driver takes millions of rows from them in one
        parallel statement, where Arrow batches through Python cost a call each. The files
        are deleted at the end of the block. An empty result may still come as a file
        without rows (Spark writes one), or as none."""
        with self._lock:
            with self._translated():
                frame = self.dataframe(sql, params)
                directory = self._spill(frame)
            try:  # the reader's own errors pass as they are
                yield sorted(directory.glob("part-*.parquet")), list(frame.columns)
            finally:
                shutil.rmtree(directory, ignore_errors=True)

    #: Results whose estimated size passes this many bytes are not collected by Spark but
    #: written as Parquet and read back by the driver. Why: Spark refuses to collect more than
    #: ``spark.driver.maxResultSize`` (1 GiB by default) and holds the serialised result and
    #: its Arrow copy at once; the 50M run's trace stopped on that limit. The estimate is
    #: Spark's own (file sizes through the plan), an over-estimate for scans, joins and
    #: aggregates, so a small result sometimes goes the longer way, a large one never the short.
    spill_bytes: int = 128 * 1024 * 1024

    @contextmanager
    def _spilled(self, frame: Any) -> Iterator[list[Path]]:
        """``frame`` written as Parquet under ``tables/.fetch-<host>-<pid>-<random>`` of the
        workspace: its files in the order of the result (a sorted result is written range by
        range, part 0 first), deleted at the end of the block (or, when the process dies
        first, by the next opening on this host: ``spark_store.recover``). Assumption
        (named): on a cluster the workspace folder is storage both the executors and the
        driver reach, as every table write already assumes. Columns are written as ``c0,
        c1…`` (a result may repeat a name, which Parquet refuses): the reader names them
        back."""
        directory = self._spill(frame)
        try:
            yield sorted(directory.glob("part-*.parquet"))
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def _spill(self, frame: Any) -> Path:
        """Write ``frame`` into a new fetch folder (see :meth:`_spilled`); the folder."""
        directory = spark_store.fetch_dir(self.folder)
        try:
            frame.toDF(*(f"c{i}" for i in range(len(frame.columns)))).write.parquet(str(directory))
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return directory

    def create_table_from_arrow(self, table: str, data: pa.Table) -> None:
        self._write(
            table, lambda d: spark_store.write_arrow_files(d, data.to_batches(), data.schema)
        )

    def append_arrow(self, table: str, data: pa.Table) -> None:
        import pyarrow as pa

        old = self.fetch_arrow(f"SELECT * FROM {self.dialect.quote(table)}")  # noqa: S608 - quoted
        merged = pa.concat_tables([old, data.select(old.column_names).cast(old.schema)])
        self.create_table_from_arrow(table, merged)

    def write_table_from_query(self, table: str, sql: str, params: Params = None) -> None:
        """Replace ``table`` by the rows of canonical query ``sql``, written by the executors."""

        def write(directory: Path) -> None:
            self.dataframe(sql, params).write.parquet(str(directory))

        self._write(table, write)

    def _write(self, table: str, writer: Callable[[Path], Any]) -> None:
        if self.read_only:
            raise EngineError(f"workspace opened read-only: cannot write {table}", engine="spark")
        with self._lock, self._translated():
            if self._writes is not None:
                writer(self._writes.new_dir(table))
                return
            with spark_store.table_writes(self.folder) as writes:
                writer(writes.new_dir(table))
            self.refresh([table])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._writes is not None:  # nested: the outer block decides
                yield
                return
            writes = spark_store.TableWrites(self.folder)
            self._writes = writes
            try:
                yield
            except BaseException:
                writes.rollback()
                raise
            else:
                self.refresh(writes.commit())
            finally:
                self._writes = None

    def pending_writes(self) -> spark_store.TableWrites:
        """The writes of the :meth:`transaction` in progress (a caller writing Parquet files
        itself stages them there); outside a transaction, an error."""
        if self._writes is None:
            raise EngineError("pending_writes() outside a transaction", engine="spark")
        return self._writes

    def stage_rows(self, name: str, sql: str, params: Params = None) -> None:
        """Append the rows of canonical query ``sql`` to the work table ``name`` (Parquet
        files written by the executors under ``tables/.work-<name>``, readable as ``name``
        until :meth:`drop_work_table`). Why: a result used twice (counted, then merged) is
        computed once, without holding it in memory."""
        directory = self.folder / spark_store.TABLES / f".work-{name}"
        with self._lock, self._translated():
            self.dataframe(sql, params).write.mode("append").parquet(str(directory))
            self._spark.read.parquet(str(directory)).createOrReplaceTempView(name)

    def drop_work_table(self, name: str) -> None:
        """Forget the work table ``name`` and delete its files."""
        with self._lock:
            with contextlib.suppress(Exception):
                self._spark.catalog.dropTempView(name)
            shutil.rmtree(self.folder / spark_store.TABLES / f".work-{name}", ignore_errors=True)

    def progress(self) -> float:
        return -1.0

    @contextmanager
    def bounded_memory(self, limit: str) -> Iterator[None]:
        """Spark's memory is the executors' configuration (``spark.conf``), not a per-load
        setting: nothing changes here."""
        del limit
        yield

    def splink_api(self) -> Any:
        from moneytrail.errors import UsageError

        raise UsageError("error.spark_not_yet", what="entity resolution (splink)")

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(Exception):
                for name in spark_store.table_names(self.folder):
                    self._spark.catalog.dropTempView(name)
            if self._scratch:
                shutil.rmtree(self.folder, ignore_errors=True)


def _named_parameters(sql: str, params: list[Any]) -> tuple[str, dict[str, Any]]:
    """Canonical ``sql`` with its ``?`` markers named ``$mt_1, $mt_2...`` in text order, and
    the values by name. Why: sqlglot moves a subquery's ``WITH`` to the front of the
    statement for Spark, which would bind positional values to the wrong markers."""
    import sqlglot

    tokens = sqlglot.Dialect.get_or_raise("duckdb").tokenize(sql)
    marks = [t for t in tokens if t.token_type == sqlglot.TokenType.PLACEHOLDER and t.text == "?"]
    if len(marks) != len(params):
        raise EngineError(
            f"{len(marks)} parameter markers for {len(params)} values", engine="spark"
        )
    pieces, last, values = [], 0, {}
    for i, (mark, value) in enumerate(zip(marks, params, strict=True), start=1):
        pieces += [sql[last : mark.start], f"$mt_{i}"]
        last = mark.end + 1
        values[f"mt_{i}"] = value
    pieces.append(sql[last:])
    return "".join(pieces), values


def _estimated_bytes(frame: Any) -> int:
    """Spark's estimate of the size of ``frame``'s result (the optimised plan's statistics);
    0, collect as before, where the session does not expose its plan (Spark Connect)."""
    try:
        return int(frame._jdf.queryExecution().optimizedPlan().stats().sizeInBytes())
    except AttributeError:
        return 0


def _read_parquet(file: Path) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(file)


def _naive_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    schema = _naive_schema(batch.schema)
    return batch if schema == batch.schema else batch.cast(schema)


def _naive_times(table: pa.Table) -> pa.Table:
    """Timestamps as DuckDB gives them: UTC, without an offset (Spark's Arrow says ``UTC``)."""
    schema = _naive_schema(table.schema)
    return table if schema == table.schema else table.cast(schema)


def _naive_schema(schema: pa.Schema) -> pa.Schema:
    import pyarrow as pa

    fields = []
    for f in schema:
        if pa.types.is_timestamp(f.type) and f.type.tz is not None:
            fields.append(pa.field(f.name, pa.timestamp(f.type.unit), f.nullable))
        else:
            fields.append(f)
    return pa.schema(fields, metadata=schema.metadata)


def _translate(exc: BaseException) -> BaseException:
    """An :class:`EngineError` for what pyspark or py4j raised. py4j's message starts with
    "An error occurred while calling o682.parquet.", which says nothing to a user: the Java
    exception's own line (``SparkException: [RECURSION_ROW_LIMIT_EXCEEDED] …``) comes first.
    When Spark wraps the failure ("Exception thrown in awaitResult:", "Job aborted …"), its
    deepest ``Caused by:`` line is what happened (``Total size of serialized results … is
    bigger than spark.driver.maxResultSize``, from the 50M run's trace): it comes first."""
    text = (str(exc) or type(exc).__name__).strip()
    first, _, rest = text.partition("\n")
    if first.startswith("An error occurred while calling") and rest.strip():
        text = rest.strip().removeprefix(": ").strip()
    causes = [
        line.strip().removeprefix("Caused by:").strip()
        for line in text.splitlines()
        if line.strip().startswith("Caused by:")
    ]
    if causes and causes[-1]:
        text = causes[-1] + "\n" + text
    kind = getattr(exc, "getCondition", lambda: None)() or type(exc).__name__
    return EngineError(text, kind=str(kind), engine="spark")
