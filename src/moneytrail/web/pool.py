"""A few connections to the one workspace, lent to requests one at a time.

Why: the engine serialises the statements of one connection, so a single ``Workspace`` would
make every user wait for the slowest trace. DuckDB lets several connections of one process
share the database (one instance, its own concurrency control), so the server opens
``size`` of them, lazily, and lends each to one request at a time (decision 0129).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from moneytrail.api import Workspace


class WorkspacePool:
    """``size`` handles on the workspace in ``path``, opened on first need."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self._size = size
        self._idle: queue.LifoQueue[Workspace] = queue.LifoQueue()
        self._opened: list[Workspace] = []
        self._lock = threading.Lock()

    @contextmanager
    def lease(self) -> Iterator[Workspace]:
        """A workspace handle for the length of the ``with`` block (waits when all are lent)."""
        ws = self._take()
        try:
            yield ws
        finally:
            self._idle.put(ws)

    def _take(self) -> Workspace:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self._size:
                ws = Workspace.open(self.path)
                self._opened.append(ws)
                return ws
        return self._idle.get()

    def close(self) -> None:
        """Close every handle (server shutdown)."""
        with self._lock:
            for ws in self._opened:
                ws.close()
            self._opened.clear()
