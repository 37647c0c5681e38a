"""The case store on both of its database systems: the fixtures give a real, fresh database of
each kind; opening migrates to head, builds exactly the declared tables, is idempotent, refuses
a store from a newer moneytrail, and serialises transactions."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from moneytrail.cases.migrate import current_revision, head_revision
from moneytrail.cases.store import CaseStore, now_text
from moneytrail.cases.tables import Base, User
from moneytrail.errors import UsageError
from tests.support.postgres import find_binaries

UNKNOWN_REVISION = "9999_from_the_future"


def _analyst(login: str) -> User:
    return User(
        login=login,
        display_name=login.title(),
        role="analyst",
        password_hash="not-a-hash",
        created_at=now_text(),
        created_by="admin",
    )


def test_each_kind_is_a_real_database(store: CaseStore, store_kind: str) -> None:
    assert store.backend == store_kind
    with store.engine.connect() as connection:
        if store_kind == "postgresql":
            version = connection.execute(text("SELECT version()")).scalar_one()
            assert version.startswith("PostgreSQL")
        else:
            assert connection.execute(text("SELECT sqlite_version()")).scalar_one()


def test_each_test_gets_an_empty_database(store_url: str) -> None:
    # Opened without migrating: nothing from an earlier test may be there.
    store = CaseStore.open(store_url, migrate=False)
    try:
        assert inspect(store.engine).get_table_names() == []
        assert current_revision(store.engine) is None
    finally:
        store.close()


def test_open_migrates_to_head(store: CaseStore) -> None:
    assert current_revision(store.engine) == head_revision()


def test_migrated_schema_is_the_declared_one(store: CaseStore) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_reopening_changes_nothing(store_url: str) -> None:
    first = CaseStore.open(store_url)
    try:
        with first.transaction() as session:
            session.add(_analyst("amina"))
        tables = sorted(inspect(first.engine).get_table_names())
    finally:
        first.close()
    again = CaseStore.open(store_url)
    try:
        assert current_revision(again.engine) == head_revision()
        assert sorted(inspect(again.engine).get_table_names()) == tables
        with again.transaction() as session:
            assert session.scalars(select(User.login)).all() == ["amina"]
    finally:
        again.close()


def test_store_from_a_newer_moneytrail_is_refused_untouched(store_url: str) -> None:
    store = CaseStore.open(store_url)
    try:
        with store.engine.begin() as connection:
            connection.execute(
                text("UPDATE alembic_version SET version_num = :v"), {"v": UNKNOWN_REVISION}
            )
        tables = sorted(inspect(store.engine).get_table_names())
    finally:
        store.close()

    with pytest.raises(UsageError) as refused:
        CaseStore.open(store_url)
    assert refused.value.key == "cases.error.newer_store"
    assert refused.value.params["revision"] == UNKNOWN_REVISION

    untouched = CaseStore.open(store_url, migrate=False)
    try:
        assert current_revision(untouched.engine) == UNKNOWN_REVISION
        assert sorted(inspect(untouched.engine).get_table_names()) == tables
    finally:
        untouched.close()


def test_two_transactions_run_one_after_the_other(store: CaseStore) -> None:
    """A holds a transaction (and sleeps in it); B, started while A is inside, may only run its
    first statement once A has committed, and then sees A's row. Events are recorded in order:
    no timing threshold decides the verdict, the sleep only gives a broken lock time to show."""
    events: list[str] = []
    a_inside = threading.Event()
    failures: list[BaseException] = []

    def writer_a() -> None:
        try:
            with store.transaction() as session:
                session.add(_analyst("amina"))
                session.flush()
                events.append("A inside")
                a_inside.set()
                time.sleep(0.5)
                events.append("A commits")
        except BaseException as exc:
            failures.append(exc)
            a_inside.set()

    def reader_b() -> None:
        try:
            a_inside.wait()
            with store.transaction() as session:
                seen = session.scalar(select(func.count()).select_from(User))
                events.append(f"B inside, sees {seen}")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=writer_a), threading.Thread(target=reader_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert events == ["A inside", "A commits", "B inside, sees 1"]


def test_missing_server_binaries_say_how_to_install_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="make postgres"):
        find_binaries(search_roots=[tmp_path])


def test_a_damaged_sqlite_store_is_refused_by_name(tmp_path: Path) -> None:
    """A case store file damaged on disk: not a database at all, or a column of its schema
    renamed by a flipped byte. Each is one clear error naming the store (it was SQLAlchemy's
    DatabaseError or OperationalError, from the connection hook or the first query)."""
    from moneytrail.api.cases import CaseDesk

    db = tmp_path / "cases.sqlite"
    url = f"sqlite:///{db}"
    with CaseDesk.open(url) as desk:
        desk.add_user(None, "fatou", "head", "Fatou Keïta", "fatou : une longue phrase")
    data = db.read_bytes()
    at = data.index(b"display_name")
    renamed = data[:at] + b"displaX_name" + data[at + len(b"display_name") :]
    for damaged in (b"Not SQLite at all" + data[17:], renamed):
        db.write_bytes(damaged)
        with pytest.raises(UsageError) as refused, CaseDesk.open(url) as desk:
            desk.login("fatou", "fatou : une longue phrase")
        assert refused.value.key == "cases.error.store_failed"
        assert "cases.sqlite" in refused.value.render("fr")
