"""Tamper evidence, measured: on a 10,000-entry signed log, every tampering an administrator
can make with SQL (``tests/support/audit_attacks.py``: edit, delete with or without
renumbering, insert three ways, swap, recompute the chain with the checkpoints left alone,
re-signed with his own key, or deleted, delete a checkpoint) is found by ``verify`` at the
right entry with the right kind, at positions spread over the log (first, last, both sides of
a checkpoint boundary, evenly spaced, random).

The log is built once per database system and module, in bulk with ``append``'s own hashing
and signed by ``checkpoint`` every 1,000 entries (``build_log``; ``test_audit_chain`` proves
``append`` makes the same chain); each tampering runs in a transaction rolled back after the
verification. Fewer positions on PostgreSQL and for the attacks that rewrite the whole chain
after the position (time, not doubt: ``python -m benchmarks.run audit`` runs 50 positions of
every attack on both systems and writes the table to docs/benchmarks.md, "audit").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from moneytrail.cases.audit import stored_checkpoints, verify
from moneytrail.cases.signing import (
    AuditSigner,
    Checkpoint,
    generate_key,
    read_export,
    write_export,
)
from moneytrail.cases.store import CaseStore, now_text
from tests.support.audit_attacks import ATTACKS, HEAVY, Log, build_log, run_attack, spread
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.slow

LOG_SIZE = 10_000
# Positions per attack on SQLite: 50 per kind of break for edits, deletions, insertions and
# reorders (the variants of one kind share them), 36 for the recomputed chain (three
# variants, each verified with and without the export), 20 for a deleted checkpoint.
SQLITE_POSITIONS = {
    "edit": 50,
    "delete": 25,
    "delete_renumbered": 25,
    "insert_renumbered": 17,
    "insert_unlinked": 17,
    "insert_kept_numbering": 16,
    "swap": 50,
    "recompute": 12,
    "recompute_resigned": 12,
    "recompute_checkpoints_deleted": 12,
    "checkpoint_deleted": 20,
}
# On PostgreSQL (renumbering and rewriting 10,000 rows cost more there): fewer.
POSTGRESQL_POSITIONS = {name: 5 if name in HEAVY else 10 for name in ATTACKS}


@dataclass(frozen=True)
class SignedLog:
    """A built log and what a verifier holds outside the database."""

    store: CaseStore
    log: Log
    signer: AuditSigner
    trusted: tuple[Checkpoint, ...]
    kind: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def signed_log(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SignedLog]:
    """A 10,000-entry log signed every 1,000 entries, and its export read back from a file."""
    kind = str(request.param)
    folder = tmp_path_factory.mktemp(f"tamper-{kind}")
    database = None
    server: PostgresServer | None = None
    if kind == "sqlite":
        url = f"sqlite:///{folder}/cases.sqlite"
    else:
        server = request.getfixturevalue("postgres_server")
        database = f"tamper_{uuid.uuid4().hex[:12]}"
        server.create_database(database)
        url = server.url(database)
    store = CaseStore.open(url)
    try:
        signer = generate_key(folder / "audit.key")
        log = build_log(store, LOG_SIZE, signer)
        with store.transaction() as session:
            signed = stored_checkpoints(session)
        write_export(folder / "checkpoints.json", signed, signer.public_key, now_text())
        export = read_export(folder / "checkpoints.json")
        yield SignedLog(store, log, signer, export.checkpoints, kind)
    finally:
        store.close()
        if server is not None and database is not None:
            server.drop_database(database)


def test_the_untouched_log_verifies_in_full(signed_log: SignedLog) -> None:
    key = signed_log.signer.public_key
    for trusted in (None, signed_log.trusted):
        report = verify(signed_log.store, public_key=key, trusted=trusted)
        assert report.ok, report.render("en")
        assert (report.entries, report.checkpoints, report.covered_to) == (LOG_SIZE, 10, LOG_SIZE)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_every_tampering_is_found_at_its_entry_with_its_kind(
    signed_log: SignedLog, attack: str
) -> None:
    table = SQLITE_POSITIONS if signed_log.kind == "sqlite" else POSTGRESQL_POSITIONS
    count = table[attack]
    positions = spread(LOG_SIZE, count)
    assert len(positions) == count and positions[0] == 1 and positions[-1] == LOG_SIZE
    outcomes = [
        outcome
        for position in positions
        for outcome in run_attack(
            signed_log.store,
            signed_log.log,
            attack,
            position,
            signed_log.signer,
            signed_log.trusted,
        )
    ]
    wrong = [o for o in outcomes if not o.right]
    assert not wrong, f"{len(wrong)}/{len(outcomes)} misnamed, e.g. {wrong[:3]}"
    # Nothing leaks from one case to the next: the log is whole again.
    assert verify(signed_log.store, public_key=signed_log.signer.public_key).ok


def test_a_tampering_outside_any_signed_window_needs_the_chain_only(
    signed_log: SignedLog, tmp_path: Path
) -> None:
    """Without checkpoints, edits, deletions, insertions and swaps are still named."""
    unsigned = Log(signed_log.log.size, signed_log.log.every, signed_log.log.dialect)
    for attack in ("edit", "delete", "insert_renumbered", "insert_unlinked", "swap"):
        with signed_log.store.engine.connect() as conn, conn.begin() as transaction:
            conn.exec_driver_sql("DELETE FROM audit_checkpoints")
            expected = ATTACKS[attack](conn, unsigned, 4321)["db"]
            report = verify(conn)
            transaction.rollback()
        assert (report.kind, report.first_break) == expected, attack
