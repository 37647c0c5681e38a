"""Sessions kept on the server, in memory.

Why not a signed cookie: a session the server does not hold cannot be ended at logout or when
an account is disabled. A restart signs everyone out, which suits one workbench on one machine
(decision 0129). Ids and CSRF tokens are 256-bit random values (``secrets``).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class WebSession:
    """One browser's session: who signed in (``None`` before login) and its CSRF token."""

    id: str
    csrf: str
    login: str | None = None
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)


class SessionStore:
    """Every live session, by id; thread-safe (requests run in a thread pool)."""

    def __init__(self, idle_seconds: float) -> None:
        self._idle = idle_seconds
        self._by_id: dict[str, WebSession] = {}
        self._lock = threading.Lock()

    def new(self, login: str | None = None) -> WebSession:
        """A fresh session with a fresh id and token (signing in always makes a new one)."""
        session = WebSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32), login)
        with self._lock:
            self._expire()
            self._by_id[session.id] = session
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        """The live session ``session_id``; an unknown or idle one is ``None``."""
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._by_id.get(session_id)
            if session is None:
                return None
            if now - session.seen > self._idle:
                del self._by_id[session_id]
                return None
            session.seen = now
            return session

    def drop(self, session_id: str | None) -> None:
        """End ``session_id`` (logout, disabled account)."""
        with self._lock:
            self._by_id.pop(session_id or "", None)

    def drop_login(self, login: str) -> None:
        """End every session of ``login``."""
        with self._lock:
            for key in [k for k, s in self._by_id.items() if s.login == login]:
                del self._by_id[key]

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, s in self._by_id.items() if now - s.seen > self._idle]:
            del self._by_id[key]
