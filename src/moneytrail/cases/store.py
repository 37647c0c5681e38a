"""Open a case store (SQLite file or PostgreSQL server) and run its transactions.

Every transaction on case data is a *write* transaction, reads included, because every read
appends to the audit log. The store serialises them: SQLite with ``BEGIN IMMEDIATE`` (one
writer at a time, others wait up to ``BUSY_SECONDS``), PostgreSQL with a transaction-scoped
advisory lock taken first. Why serialise everything rather than only the audit append: an
appender that already holds row locks and then waits for the chain lock can deadlock with one
that holds the chain lock; one lock taken first cannot. An FIU's case traffic (tens of
people) is far below what one serialised writer carries (docs/benchmarks.md, "audit").

Example::

    store = CaseStore.open("sqlite:///enquete/cases.sqlite")
    with store.transaction() as session:
        session.add(...)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from moneytrail.cases.signing import AuditSigner

BUSY_SECONDS = 60
CASES_FILE = "cases.sqlite"
URL_VARIABLE = "MONEYTRAIL_CASES_URL"
# Any constant works: it only has to be the same for every process of one deployment.
CHAIN_LOCK_KEY = 0x6D74_6175_6469_74  # "mtaudit"


def now_text() -> str:
    """Now, UTC, as the store writes every time (microseconds, explicit offset)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_url(workspace_dir: Path) -> str:
    """Where a workspace's cases live: ``$MONEYTRAIL_CASES_URL`` if set (a team's PostgreSQL,
    e.g. ``postgresql+psycopg://user@host/cases``), else ``cases.sqlite`` in the workspace
    folder."""
    configured = os.environ.get(URL_VARIABLE, "").strip()
    if configured:
        return configured
    return f"sqlite:///{Path(workspace_dir).resolve() / CASES_FILE}"


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class CaseStore:
    """One open case store. Create with :meth:`open`; close with :meth:`close`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.backend = engine.dialect.name  # "sqlite" or "postgresql"
        # The key that signs audit checkpoints as entries are appended, when this process has
        # one (moneytrail.cases.audit_ops.store_signer); never stored in the database.
        self.signer: AuditSigner | None = None

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> CaseStore:
        """Connect, and bring the schema to this code's version (forward only).

        A store migrated by a newer moneytrail is refused, untouched; so is a URL whose
        database cannot be reached (the message names it, password masked).
        """
        from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError

        try:
            engine = _create_engine(url)
        except (ArgumentError, NoSuchModuleError) as exc:
            raise UsageError("cases.error.bad_url", url=url, detail=str(exc)) from exc
        store = cls(engine, url)
        try:
            if migrate:
                from moneytrail.cases.migrate import upgrade

                upgrade(engine)
        except BaseException as exc:
            engine.dispose()
            if isinstance(exc, OperationalError):
                raise UsageError(
                    "cases.error.unreachable", url=safe_url(url), detail=str(exc.orig)
                ) from exc
            if isinstance(exc, DatabaseError):  # "file is not a database", a malformed schema
                raise _failed(url, exc) from exc
            raise
        return store

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one serialised transaction: committed on success, rolled back on any
        exception (a killed process leaves nothing half-written: the database rolls back)."""
        from sqlalchemy import text
        from sqlalchemy.orm import Session

        with (
            self._errors(),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            if self.backend == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only, outside the serialisation of :meth:`transaction`.

        Why: a face that checks on every request who is signed in (the web workbench) must not
        queue behind the writers. SQLite: a deferred ``BEGIN`` (a WAL snapshot that neither
        waits for nor blocks the writer); PostgreSQL: no advisory lock. Never write here.
        """
        from sqlalchemy.orm import Session

        with self._errors(), self.engine.connect() as plain:
            connection = plain.execution_options(moneytrail_read=True)
            with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """The database's own failures (a damaged SQLite file: a malformed page or schema, a
        column gone; a server that went away) as one clear error naming the store; a broken
        constraint stays what it is (a bug or a race, for the crash report)."""
        from sqlalchemy.exc import DatabaseError, IntegrityError

        try:
            yield
        except IntegrityError:
            raise
        except DatabaseError as exc:
            raise _failed(self.url, exc) from exc

    def close(self) -> None:
        """Release every connection."""
        self.engine.dispose()


def _failed(url: str, exc: Any) -> UsageError:
    detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return UsageError("cases.error.store_failed", url=safe_url(url), detail=detail)


def _create_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" below, not the driver, decide when a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reads_only = connection.get_execution_options().get("moneytrail_read", False)
        connection.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine
