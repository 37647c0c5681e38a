"""Where the web server's time goes under load: ``moneytrail serve`` with its calls timed.

``python -m benchmarks.web_load_timed OUT ARGS...`` runs ``moneytrail serve ARGS`` with the
calls of :data:`TIMED` wrapped (count, wall seconds summed over threads, a recursive call
counted once) and the case store's transactions split into waiting for the write lock and
holding it; the totals are written to ``OUT`` (JSON) when the server stops (Ctrl+C / SIGINT).
``python -m benchmarks.run web-load --web-diagnose`` starts it instead of the plain server and
appends :func:`diagnosis`'s table to its output. Diagnosis only: the figures of
docs/benchmarks.md come from the untouched server.

``WEB_LOAD_ACTOR_READS=1`` also tries a change proposed for the case store: ``CaseDesk.actor``
(a pure read on every request) without the write lock.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMED = (
    ("moneytrail.api.cases", "CaseDesk", "actor"),
    ("moneytrail.api.cases", "CaseDesk", "permit"),
    ("moneytrail.api.cases", "CaseDesk", "list"),
    ("moneytrail.api.cases", "CaseDesk", "show"),
    ("moneytrail.cases.audit", None, "append"),
    ("moneytrail.api.alerts", "AlertsPart", "list"),
    ("moneytrail.api.alerts", "AlertsPart", "show"),
    ("moneytrail.api.graph_web", None, "trace_view"),
    ("moneytrail.api.serialize", None, "to_jsonable"),
    ("moneytrail.web.pages", None, "render"),
    ("moneytrail.web.pool", "WorkspacePool", "_take"),
    ("moneytrail.web.security", "Permit", "__call__"),
)


def serve_timed(out: str, *args: str) -> None:
    """``moneytrail serve ARGS`` with the calls of :data:`TIMED` timed (count, total wall
    seconds summed over threads) and the case store's transactions split into waiting for the
    write lock (``BEGIN IMMEDIATE``) and holding it; the totals go to ``out`` at exit. For a
    diagnosis only: the benchmark's figures come from the untouched server."""
    import atexit
    import functools
    import importlib
    import json
    import threading
    from contextlib import contextmanager

    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    lock = threading.Lock()
    depth = threading.local()  # a recursive call (to_jsonable) counts once, outermost

    def add(name: str, seconds: float) -> None:
        with lock:
            totals[name][0] += 1
            totals[name][1] += seconds

    def timed(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def wrapper(*a: Any, **k: Any) -> Any:
            inside = getattr(depth, name, 0)
            setattr(depth, name, inside + 1)
            started = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                setattr(depth, name, inside)
                if not inside:
                    add(name, time.perf_counter() - started)

        return wrapper

    if os.environ.get("WEB_LOAD_ACTOR_READS") == "1":
        _actor_without_write_lock()
    for module, owner, name in TIMED:
        home: Any = importlib.import_module(module)
        home = getattr(home, owner) if owner else home
        setattr(
            home, name, timed(f"{owner or module.rsplit('.', 1)[-1]}.{name}", getattr(home, name))
        )

    from moneytrail.cases.store import CaseStore

    original = CaseStore.transaction

    @contextmanager
    def transaction(self: Any) -> Any:
        started = time.perf_counter()
        with original(self) as session:
            session.connection()  # BEGIN IMMEDIATE: waits for the write lock
            locked = time.perf_counter()
            add("store: wait for the write lock", locked - started)
            try:
                yield session
            finally:
                held = time.perf_counter()
        add("store: lock held (work + commit)", time.perf_counter() - locked)
        add("store: commit", time.perf_counter() - held)

    CaseStore.transaction = transaction  # type: ignore[method-assign]

    def dump() -> None:
        Path(out).write_text(json.dumps(totals), encoding="utf-8")

    atexit.register(dump)
    from moneytrail.cli.main import main

    sys.argv = ["moneytrail", "serve", *args]
    main()


def _actor_without_write_lock() -> None:
    """Experiment (``WEB_LOAD_ACTOR_READS=1``): ``CaseDesk.actor``, a pure read on every
    request, on a connection without the store's ``BEGIN IMMEDIATE`` (a WAL snapshot that
    neither waits for nor blocks the writer): what the patch proposed in the report would
    change."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from moneytrail.api.cases import CaseDesk
    from moneytrail.cases.guard import actor_of

    engines: dict[str, Any] = {}

    def actor(self: Any, login: str) -> Any:
        url = self.store.url
        if url not in engines:
            engines[url] = create_engine(url, connect_args={"timeout": 30})
        with Session(engines[url]) as session:
            return actor_of(session, login)

    CaseDesk.actor = actor  # type: ignore[method-assign]


if __name__ == "__main__":
    serve_timed(*sys.argv[1:])


def diagnosis(totals: dict[str, list[float]], wall_s: float) -> str:
    """The timed calls of the diagnosis server: count, mean and summed wall time."""
    lines = [
        "",
        "Where the server's time went (diagnosis run; wall time summed over threads):",
        "",
        "| call | count | mean (ms) | total (s) | total / run wall |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (count, total) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        lines.append(
            f"| {name} | {int(count):,} | {1000 * total / max(count, 1):,.1f} | {total:,.1f} |"
            f" {total / wall_s:,.2f} |"
        )
    return "\n".join(lines) + "\n"
