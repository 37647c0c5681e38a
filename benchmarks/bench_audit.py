"""Audit log: appending and verifying the hash chain, on SQLite and PostgreSQL, and the
detection table of the tamperings of ``tests/support/audit_attacks.py``.

What is timed, each job in its own process (``benchmarks.common.measure``):

* ``append, one per transaction``: the real path of a user's action: ``store.transaction()``
  (SQLite ``BEGIN IMMEDIATE``, PostgreSQL advisory lock) + ``audit.append`` with the signing key
  (a checkpoint signed every 1,000 entries) + commit, durable (SQLite WAL with
  ``synchronous=FULL``; PostgreSQL with ``fsync``, ``synchronous_commit`` and
  ``full_page_writes`` turned back on in the throwaway test server, which has them off).
* ``append, 1,000 per transaction``: the same appends, batched.
* ``verify``: ``audit.verify(store, public_key=...)`` over the whole log (streamed read, every
  hash recomputed, every checkpoint's signature checked).

Yardstick, not a peer (no product keeps a tamper-evident case log to compare with): the same
rows inserted into a plain, unchained table with the same columns (no hashing, no lock, no
checkpoint), one per transaction and 1,000 per transaction, and read back in full; the ratio
says what the chain costs over writing a log at all.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import DATA, measure, stamp, write_section

ENTRIES = 100_000
BATCH = 1000
DETECTION_POSITIONS = 50
FOLDER = DATA / "audit"
_PG_DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def _details(i: int) -> dict[str, Any]:
    return {"i": i, "lieu": "Ségou", "nom": "عبد الله", "montant": "1 250 000 FCFA"}


def job_append(url: str, key: str, entries: str, batch: str) -> dict[str, Any]:
    """Append ``entries`` entries, ``batch`` per transaction, with the signing key."""
    from moneytrail.cases import audit
    from moneytrail.cases.signing import load_signer
    from moneytrail.cases.store import CaseStore

    store = CaseStore.open(url)
    signer = load_signer(Path(key))
    count, per = int(entries), int(batch)
    started = time.perf_counter()
    for first in range(0, count, per):
        with store.transaction() as session:
            for i in range(first, min(first + per, count)):
                audit.append(
                    session,
                    actor="awa.traore",
                    action="case.read",
                    case_ref="D-2026-0007",
                    target=f"note:{i}",
                    details=_details(i),
                    signer=signer,
                )
    seconds = time.perf_counter() - started
    store.close()
    return {"entries": count, "work_seconds": seconds}


def job_verify(url: str, key: str) -> dict[str, Any]:
    """Verify the whole log with the public key."""
    from moneytrail.cases import audit
    from moneytrail.cases.signing import load_signer
    from moneytrail.cases.store import CaseStore

    store = CaseStore.open(url)
    signer = load_signer(Path(key))
    started = time.perf_counter()
    report = audit.verify(store, public_key=signer.public_key)
    seconds = time.perf_counter() - started
    store.close()
    return {
        "entries": report.entries,
        "ok": report.ok,
        "checkpoints": report.checkpoints,
        "work_seconds": seconds,
    }


def _plain_engine(url: str) -> Any:
    """An engine with the store's durability settings but none of its locking."""
    from sqlalchemy import create_engine, event

    if not url.startswith("sqlite"):
        return create_engine(url)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return engine


def _plain_table() -> Any:
    from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

    # SQLite numbers rows itself only for an INTEGER PRIMARY KEY (the rowid).
    key_type = BigInteger().with_variant(Integer(), "sqlite")

    return Table(
        "plain_audit",
        MetaData(),
        Column("seq", key_type, primary_key=True, autoincrement=True),
        Column("at", String(40), nullable=False),
        Column("actor", String(64), nullable=False),
        Column("action", String(40), nullable=False),
        Column("outcome", String(10), nullable=False),
        Column("case_ref", String(40), nullable=True, index=True),
        Column("target", Text, nullable=True),
        Column("details", Text, nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("entry_hash", String(64), nullable=False),
    )


def job_plain_insert(url: str, entries: str, batch: str) -> dict[str, Any]:
    """The yardstick: the same rows into an unchained table, ``batch`` per transaction."""
    from sqlalchemy import insert

    from moneytrail.cases.store import now_text

    engine = _plain_engine(url)
    table = _plain_table()
    table.metadata.create_all(engine)
    count, per = int(entries), int(batch)
    started = time.perf_counter()
    for first in range(0, count, per):
        with engine.begin() as connection:
            for i in range(first, min(first + per, count)):
                connection.execute(
                    insert(table),
                    {
                        "at": now_text(),
                        "actor": "awa.traore",
                        "action": "case.read",
                        "outcome": "allowed",
                        "case_ref": "D-2026-0007",
                        "target": f"note:{i}",
                        "details": json.dumps(
                            _details(i), sort_keys=True, ensure_ascii=False, separators=(",", ":")
                        ),
                        "prev_hash": "",
                        "entry_hash": "",
                    },
                )
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"entries": count, "work_seconds": seconds}


def job_plain_read(url: str) -> dict[str, Any]:
    """The yardstick for verify: stream every row of the plain table, nothing computed."""
    from sqlalchemy import select

    engine = _plain_engine(url)
    table = _plain_table()
    started = time.perf_counter()
    count = 0
    with engine.connect() as connection, connection.begin():
        rows = connection.execution_options(yield_per=5000).execute(
            select(table).order_by(table.c.seq)
        )
        for _ in rows:
            count += 1
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"entries": count, "work_seconds": seconds}


def job_detection(url: str, key: str, positions: str) -> dict[str, Any]:
    """Build a 10,000-entry signed log and run every attack at ``positions`` positions."""
    from moneytrail.cases.audit import stored_checkpoints
    from moneytrail.cases.signing import generate_key
    from moneytrail.cases.store import CaseStore
    from tests.support.audit_attacks import ATTACKS, build_log, run_attack, spread

    store = CaseStore.open(url)
    signer = generate_key(Path(key))
    log = build_log(store, 10_000, signer)
    with store.transaction() as session:
        trusted = tuple(stored_checkpoints(session))
    table: dict[str, dict[str, Any]] = {}
    for name in ATTACKS:
        for position in spread(log.size, int(positions)):
            for outcome in run_attack(store, log, name, position, signer, trusted):
                row = table.setdefault(
                    f"{name}|{outcome.mode}",
                    {"total": 0, "visible": 0, "detected": 0, "right": 0, "expected": Counter()},
                )
                row["total"] += 1
                row["right"] += int(outcome.right)
                if outcome.expected is not None:
                    row["visible"] += 1
                    row["detected"] += int(outcome.detected)
                row["expected"][outcome.expected[0] if outcome.expected else "none"] += 1
    store.close()
    return {k: {**v, "expected": dict(v["expected"])} for k, v in table.items()}


def _sqlite_url(name: str) -> str:
    path = FOLDER / f"{name}.sqlite"
    for leftover in FOLDER.glob(f"{name}.sqlite*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def _key(name: str) -> str:
    from moneytrail.cases.signing import generate_key

    path = FOLDER / f"{name}.key"
    path.unlink(missing_ok=True)
    generate_key(path)
    return str(path)


def _system(kind: str, entries: int, positions: int) -> dict[str, Any]:
    """Every job on one database system; fresh databases for each workload."""
    server = None
    if kind == "postgresql":
        from tests.support.postgres import PostgresServer

        server = PostgresServer(prefix="moneytrail-bench-pg-")
        server.start()
        with server.connect() as connection:
            for setting, value in _PG_DURABLE.items():
                connection.execute(f"ALTER SYSTEM SET {setting} = '{value}'")
            connection.execute("SELECT pg_reload_conf()")

    def url(name: str) -> str:
        if server is None:
            return _sqlite_url(name)
        database = f"{name}_{uuid.uuid4().hex[:8]}"
        server.create_database(database)
        return server.url(database)

    try:
        results: dict[str, Any] = {}
        if server is not None:
            with server.connect() as connection:
                results["settings"] = {
                    s: str((connection.execute(f"SHOW {s}").fetchone() or ("?",))[0])
                    for s in (*_PG_DURABLE, "shared_buffers", "server_version")
                }
        chained, key = url("chained_each"), _key(f"{kind}_each")
        results["append_each"] = measure(
            "bench_audit", "job_append", chained, key, str(entries), "1"
        )
        results["verify"] = measure("bench_audit", "job_verify", chained, key)
        batched, key_b = url("chained_batched"), _key(f"{kind}_batched")
        results["append_batched"] = measure(
            "bench_audit", "job_append", batched, key_b, str(entries), str(BATCH)
        )
        plain = url("plain_each")
        results["plain_each"] = measure("bench_audit", "job_plain_insert", plain, str(entries), "1")
        results["plain_read"] = measure("bench_audit", "job_plain_read", plain)
        plain_b = url("plain_batched")
        results["plain_batched"] = measure(
            "bench_audit", "job_plain_insert", plain_b, str(entries), str(BATCH)
        )
        detection_key = FOLDER / f"{kind}_detection.key"
        detection_key.unlink(missing_ok=True)
        results["detection"] = measure(
            "bench_audit", "job_detection", url("detection"), str(detection_key), str(positions)
        ).figures
        return results
    finally:
        if server is not None:
            server.stop()


def _share(row: dict[str, Any], part: str, whole: str) -> str:
    return f"{row[part]}/{row[whole]}" if row[whole] else "–"


def _rate(measured: Any) -> float:
    return float(measured.figures["entries"]) / float(measured.figures["work_seconds"])


def run(entries: int = ENTRIES, positions: int = DETECTION_POSITIONS) -> str:
    """Measure on both systems, write the ``audit`` section of docs/benchmarks.md, return it."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    try:
        systems = {kind: _system(kind, entries, positions) for kind in ("sqlite", "postgresql")}
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)  # ~150 MB of logs nobody reads again
    pg = systems["postgresql"]["settings"]
    lines = [
        "## Audit log: appending and verifying the hash chain (SQLite, PostgreSQL)",
        "",
        stamp(),
        f"{entries:,} audit entries through the real path (`store.transaction()` +"
        " `audit.append` with the signing key: a checkpoint signed every 1,000 entries), then"
        " `audit.verify` of the whole log (streamed, every hash recomputed, every signature"
        " checked). SQLite: a file on the local disk, WAL, `synchronous=FULL` (as the store sets"
        f" it). PostgreSQL {pg['server_version']}: the throwaway server of"
        " `tests/support/postgres.py` over a unix socket, with durability turned back on for"
        f" the benchmark (fsync={pg['fsync']}, synchronous_commit={pg['synchronous_commit']},"
        f" full_page_writes={pg['full_page_writes']}; shared_buffers={pg['shared_buffers']}).",
        "",
        "**Yardstick, not a peer**: no product keeps a tamper-evident case log to compare with."
        " The yardstick is the same rows inserted into a plain table with the same columns"
        " (no hashing, no lock, no checkpoint) and read back in full, measured in the same run;"
        " the ratio (our time / yardstick time) is what the chain costs over writing a log at"
        " all. Each job runs in its own process; peak RSS is that process's.",
        "",
        "| system | workload | entries/s | yardstick entries/s | ratio | peak RSS (MiB) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    workloads = (
        ("append, one per transaction", "append_each", "plain_each"),
        (f"append, {BATCH:,} per transaction", "append_batched", "plain_batched"),
        ("verify the whole log", "verify", "plain_read"),
    )
    for kind, results in systems.items():
        for label, ours, yardstick in workloads:
            mine, plain = _rate(results[ours]), _rate(results[yardstick])
            lines.append(
                f"| {kind} | {label} | {mine:,.0f} | {plain:,.0f} | {plain / mine:.1f}x"
                f" | {results[ours].peak_mib:.0f} |"
            )
    for kind, results in systems.items():
        assert results["verify"].figures["ok"], f"verify failed on {kind}"
    lines += [
        "",
        "### Tamper detection (10,000-entry signed log)",
        "",
        f"Every tampering of `tests/support/audit_attacks.py`, made with SQL as a database"
        f" administrator would, at {positions} positions spread over the log (first, last, both"
        " sides of a checkpoint boundary, evenly spaced, random), each undone before the next."
        " *Detected*: reported as a break, out of the cases visible in that mode; *right*: the"
        " first broken entry and the kind of break were both the expected ones. Mode `db`: `verify` with the public key only; `export`: with the checkpoint"
        " export kept outside the database too. The same harness runs (fewer positions) in"
        " `tests/cases/test_audit_tamper.py`.",
        "",
        "| tampering | mode | expected finding | SQLite detected | SQLite right"
        " | PostgreSQL detected | PostgreSQL right |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    sqlite_rows, pg_rows = systems["sqlite"]["detection"], systems["postgresql"]["detection"]
    for key in sqlite_rows:
        name, mode = key.split("|")
        a, b = sqlite_rows[key], pg_rows[key]
        expected = ", ".join(f"{k} ({n})" for k, n in sorted(a["expected"].items()))
        lines.append(
            f"| {name} | {mode} | {expected} | {_share(a, 'detected', 'visible')}"
            f" | {_share(a, 'right', 'total')} | {_share(b, 'detected', 'visible')}"
            f" | {_share(b, 'right', 'total')} |"
        )
    lines += [
        "",
        "`none`: not visible by design in that mode (the newest checkpoints deleted, or the"
        " chain recomputed after deleting the checkpoints that covered it): only an export"
        " kept elsewhere catches it; *right* then means `verify` claimed no signature over the"
        " tampered entries (`covered_to` stops before them). Entries appended after the last"
        " checkpoint are protected by the chain alone: deleting them from the end is not seen"
        " until a checkpoint or an export covers them (`moneytrail audit checkpoint` signs the"
        " head on demand).",
    ]
    body = "\n".join(lines)
    write_section("audit", body)
    return body
