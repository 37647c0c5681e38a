"""The Spark engine and dialect: the rewrites keep DuckDB's meaning, what cannot be kept is
refused, and Spark is never loaded where it is not used."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from moneytrail.engine import DuckDBEngine, Engine, EngineError, open_engine
from moneytrail.engine.spark_dialect import SPARK, UnportableSqlError
from moneytrail.errors import UsageError
from moneytrail.workspace import Workspace
from tests.spark.conftest import _skip_or_check

ROWS = pa.table(
    {
        "acc": ["a", "a", "a", "a", "b", "b"],
        "other": ["x", "y", "x", None, "z", "z"],
        "ts": pa.array(
            [
                datetime(2025, 1, d, 10, 0, s)
                for d, s in [(1, 0), (2, 1), (3, 0), (3, 0), (1, 5), (9, 0)]
            ],
            pa.timestamp("us"),
        ),
        "k": [3, None, 1, 2, 1, 1],
        "amount": pa.array(
            [Decimal("1.5"), Decimal("2"), None, Decimal("4"), Decimal("5"), Decimal("6")],
            pa.decimal128(38, 8),
        ),
    }
)


@pytest.fixture(scope="module")
def engines() -> Iterator[tuple[Engine, Engine]]:
    _skip_or_check()
    duck, spark = DuckDBEngine(), open_engine(kind="spark")
    duck.create_table_from_arrow("r", ROWS)
    spark.create_table_from_arrow("r", ROWS)
    yield duck, spark
    duck.close()
    spark.close()


QUERIES = {
    "ordered list, NULL keys last": "SELECT acc, list(other ORDER BY k, other) AS l FROM r GROUP BY acc ORDER BY acc",
    "ordered list, NULLS FIRST": "SELECT acc, list(k ORDER BY k NULLS FIRST) AS l FROM r GROUP BY acc ORDER BY acc",
    "distinct window count": (
        "SELECT acc, ts, k, count(DISTINCT other) OVER (PARTITION BY acc ORDER BY ts"
        " RANGE BETWEEN CURRENT ROW AND INTERVAL 2 DAY FOLLOWING) AS n FROM r ORDER BY acc, ts, k NULLS FIRST"
    ),
    "epoch of an interval": "SELECT acc, epoch(max(ts) - min(ts)) AS s FROM r GROUP BY acc ORDER BY acc",
    "casts to an integer round as DuckDB does": (
        "SELECT k, CAST(k / 2 AS BIGINT) AS half, CAST(CAST(k AS DECIMAL(10, 2)) + 0.5 AS INTEGER) AS dec,"
        " CAST(-k / 2 AS BIGINT) AS neg FROM r WHERE k IS NOT NULL ORDER BY k, acc"
    ),
    "a division is a DOUBLE division, of money too": (
        "SELECT acc, sum(amount) / 3 AS third, CAST(sum(amount) / 7 AS DOUBLE) AS seventh,"
        " 0.4 + 0.3 * least(1.0, CAST(min(amount) / max(amount) AS DOUBLE)) AS score,"
        " sum(k) / count(*) AS mean FROM r GROUP BY acc ORDER BY acc"
    ),
    "money times a share keeps every decimal place": (
        "SELECT acc, ts, (amount + CAST(0.12345678 AS DECIMAL(38, 8))) * CAST(0.333 AS DECIMAL(18, 3))"
        " AS share FROM r WHERE amount IS NOT NULL ORDER BY acc, ts, share"
    ),
    "date_diff counts the unit's boundaries": (
        "SELECT acc, ts, date_diff('day', ts - INTERVAL 11 HOUR, ts + INTERVAL 15 HOUR) AS days,"
        " date_diff('hour', ts - INTERVAL 61 MINUTE, ts) AS hours,"
        " date_diff('month', ts - INTERVAL 12 HOUR, ts) AS months,"
        " date_diff('year', ts - INTERVAL 12 HOUR, ts) AS years,"
        " date_diff('second', ts, ts + INTERVAL 1500 MILLISECOND) AS seconds"
        " FROM r ORDER BY acc, ts, k NULLS FIRST"
    ),
    "a DOUBLE is rounded with DuckDB's arithmetic": (
        "SELECT acc, ts, round((CAST(amount AS DOUBLE) * 0 + 33.9045) * 100 / 7, 1) AS share,"
        " round(CAST(amount AS DOUBLE) / 3, 2) AS third, round(CAST(amount AS DECIMAL(38, 8)) / 7)"
        " AS whole FROM r WHERE amount IS NOT NULL ORDER BY acc, ts, share"
    ),
    "lower-case letters one by one, as DuckDB does": (
        "SELECT acc, lower('ΟΔΟΣ İSTANBUL Aïssata ' || acc) AS l FROM r ORDER BY acc, l"
    ),
    "bound values, lists and money": (
        "SELECT acc, sum(amount) AS total FROM r WHERE list_contains(?, other) AND amount >= ?"
        " GROUP BY acc ORDER BY acc"
    ),
}
PARAMS: dict[str, list[object]] = {"bound values, lists and money": [["x", "z"], Decimal("1.5")]}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_rewritten_sql_means_the_same_on_spark(
    engines: tuple[Engine, Engine], name: str
) -> None:
    duck, spark = engines
    params = PARAMS.get(name)
    expected = duck.fetchall(QUERIES[name], params)
    got = spark.fetchall(QUERIES[name], params)
    assert [tuple(list(v) if isinstance(v, list) else v for v in r) for r in got] == expected
    assert expected


def test_a_construct_without_a_faithful_form_is_refused() -> None:
    for sql in (
        "SELECT rowid FROM r",
        "SELECT list(x ORDER BY ts DESC) FROM r",
        "SELECT string_agg(x, ',' ORDER BY ts) FROM r",
        "SELECT epoch_us(ts) FROM r",
        "SELECT date_diff('week', ts, ts) FROM r",
    ):
        with pytest.raises(UnportableSqlError):
            SPARK.prepare(sql)


def test_a_failed_statement_is_an_engine_error(engines: tuple[Engine, Engine]) -> None:
    _, spark = engines
    with pytest.raises(EngineError) as caught:
        spark.fetchall("SELECT no_such_column FROM r")
    assert caught.value.engine == "spark" and "no_such_column" in caught.value.detail
    with pytest.raises(EngineError, match="not portable"):
        spark.fetchall("SELECT rowid FROM r")


def test_writes_in_a_transaction_land_together_or_not_at_all(
    engines: tuple[Engine, Engine],
) -> None:
    _, spark = engines
    with pytest.raises(RuntimeError), spark.transaction():
        spark.create_table_from_arrow("t1", pa.table({"x": [1]}))
        raise RuntimeError("stop")
    with pytest.raises(EngineError):
        spark.fetchall("SELECT * FROM t1")
    with spark.transaction():
        spark.create_table_from_arrow("t1", pa.table({"x": [1]}))
    spark.append_arrow("t1", pa.table({"x": [2]}))
    assert spark.fetchall("SELECT x FROM t1 ORDER BY x") == [(1,), (2,)]


def test_parts_that_do_not_run_on_spark_yet_say_so(tmp_path: Path) -> None:
    _skip_or_check()
    with Workspace.init(tmp_path / "ws", engine="spark") as ws:
        assert ws.engine_kind == "spark"
        for part in ("screening", "alerts"):
            with pytest.raises(UsageError) as caught:
                getattr(ws, part)
            assert caught.value.exit_code == 2 and "Spark" in caught.value.render("en")
            assert "Spark" in caught.value.render("fr")
    with Workspace.open(tmp_path / "ws") as again:  # the folder remembers its engine
        assert again.engine_kind == "spark"


def test_an_unknown_engine_is_a_usage_error(cli: Any, tmp_path: Path) -> None:
    done = cli("init", str(tmp_path / "w"), "--engine", "oracle")
    assert done.code == 2 and "oracle" in done.err + done.out


def test_missing_java_is_said_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from moneytrail.engine.spark_session import check_spark_available

    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as caught:
        check_spark_available()
    assert caught.value.exit_code == 2
    assert "openjdk-17-jre-headless" in caught.value.render("en")
    assert "installez" in caught.value.render("fr")


def test_the_default_path_never_imports_pyspark() -> None:
    code = (
        "import sys; import moneytrail.cli.main; from moneytrail.engine import open_engine;"
        " open_engine().close(); print('pyspark' in sys.modules, 'py4j' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_the_cli_runs_init_ingest_info_and_rules_on_spark(cli: Any, tmp_path: Path) -> None:
    _skip_or_check()
    ws = tmp_path / "nationale"
    sample = resources.files("moneytrail") / "samples" / "orange_money_2024-03.csv"
    csv = tmp_path / "orange_money_2024-03.csv"
    csv.write_bytes(sample.read_bytes())
    assert cli("init", ws, "--engine", "spark", "--json").code == 0
    assert (ws / "moneytrail-engine.json").is_file() and not (ws / "workspace.duckdb").exists()
    loaded = cli("ingest", "-w", ws, csv, "--json")
    assert loaded.code == 0, loaded.err
    info = cli("info", "-w", ws, "--json").json()
    assert info["counts"]["transactions"] > 0
    rules = cli("detect", "run", "-w", ws, "--only", "large_cash,structuring", "--json")
    assert rules.code == 0, rules.err
    assert {r["rule"] for r in rules.json()["rules"]} == {"large_cash", "structuring"}
    refused = cli("conflicts", "list", "-w", ws)  # trace runs on Spark now (decision 0140)
    assert refused.code == 2 and "Spark" in refused.err + refused.out


def test_recursive_queries_are_never_capped(
    engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spark stops a recursive CTE past 1M rows or 100 levels unless told not to (the
    round-tripping rule failed so on 50M transactions); DuckDB never does. The session has no
    cap, and no workspace, environment or caller setting can put one back."""
    from moneytrail.engine.spark_engine import SparkEngine
    from moneytrail.engine.spark_session import spark_conf

    monkeypatch.setenv("MONEYTRAIL_SPARK_CONF", "spark.sql.cteRecursionRowLimit=10")
    conf = spark_conf(extra={"spark.sql.cteRecursionLevelLimit": "3"})
    assert conf["spark.sql.cteRecursionRowLimit"] == "-1"
    assert conf["spark.sql.cteRecursionLevelLimit"] == "-1"
    _, spark = engines
    assert isinstance(spark, SparkEngine)
    session_conf = spark.session.conf
    assert session_conf.get("spark.sql.cteRecursionRowLimit") == "-1"
    assert session_conf.get("spark.sql.cteRecursionLevelLimit") == "-1"


def test_a_failed_spark_job_names_its_java_cause() -> None:
    """py4j words every failed call "An error occurred while calling o682.parquet."; the
    user reads the Spark exception under it instead (as the 50M run's rule failure showed)."""
    from moneytrail.engine.spark_engine import _translate

    raised = RuntimeError(
        "An error occurred while calling o682.parquet.\n"
        ": org.apache.spark.SparkException: [RECURSION_ROW_LIMIT_EXCEEDED] Recursion row limit"
        " 1000000 reached but query has not exhausted.\n\tat org.apache.spark.sql.Dataset.ofRows"
    )
    error = _translate(raised)
    assert isinstance(error, EngineError)
    assert error.detail.startswith(
        "org.apache.spark.SparkException: [RECURSION_ROW_LIMIT_EXCEEDED]"
    )
    wrapped = _translate(
        RuntimeError(
            "An error occurred while calling o91.collectAsArrowToPython.\n"
            ": org.apache.spark.SparkException: Exception thrown in awaitResult: \n"
            "\tat org.apache.spark.util.SparkThreadUtils$.awaitResult(SparkThreadUtils.scala:70)\n"
            "Caused by: org.apache.spark.SparkException: Job aborted due to stage failure: Total"
            " size of serialized results of 6 tasks (1045.2 MiB) is bigger than"
            " spark.driver.maxResultSize (1024.0 MiB)\n"
            "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:4568)"
        )
    )
    assert isinstance(wrapped, EngineError)
    assert wrapped.detail.splitlines()[0].endswith("spark.driver.maxResultSize (1024.0 MiB)")
    plain = _translate(ValueError("no such column"))
    assert isinstance(plain, EngineError) and plain.detail == "no such column"


def test_a_result_past_the_driver_limit_is_read_through_parquet_files(
    engines: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spark refuses to collect more than ``spark.driver.maxResultSize`` (the 50M run's trace
    stopped there): a result estimated larger than ``spill_bytes`` is written as Parquet by
    the executors and read back in order, with its column names, even repeated ones."""
    from moneytrail.engine.spark_engine import SparkEngine

    _, spark = engines
    assert isinstance(spark, SparkEngine)
    n = 200_000
    words = [f"ligne n° {i:07d} — تحويل" for i in range(n)]
    spark.create_table_from_arrow("big", pa.table({"i": pa.array(range(n)), "s": words}))
    conf = spark.session.sparkContext._jsc.sc().conf()
    before = conf.get("spark.driver.maxResultSize", "1g")
    conf.set("spark.driver.maxResultSize", "1m")
    try:
        sql = "SELECT i, s, i AS i FROM big ORDER BY i DESC"
        monkeypatch.setattr(spark, "spill_bytes", 1 << 62)
        with pytest.raises(EngineError, match="maxResultSize"):
            spark.fetch_arrow(sql)
        monkeypatch.setattr(spark, "spill_bytes", 1 << 20)
        table = spark.fetch_arrow(sql)
        assert table.column_names == ["i", "s", "i"]
        assert table.column(0).to_pylist() == list(range(n - 1, -1, -1))
        assert table.column(1).to_pylist() == words[::-1]
        batches = list(spark.iter_batches(sql, size=7_000))
        assert max(b.num_rows for b in batches) <= 7_000
        assert pa.Table.from_batches(batches).equals(table)
        assert not list(spark.iter_batches("SELECT * FROM big WHERE i < 0"))
        assert spark.fetch_arrow("SELECT * FROM big WHERE i < 0").column_names == ["i", "s"]
    finally:
        conf.set("spark.driver.maxResultSize", before)
    leftovers = list((spark.folder / "tables").glob(".fetch-*"))
    assert not leftovers


def test_result_files_hand_a_reader_every_row_with_its_names_and_times(
    engines: tuple[Engine, Engine],
) -> None:
    """``result_files`` hands the executors' Parquet files to a reader of its own (the Spark
    trace's DuckDB copy): every row once, the names in order, the workspace's naive UTC times
    as they are whatever the reading DuckDB's own time zone, files gone after the block, and
    the reader's own errors as they are (not taken for Spark's)."""
    import pyarrow.parquet as pq

    from moneytrail.engine.spark_engine import SparkEngine

    _, spark = engines
    assert isinstance(spark, SparkEngine)
    times = [datetime(2024, 3, 1, 23, 30, i) for i in range(50)]
    names = [f"Aïssata Traoré — عائشة {i}" for i in range(50)]
    spark.create_table_from_arrow(
        "instants", pa.table({"ts": pa.array(times, pa.timestamp("us")), "name": names})
    )
    reader = DuckDBEngine(None)
    try:
        reader.execute("SET TimeZone = 'Asia/Tokyo'")  # a cast through it would move 9 hours
        with spark.result_files("SELECT name, ts FROM instants ORDER BY ts DESC") as (files, cols):
            assert cols == ["name", "ts"]
            assert pq.read_schema(files[0]).field("c1").type == pa.timestamp("us")
            rows = reader.fetchall(
                "SELECT c0, c1 FROM read_parquet(?) ORDER BY c1", [[str(f) for f in files]]
            )
        assert rows == list(zip(names, times, strict=True))
        assert not files[0].exists()
        with spark.result_files("SELECT * FROM instants WHERE ts < ?", [times[0]]) as (none, _):
            assert sum(pq.read_metadata(f).num_rows for f in none) == 0
        with pytest.raises(KeyError), spark.result_files("SELECT * FROM instants") as (files, _):
            raise KeyError("the reader's own")
        assert not any(f.exists() for f in files)
    finally:
        reader.close()
