"""Tamperings of the audit log, made with raw SQL as an administrator of the database would,
and the harness that checks ``verify`` names each one (tests and ``benchmarks.run audit``).

The attacker knows the hashing algorithm (it is public: :func:`moneytrail.cases.audit.
entry_hash`), can run any SQL, drop a constraint, rebuild a table; he does not hold the
signing key (he may sign with a key of his own). Each attack is applied inside a transaction
that is rolled back afterwards, so one log serves every case.

Each attack says what ``verify`` must answer, per verification *mode*: ``db`` (the public key
only: what ``audit verify`` does by default) and ``export`` (the public key and the trusted
checkpoint export). ``None`` marks what cannot be seen by design in that mode: a chain
recomputed after its newest checkpoints were deleted, or the newest checkpoint deleted, is
only caught with an export (that is what exports are for); the harness then checks that the
report does not claim a signature over the tampered entries.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from moneytrail.cases.audit import (
    CHECKPOINT_EVERY,
    GENESIS_HASH,
    VerifyReport,
    canonical_details,
    checkpoint,
    entry_hash,
    stored_checkpoints,
    verify,
)
from moneytrail.cases.signing import AuditSigner, Checkpoint, key_id_of
from moneytrail.cases.store import CaseStore
from moneytrail.cases.tables import AuditEntry

Expected = tuple[str, int] | None
MODES = ("db", "export")
_ACTORS = ("awa.traore", "moussa.diallo", "fatima.zahra", "aïssata.koné")
_ACTIONS = ("case.read", "case.add_note", "case.add_evidence", "case.status", "case.assign")
_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Log:
    """What the attacker (and the harness) know of the untampered log."""

    size: int
    every: int
    dialect: str


def build_log(
    store: CaseStore, size: int, signer: AuditSigner, every: int = CHECKPOINT_EVERY
) -> Log:
    """A ``size``-entry log made in bulk with ``append``'s own hashing (``entry_hash``,
    ``canonical_details``) and signed by ``checkpoint`` every ``every`` entries: 10,000
    appends through the ORM would cost seconds per backend and prove nothing more
    (``test_audit_chain`` proves ``append`` builds exactly this chain)."""
    rows: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for seq in range(1, size + 1):
        at = (_START + timedelta(seconds=37 * seq)).isoformat(timespec="microseconds")
        actor, action = _ACTORS[seq % len(_ACTORS)], _ACTIONS[seq % len(_ACTIONS)]
        case_ref = f"D-2026-{seq % 97:04d}"
        target = f"note:{seq}" if action == "case.add_note" else None
        details = canonical_details({"i": seq, "lieu": "Ségou", "nom": "عبد الله"})
        digest = entry_hash(seq, at, actor, action, "allowed", case_ref, target, details, prev)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "outcome": "allowed",
                "case_ref": case_ref,
                "target": target,
                "details": details,
                "prev_hash": prev,
                "entry_hash": digest,
            }
        )
        prev = digest
    with store.transaction() as session:
        session.execute(insert(AuditEntry), rows)
        checkpoint(session, signer, window=every)
    return Log(size, every, store.backend)


# --- the attacker's tools ---------------------------------------------------------------


def _row(conn: Connection, seq: int) -> dict[str, Any]:
    found = conn.execute(text("SELECT * FROM audit_log WHERE seq = :s"), {"s": seq}).mappings()
    return dict(found.one())


def _hash_before(conn: Connection, seq: int) -> str:
    if seq == 1:
        return GENESIS_HASH
    return str(_row(conn, seq - 1)["entry_hash"])


def _shift(conn: Connection, first: int, delta: int) -> None:
    """Renumber every entry from ``first`` on by ``delta`` (through negative numbers, so the
    primary key never collides mid-statement)."""
    conn.execute(
        text("UPDATE audit_log SET seq = -(seq + :d) WHERE seq >= :k"), {"d": delta, "k": first}
    )
    conn.execute(text("UPDATE audit_log SET seq = -seq WHERE seq < 0"))


def _drop_prev_unique(conn: Connection, log: Log) -> None:
    """Remove the uniqueness of ``prev_hash`` that stops two entries naming one predecessor."""
    if log.dialect == "postgresql":
        name = conn.execute(
            text(
                "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a"
                " ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)"
                " WHERE c.conrelid = 'audit_log'::regclass AND c.contype = 'u'"
                " AND a.attname = 'prev_hash'"
            )
        ).scalar_one()
        conn.execute(text(f'ALTER TABLE audit_log DROP CONSTRAINT "{name}"'))
        return
    columns = "seq, at, actor, action, outcome, case_ref, target, details, prev_hash, entry_hash"
    conn.execute(
        text(
            "CREATE TABLE audit_log_open (seq BIGINT PRIMARY KEY, at VARCHAR(40), actor"
            " VARCHAR(64), action VARCHAR(40), outcome VARCHAR(10), case_ref VARCHAR(40),"
            " target TEXT, details TEXT, prev_hash VARCHAR(64), entry_hash VARCHAR(64) UNIQUE)"
        )
    )
    conn.execute(text(f"INSERT INTO audit_log_open ({columns}) SELECT {columns} FROM audit_log"))
    conn.execute(text("DROP TABLE audit_log"))
    conn.execute(text("ALTER TABLE audit_log_open RENAME TO audit_log"))


def _forge(conn: Connection, seq: int, prev: str, like: int) -> None:
    """Insert a plausible entry numbered ``seq`` naming ``prev``, hashed correctly."""
    model = _row(conn, like)
    values = {**model, "seq": seq, "prev_hash": prev, "actor": "intrus", "target": "note:forged"}
    values["details"] = canonical_details({"i": 0, "lieu": "Bamako", "nom": "faux"})
    values["entry_hash"] = entry_hash(
        *(values[c] for c in ("seq", "at", "actor", "action", "outcome", "case_ref")),
        values["target"],
        values["details"],
        prev,
    )
    conn.execute(
        text(
            "INSERT INTO audit_log (seq, at, actor, action, outcome, case_ref, target, details,"
            " prev_hash, entry_hash) VALUES (:seq, :at, :actor, :action, :outcome, :case_ref,"
            " :target, :details, :prev_hash, :entry_hash)"
        ),
        values,
    )


def _recompute_from(conn: Connection, first: int) -> dict[int, str]:
    """Edit entry ``first`` and recompute every hash after it; returns the new hashes."""
    rows = conn.execute(
        text("SELECT * FROM audit_log WHERE seq >= :k ORDER BY seq"), {"k": first}
    ).mappings()
    prev = _hash_before(conn, first)
    updates: list[dict[str, Any]] = []
    for row in rows:
        values = dict(row)
        if values["seq"] == first:
            values["details"] = canonical_details({"i": 0, "lieu": "Kayes", "nom": "effacé"})
        values["prev_hash"] = prev
        values["entry_hash"] = prev = entry_hash(
            *(values[c] for c in ("seq", "at", "actor", "action", "outcome", "case_ref")),
            values["target"],
            values["details"],
            values["prev_hash"],
        )
        updates.append(values)
    conn.execute(
        text(
            "UPDATE audit_log SET details = :details, prev_hash = :prev_hash,"
            " entry_hash = :entry_hash WHERE seq = :seq"
        ),
        updates,
    )
    return {u["seq"]: u["entry_hash"] for u in updates}


def _window_of(log: Log, seq: int) -> tuple[int, int]:
    start = (seq - 1) // log.every * log.every + 1
    return start, min(start + log.every - 1, log.size)


# --- the attacks ------------------------------------------------------------------------


def edit(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """UPDATE one column of entry ``k`` (the column changes with ``k``)."""
    row = _row(conn, k)
    column = ("details", "actor", "at", "outcome", "target", "case_ref")[k % 6]
    value = {
        "details": canonical_details({"i": k, "lieu": "Ségou", "nom": "falsifié"}),
        "actor": "quelquun.dautre",
        "at": str(row["at"]).replace(":", ";", 1),
        "outcome": "denied",
        "target": "case:D-2026-9999",
        "case_ref": "D-2026-9999",
    }[column]
    conn.execute(text(f"UPDATE audit_log SET {column} = :v WHERE seq = :k"), {"v": value, "k": k})
    return {"db": ("edited", k)}


def delete(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """DELETE entry ``k``, leaving a gap in the numbering."""
    conn.execute(text("DELETE FROM audit_log WHERE seq = :k"), {"k": k})
    return {"db": ("deleted", k) if k < log.size else ("truncated", k)}


def delete_renumbered(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """DELETE entry ``k`` and renumber the following ones to close the gap."""
    conn.execute(text("DELETE FROM audit_log WHERE seq = :k"), {"k": k})
    _shift(conn, k + 1, -1)
    return {"db": ("deleted", k) if k < log.size else ("truncated", k)}


def insert_renumbered(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """INSERT a forged entry at ``k`` naming entry ``k - 1``, the following ones renumbered
    (the uniqueness of ``prev_hash`` dropped first)."""
    _drop_prev_unique(conn, log)
    prev = _hash_before(conn, k)
    _shift(conn, k, 1)
    _forge(conn, k, prev, like=k + 1)
    return {"db": ("inserted", k)}


def insert_unlinked(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """INSERT a forged entry at ``k`` (following ones renumbered) that names an invented
    predecessor: the constraints stay as they are."""
    _shift(conn, k, 1)
    invented = hashlib.sha256(f"invented {k}".encode()).hexdigest()
    _forge(conn, k, invented, like=k + 1)
    return {"db": ("inserted", k)}


def insert_kept_numbering(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """INSERT a forged entry after the head (no renumbering) that names entry ``k - 1``, as
    if it had been written between ``k - 1`` and ``k``."""
    _drop_prev_unique(conn, log)
    _forge(conn, log.size + 1, _hash_before(conn, k), like=k)
    return {"db": ("inserted", log.size + 1)}


def swap(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """Exchange the places of two entries (next to each other, or far apart)."""
    if k == log.size:
        a, b = log.size - 1, log.size
    elif k % 2:
        a, b = k, k + 1
    else:
        a, b = k, min(log.size, k + 1 + (k * 7919) % 997)
    conn.execute(text("UPDATE audit_log SET seq = -1 WHERE seq = :a"), {"a": a})
    conn.execute(text("UPDATE audit_log SET seq = :a WHERE seq = :b"), {"a": a, "b": b})
    conn.execute(text("UPDATE audit_log SET seq = :b WHERE seq = -1"), {"b": b})
    return {"db": ("reordered", a)}


def recompute(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """Edit entry ``k`` and recompute the whole chain after it; checkpoints left alone."""
    _recompute_from(conn, k)
    return {"db": ("recomputed", k), "export": ("recomputed", k)}


def recompute_resigned(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """Recompute the chain from ``k`` and rewrite the database's checkpoints to match it,
    signed with a key of the attacker's own."""
    new = _recompute_from(conn, k)
    own = Ed25519PrivateKey.generate()
    forger = AuditSigner(own, key_id_of(own.public_key()))
    start, _ = _window_of(log, k)
    for cp in stored_checkpoints(conn):
        if cp.seq_to < k:
            continue
        window = b"".join(
            bytes.fromhex(new.get(seq) or _row(conn, seq)["entry_hash"])
            for seq in range(cp.seq_from, cp.seq_to + 1)
        )
        signed = forger.sign(cp.seq_from, cp.seq_to, window, cp.signed_at)
        conn.execute(
            text(
                "UPDATE audit_checkpoints SET head_hash = :h, window_hashes = :w, key_id = :kid,"
                " signature = :sig WHERE seq_to = :to"
            ),
            {
                "h": signed.head_hash,
                "w": signed.window_hashes,
                "kid": signed.key_id,
                "sig": signed.signature,
                "to": cp.seq_to,
            },
        )
    return {"db": ("checkpoint_forged", start), "export": ("recomputed", k)}


def recompute_checkpoints_deleted(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """Recompute the chain from ``k`` and delete every checkpoint that covered it."""
    _recompute_from(conn, k)
    conn.execute(text("DELETE FROM audit_checkpoints WHERE seq_to >= :k"), {"k": k})
    return {"db": None, "export": ("recomputed", k)}


def checkpoint_deleted(conn: Connection, log: Log, k: int) -> dict[str, Expected]:
    """Delete the checkpoint covering entry ``k``; the chain is untouched."""
    start, end = _window_of(log, k)
    conn.execute(text("DELETE FROM audit_checkpoints WHERE seq_to = :e"), {"e": end})
    newest = end == log.size
    return {
        "db": None if newest else ("checkpoint_missing", start),
        "export": ("checkpoint_missing", start),
    }


Attack = Callable[[Connection, Log, int], dict[str, Expected]]
ATTACKS: dict[str, Attack] = {
    "edit": edit,
    "delete": delete,
    "delete_renumbered": delete_renumbered,
    "insert_renumbered": insert_renumbered,
    "insert_unlinked": insert_unlinked,
    "insert_kept_numbering": insert_kept_numbering,
    "swap": swap,
    "recompute": recompute,
    "recompute_resigned": recompute_resigned,
    "recompute_checkpoints_deleted": recompute_checkpoints_deleted,
    "checkpoint_deleted": checkpoint_deleted,
}
# Attacks that rewrite up to the whole log at each position: fewer positions on slow systems.
HEAVY = frozenset(name for name in ATTACKS if name.startswith("recompute"))


def spread(size: int, count: int, every: int = CHECKPOINT_EVERY, seed: int = 7) -> list[int]:
    """``count`` positions over 1..``size``: first, last, both sides of a window boundary,
    then evenly spaced ones (half of them), then random ones (seeded)."""
    chosen: list[int] = []
    evenly = [1 + round(i * (size - 1) / max(1, count // 2)) for i in range(1, count // 2)]
    draw = random.Random(seed)
    for position in [1, size, every, every + 1, *evenly]:
        if 1 <= position <= size and position not in chosen and len(chosen) < count:
            chosen.append(position)
    while len(chosen) < min(count, size):
        position = draw.randint(1, size)
        if position not in chosen:
            chosen.append(position)
    return sorted(chosen)


@dataclass(frozen=True)
class Outcome:
    """One attack at one position, in one mode: what was expected, what verify said."""

    attack: str
    position: int
    mode: str
    expected: Expected
    kind: str | None
    first_break: int | None
    covered_to: int

    @property
    def detected(self) -> bool:
        """Reported as a break (any kind)."""
        return self.kind is not None

    @property
    def right(self) -> bool:
        """Reported as expected: the kind and the first broken seq; for what cannot be seen
        in this mode, no signature claimed over the tampered entries."""
        if self.expected is None:
            return self.kind is None and self.covered_to < self.position
        return (self.kind, self.first_break) == self.expected


def run_attack(
    store: CaseStore,
    log: Log,
    name: str,
    position: int,
    signer: AuditSigner,
    trusted: tuple[Checkpoint, ...],
) -> list[Outcome]:
    """Apply one attack in a transaction, verify in each of its modes, roll back."""
    outcomes: list[Outcome] = []
    with store.engine.connect() as conn:
        transaction = conn.begin()
        try:
            expectations = ATTACKS[name](conn, log, position)
            for mode, expected in expectations.items():
                report: VerifyReport = verify(
                    conn,
                    public_key=signer.public_key,
                    trusted=trusted if mode == "export" else None,
                )
                outcomes.append(
                    Outcome(
                        name,
                        position,
                        mode,
                        expected,
                        report.kind,
                        report.first_break,
                        report.covered_to,
                    )
                )
        finally:
            transaction.rollback()
    return outcomes
