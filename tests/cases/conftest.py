"""Case-store fixtures: every test that takes ``store`` or ``store_url`` runs once on SQLite
and once on a real PostgreSQL server (started here, one per pytest-xdist worker; never mocked,
never skipped: without the server binaries the PostgreSQL half fails and says to run
``make postgres``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from moneytrail.cases.store import CaseStore
from tests.support.postgres import PostgresServer

STORE_KINDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster for this worker, started on first use, stopped at the
    end of the session."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = PostgresServer(prefix=f"moneytrail-pg-{worker}-")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=STORE_KINDS, ids=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The database system under the store: ``"sqlite"`` or ``"postgresql"``."""
    return str(request.param)


@pytest.fixture
def store_url(store_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database of each kind (dropped after the test)."""
    if store_kind == "sqlite":
        yield f"sqlite:///{tmp_path}/cases.sqlite"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"cases_{uuid.uuid4().hex[:16]}"
    server.create_database(name)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def store(store_url: str) -> Iterator[CaseStore]:
    """A case store opened (and so migrated) on each kind of database."""
    opened = CaseStore.open(store_url)
    try:
        yield opened
    finally:
        opened.close()
