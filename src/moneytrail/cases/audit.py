"""The tamper-evident audit log: a hash chain appended by every action on case data.

Every action (reads included) calls :func:`append` inside the store's serialised transaction
(``store.transaction()``), so the entry commits or vanishes with the action it records, and
two appenders can never extend the same head (the lock, and ``prev_hash`` being unique).
Entry ``n`` stores ``prev_hash`` = hash of entry ``n - 1`` (:data:`GENESIS_HASH` for the
first) and ``entry_hash`` = SHA-256 of :func:`entry_payload`: a JSON array of every column,
UTF-8, so SQLite and PostgreSQL hash the very same bytes (French accents, Arabic script).

Why checkpoints too: whoever can edit rows can also recompute every hash after his edit.
When :func:`append` is given a ``signer`` (:mod:`moneytrail.cases.signing`, loaded once by
the service from a key file outside the database: no global state), every
:data:`CHECKPOINT_EVERY` entries it signs the window's hashes (Ed25519) in the same
transaction. The newest entries after the last checkpoint are protected by the chain only:
deleting them from the end is caught only once a checkpoint (or an export) covers them.

:func:`verify` walks the log by ``seq``, streaming, and stops at the first break, saying which
entry and which kind (:data:`BreakKind`). The kind is read from the shape of the break: a
content hash that does not match (edited), a numbering gap or a predecessor that no longer
exists (deleted), an entry whose predecessor already has a successor or that the next entry
links over (inserted), a predecessor found later in the log (reordered), a consistent chain
that disagrees with a signed window (recomputed), and checkpoint problems (forged, missing
from the database, log shorter than a checkpoint).

Example::

    with store.transaction() as session:
        append(session, actor="awa", action="case.read", case_ref="D-2026-0007")
    report = verify(store, public_key=signer.public_key)
    print(report.render("fr"))
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from moneytrail.cases.signing import AuditSigner, Checkpoint, KeyRing
from moneytrail.cases.store import BUSY_SECONDS, CaseStore, now_text
from moneytrail.cases.tables import AuditCheckpoint, AuditEntry
from moneytrail.errors import Message, UsageError

GENESIS_HASH = "0" * 64
CHECKPOINT_EVERY = 1000
ENTRY_DOMAIN = "moneytrail-audit-v1"
# How far a renumbered entry is searched for when its predecessor is gone (only at a break).
RENUMBER_SEARCH = 64
# One encoder built once: verify calls it for every entry (json.dumps would rebuild it).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_LIMITS = {"actor": 64, "action": 40, "outcome": 10, "case_ref": 40}
_HEAD = select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
_INSERT = insert(AuditEntry)
ENTRY_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.outcome,
    AuditEntry.case_ref,
    AuditEntry.target,
    AuditEntry.details,
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
)

BreakKind = Literal[
    "edited",
    "deleted",
    "inserted",
    "reordered",
    "recomputed",
    "checkpoint_forged",
    "checkpoint_missing",
    "truncated",
]
BREAK_KINDS: tuple[BreakKind, ...] = (
    "edited",
    "deleted",
    "inserted",
    "reordered",
    "recomputed",
    "checkpoint_forged",
    "checkpoint_missing",
    "truncated",
)


class UnsignableChainError(UsageError):
    """The entries to sign do not form an intact chain: signing them would bless tampering."""


def canonical_details(details: Mapping[str, Any] | None) -> str:
    """``details`` as canonical JSON text (sorted keys, no spaces, UTF-8 characters kept).

    >>> canonical_details({"b": 1, "a": "Ségou"})
    '{"a":"Ségou","b":1}'
    """
    try:
        text = json.dumps(
            dict(details or {}),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        text.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise UsageError("audit.error.bad_details", detail=str(exc)) from exc
    return text


def entry_payload(
    seq: int,
    at: str,
    actor: str,
    action: str,
    outcome: str,
    case_ref: str | None,
    target: str | None,
    details: str,
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers: one JSON array, so no two entries share an encoding.

    >>> entry_payload(1, "t", "awa", "case.read", "allowed", None, None, "{}", "0")
    b'["moneytrail-audit-v1",1,"t","awa","case.read","allowed",null,null,"{}","0"]'
    """
    fields = [ENTRY_DOMAIN, seq, at, actor, action, outcome, case_ref, target, details, prev_hash]
    text = _ENCODER.encode(fields)
    # Lone surrogates cannot be stored; "surrogatepass" only keeps a damaged row hashable.
    return text.encode("utf-8", "surrogatepass")


def entry_hash(*fields: Any) -> str:
    """SHA-256 (hex) of :func:`entry_payload` of the same arguments."""
    return hashlib.sha256(entry_payload(*fields)).hexdigest()


def row_hash(row: Sequence[Any], seq: int | None = None) -> str:
    """The hash a stored row should have (numbered ``seq`` if given)."""
    return hashlib.sha256(entry_payload(row[0] if seq is None else seq, *row[1:9])).hexdigest()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    outcome: str = "allowed",
    case_ref: str | None = None,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    signer: AuditSigner | None = None,
    checkpoint_every: int = CHECKPOINT_EVERY,
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's ``store.transaction()``.

    The transaction holds the store's lock, so the head read here stays the head until the
    commit. With ``signer``, every entry numbered a multiple of ``checkpoint_every`` has the
    entries since the last checkpoint signed in the same transaction (a window is at most
    ``checkpoint_every`` entries, fewer after a ``checkpoint`` made on demand); a window that
    is not an intact chain is left unsigned (``audit verify`` reports why) rather than failing
    the user's action. The service loads the signer once (``store.signer``) and passes it on.

    Returns the entry as written, as a plain record not added to the session (so thousands
    of appends in one transaction do not fill its identity map).
    """
    if checkpoint_every < 1:
        raise ValueError(f"checkpoint_every must be 1 or more, not {checkpoint_every}")
    texts = {"actor": actor, "action": action, "outcome": outcome, "case_ref": case_ref}
    for name, value in (*texts.items(), ("target", target)):
        if value is None:
            continue
        if name in _LIMITS and len(value) > _LIMITS[name]:
            raise UsageError("audit.error.field_too_long", field=name, limit=_LIMITS[name])
        if "\x00" in value or not _encodable(value):
            raise UsageError("audit.error.bad_text", field=name)
    # Core, not the ORM unit of work: this runs for every action, and the ORM would double
    # its cost and keep every entry of a long transaction in the session.
    connection = session.connection()
    head = connection.execute(_HEAD).first()
    seq, prev = (1, GENESIS_HASH) if head is None else (int(head[0]) + 1, str(head[1]))
    at = now_text()
    text = canonical_details(details)
    values: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "outcome": outcome,
        "case_ref": case_ref,
        "target": target,
        "details": text,
        "prev_hash": prev,
        "entry_hash": entry_hash(seq, at, actor, action, outcome, case_ref, target, text, prev),
    }
    connection.execute(_INSERT, values)
    entry = AuditEntry(**values)
    if signer is not None and seq % checkpoint_every == 0:
        with suppress(UnsignableChainError):
            checkpoint(session, signer, window=checkpoint_every)
    return entry


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def checkpoint(
    session: Session, signer: AuditSigner, *, window: int = CHECKPOINT_EVERY
) -> list[AuditCheckpoint]:
    """Sign every entry after the last checkpoint, in windows of at most ``window`` entries.

    Called by :func:`append` when one is due, and by ``moneytrail audit checkpoint`` to sign
    the current head before an export. The entries are checked first (numbering, links from
    the last checkpoint's head, content hashes): a broken chain raises
    :class:`UnsignableChainError` instead of being signed.
    """
    last = session.execute(
        select(AuditCheckpoint.seq_to, AuditCheckpoint.head_hash)
        .order_by(AuditCheckpoint.seq_to.desc())
        .limit(1)
    ).first()
    expected, prev = (1, GENESIS_HASH) if last is None else (int(last[0]) + 1, str(last[1]))
    rows = session.execute(
        select(*ENTRY_COLUMNS).where(AuditEntry.seq >= expected).order_by(AuditEntry.seq),
        execution_options={"yield_per": window},
    )
    made: list[AuditCheckpoint] = []
    hashes: list[bytes] = []
    start = expected
    for row in rows:
        if row[0] != expected or row[8] != prev or row_hash(row) != row[9]:
            raise UnsignableChainError("audit.error.unsignable", seq=expected)
        hashes.append(bytes.fromhex(row[9]))
        prev, expected = row[9], expected + 1
        if len(hashes) == window:
            made.append(_store_checkpoint(session, signer, start, hashes))
            start, hashes = expected, []
    if hashes:
        made.append(_store_checkpoint(session, signer, start, hashes))
    session.flush()
    return made


def _store_checkpoint(
    session: Session, signer: AuditSigner, start: int, hashes: list[bytes]
) -> AuditCheckpoint:
    signed = signer.sign(start, start + len(hashes) - 1, b"".join(hashes), now_text())
    row = AuditCheckpoint(
        seq_from=signed.seq_from,
        seq_to=signed.seq_to,
        head_hash=signed.head_hash,
        window_hashes=signed.window_hashes,
        signed_at=signed.signed_at,
        key_id=signed.key_id,
        signature=signed.signature,
    )
    session.add(row)
    return row


def stored_checkpoints(source: Session | Connection) -> list[Checkpoint]:
    """Every checkpoint of the database, oldest first (what an export writes)."""
    connection = source.connection() if isinstance(source, Session) else source
    rows = connection.execute(
        select(
            AuditCheckpoint.seq_from,
            AuditCheckpoint.seq_to,
            AuditCheckpoint.head_hash,
            AuditCheckpoint.window_hashes,
            AuditCheckpoint.signed_at,
            AuditCheckpoint.key_id,
            AuditCheckpoint.signature,
        ).order_by(AuditCheckpoint.seq_to)
    )
    return [checkpoint_of(row) for row in rows]


def checkpoint_of(row: Sequence[Any]) -> Checkpoint:
    return Checkpoint(
        seq_from=int(row[0]),
        seq_to=int(row[1]),
        head_hash=str(row[2]),
        window_hashes=bytes(row[3]),
        signed_at=str(row[4]),
        key_id=str(row[5]),
        signature=bytes(row[6]),
    )


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify` found. ``first_break`` is the seq of the first broken entry (for
    a checkpoint problem, of the first entry it concerns); ``covered_to`` the last entry
    covered by a checkpoint that matched (entries after it are protected by the chain only).
    ``stopped_early``: the walk stops at the first break, later breaks are not looked for."""

    ok: bool
    entries: int
    last_seq: int
    first_break: int | None
    kind: BreakKind | None
    message: Message
    checkpoints: int
    covered_to: int
    signatures_checked: bool
    stopped_early: bool

    def render(self, lang: str = "en") -> str:
        """The finding in ``lang``, with the stop notice after a break."""
        text = self.message.render(lang)
        if self.stopped_early:
            text += "\n" + Message("audit.verify.stopped").render(lang)
        return text


def verify(
    source: CaseStore | Session | Connection,
    *,
    trusted: Sequence[Checkpoint] | None = None,
    public_key: Ed25519PublicKey | Iterable[Ed25519PublicKey] | None = None,
    batch: int = 5000,
) -> VerifyReport:
    """Walk the whole log and its checkpoints; report the first break.

    ``source``: a store (read in one snapshot, without blocking appenders), or a session /
    connection (its own transaction is read, uncommitted changes included). ``trusted``:
    checkpoints read back from an export (:func:`moneytrail.cases.signing.read_export`); they
    take precedence over the database's copies. ``public_key``: the key(s) signatures are
    checked with; without one, windows are still compared but a rewritten checkpoint is not
    caught (``signatures_checked`` says so). How breaks are told apart:
    :mod:`moneytrail.cases.audit_walk`.
    """
    from moneytrail.cases.audit_walk import Walk

    ring = KeyRing.of(public_key)
    if isinstance(source, CaseStore):
        with _snapshot(source) as connection:
            return Walk(connection, ring, tuple(trusted or ()), batch).run()
    connection = source.connection() if isinstance(source, Session) else source
    return Walk(connection, ring, tuple(trusted or ()), batch).run()


@contextmanager
def _snapshot(store: CaseStore) -> Iterator[Connection]:
    """One read-only snapshot of ``store`` that does not take the append lock.

    SQLite: a second engine whose transactions start with a plain (deferred) ``BEGIN`` -- the
    store's own engine begins ``IMMEDIATE``, which would block appenders during the walk; in
    WAL mode the first read fixes the snapshot. PostgreSQL: ``REPEATABLE READ``, read only.
    """
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if store.backend != "sqlite":
        with store.engine.connect() as connection:
            connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with connection.begin():
                yield connection
        return
    engine = create_engine(store.url, poolclass=NullPool, connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA query_only=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    finally:
        engine.dispose()
