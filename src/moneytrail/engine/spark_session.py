"""The one SparkSession of a process, and the clear errors when Spark cannot start.

Why one: a JVM start costs seconds and a SparkContext cannot be created twice in a process;
each :class:`~moneytrail.engine.spark_engine.SparkEngine` takes its own ``newSession()`` of it
(own temporary views, same executors). pyspark is imported here only, on first use, so that
DuckDB users and ``moneytrail --help`` never load it.

Configuration, in order (later wins):

1. defaults for one machine: ``local[2]``, 4 shuffle partitions, UI off, a temporary
   warehouse, session time zone UTC, ``TIMESTAMP`` meaning ``TIMESTAMP_NTZ`` (a workspace's
   timestamps are UTC without offset, as in DuckDB);
2. the workspace's ``spark.conf`` (``key value`` per line, as Spark's spark-defaults.conf;
   ``moneytrail init --engine spark --master URL`` writes ``spark.master``);
3. the environment: ``MONEYTRAIL_SPARK_MASTER`` and ``MONEYTRAIL_SPARK_CONF``
   (``key=value;key=value``).

The session time zone, the timestamp type, the ANSI mode and the absence of a cap on recursive
queries are then forced: results must not depend on a cluster's defaults. Assumption named:
the first workspace opened in a process chooses the master; a second one with another master
shares the first session's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from moneytrail.errors import UsageError

DEFAULTS: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.app.name": "moneytrail",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.driver.memory": "2g",
}
FORCED: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
    "spark.sql.ansi.enabled": "true",
    # Spark stops a recursive CTE past 1,000,000 rows or 100 levels (DuckDB never does): on
    # 50M transactions the round-tripping rule's path search passed the row limit and failed.
    # The rules' own hop limits end every recursion; the results must not depend on a cap.
    "spark.sql.cteRecursionRowLimit": "-1",
    "spark.sql.cteRecursionLevelLimit": "-1",
    # Spark rounds the product of two DECIMALs to 6 places when its exact type would pass 38
    # digits (a money column times a share); DuckDB keeps the sum of the scales, as Spark does
    # with this off. Divisions never meet it: the dialect makes every "/" a DOUBLE division.
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
}
CONF_FILE = "spark.conf"

_lock = threading.Lock()
_session: Any = None


def read_conf_file(path: Path) -> dict[str, str]:
    """``key value`` lines of a spark.conf (``#`` comments, blank lines ignored)."""
    out: dict[str, str] = {}
    if not path.is_file():
        return out
    for line in path.read_text("utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(None, 1)
        out[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return out


def spark_conf(
    workspace: Path | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The configuration a session for ``workspace`` starts with (see the module doc)."""
    conf = dict(DEFAULTS)
    conf["spark.sql.warehouse.dir"] = str(
        Path(tempfile.gettempdir()) / "moneytrail-spark-warehouse"
    )
    if workspace is not None:
        conf.update(read_conf_file(workspace / CONF_FILE))
    master = os.environ.get("MONEYTRAIL_SPARK_MASTER")
    if master:
        conf["spark.master"] = master
    for item in os.environ.get("MONEYTRAIL_SPARK_CONF", "").split(";"):
        key, sep, value = item.partition("=")
        if sep and key.strip():
            conf[key.strip()] = value.strip()
    conf.update(extra or {})
    conf.update(FORCED)
    return conf


def check_spark_available() -> None:
    """Raise a :class:`UsageError` saying how to install what is missing (pyspark, Java 17)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError("error.spark_no_pyspark") from None
    java = _java_binary()
    if java is None:
        raise UsageError("error.spark_no_java", found="-")
    version = _java_major(java)
    if version is not None and version < 17:
        raise UsageError("error.spark_no_java", found=str(version))


def _java_binary() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def _java_major(java: str) -> int | None:
    """Major version of ``java`` (17 for "17.0.15"), ``None`` when it does not say."""
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def shared_session(conf: Mapping[str, str]) -> Any:
    """The process's SparkSession, started with ``conf`` on first call."""
    global _session
    with _lock:
        if _session is not None and not _session.sparkContext._jsc.sc().isStopped():
            return _session
        check_spark_available()
        os.environ.setdefault("PYSPARK_PYTHON", _python())
        from pyspark.sql import SparkSession

        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("FATAL")
        _quiet_python_loggers()
        _session = session
        return session


def _quiet_python_loggers() -> None:
    """pyspark logs every failed query as a JSON line on stderr; our callers report the
    failure themselves (an EngineError), so those lines are only noise."""
    import logging

    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def _python() -> str:
    import sys

    return sys.executable


def stop_shared_session() -> None:
    """Stop the process's session (tests and benchmarks, at their end)."""
    global _session
    with _lock:
        if _session is not None:
            _session.stop()
            _session = None
