"""A small on-disk memo for slow, pure look-ups (rigour's name groups, country names).

Why: rigour builds its name tagger (about 7 s) and its territory table (about 2.5 s) the first
time a process asks, so a one-off ``moneytrail screen "NAME"`` spent most of its time loading
tables to look up a handful of words. The answers never change for one version of the tables,
so each is kept in a SQLite file of the user's cache directory and a later process reads it
in microseconds; the tables are loaded only for a word nobody asked before.

Assumptions (named):
- the cache directory is ``$MONEYTRAIL_CACHE_DIR``, else ``$XDG_CACHE_HOME/moneytrail``, else
  ``~/.cache/moneytrail``; ``MONEYTRAIL_CACHE_DIR=off`` (or an unwritable directory) turns the
  disk memo off and every look-up is computed, as before: a cache holds no user data and losing
  it costs only time;
- a memo file is named by its namespace and the version of what computed it (rigour's version),
  so an upgrade starts a new file rather than serving stale answers;
- values are JSON; new values are written in batches of :data:`FLUSH_EVERY` and when the
  process exits (a batch of workers may fill the file concurrently: SQLite serialises them),
  never fsynced: a crash or a worker killed loses recent entries, never correctness.

Example::

    >>> memo = DiskMemo("example", "1", directory=None)
    >>> memo.get("key") is None
    True
"""

from __future__ import annotations

import atexit
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

_OFF = "off"
FLUSH_EVERY = 512  # one transaction per word made a cold index build seconds slower


def cache_dir() -> Path | None:
    """Where moneytrail keeps caches (see the module docstring), ``None`` when turned off."""
    chosen = os.environ.get("MONEYTRAIL_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (_OFF, "") else Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "moneytrail"


class DiskMemo:
    """A key -> JSON value table in ``<cache>/memo-<namespace>-<version>.sqlite``."""

    def __init__(self, namespace: str, version: str, directory: Path | None = None) -> None:
        self.name = f"memo-{namespace}-{version}.sqlite"
        self.directory = directory
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._broken = directory is None
        self._pending: dict[str, Any] = {}
        atexit.register(self.flush)

    def _connection(self) -> sqlite3.Connection | None:
        if self._broken or self.directory is None:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        try:  # a forked worker opens its own connection: SQLite handles are not fork-safe
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.directory / self.name, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("CREATE TABLE IF NOT EXISTS memo (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        except (OSError, sqlite3.Error):
            self._broken = True  # read-only home, full disk: compute every time, as before
            return None
        self._conn, self._pid = conn, os.getpid()
        return conn

    def get(self, key: str) -> Any | None:
        """The stored value of ``key``, ``None`` when absent (or the memo is off)."""
        if key in self._pending:
            return self._pending[key]
        conn = self._connection()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT v FROM memo WHERE k = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` for ``key`` (with the next batch); a failure to write is ignored."""
        if self._broken:
            return
        self._pending[key] = value
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the values not written yet."""
        if self._pending:
            items = list(self._pending.items())
            self._pending.clear()
            self.put_many(items)

    def put_many(self, items: list[tuple[str, Any]]) -> None:
        """Store several values in one transaction."""
        conn = self._connection()
        if conn is None or not items:
            return
        rows = [(k, json.dumps(v, ensure_ascii=False)) for k, v in items]
        try:
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO memo (k, v) VALUES (?, ?)", rows)
            conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")


def memo_for(namespace: str, version: str) -> DiskMemo:
    """A memo in the user's cache directory (off when that is turned off)."""
    return DiskMemo(namespace, version, cache_dir())
