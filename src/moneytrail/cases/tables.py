"""The case store's tables, declared once (SQLAlchemy 2 typed declarative).

Why a second database beside the workspace: the workspace (DuckDB) holds facts that can be
rebuilt from the sources; the case store holds the *work* (who, what was found, what was
decided) that cannot, and that several analysts write at once. It is SQLite beside the
workspace by default and PostgreSQL for a team (one SQLAlchemy model, alembic migrations in
``moneytrail/cases/migrations``; ``tests/cases/test_migrations.py`` checks that the migrated
schema is exactly this one).

Assumptions written down:

* Times are UTC, stored as ISO-8601 text with microseconds (``2026-12-06T11:03:50.123456+00:00``)
  so that SQLite and PostgreSQL hash the very same characters in the audit chain.
* The audit log names users by login, not by row id: a renamed or disabled account keeps its
  past entries readable, and a court reads names.
* Evidence is a snapshot: its payload (the JSON of the library result), its SHA-256 and, for
  pictures, the bytes are kept; nothing points back into the workspace to be re-read.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Every case-store table; ``Base.metadata`` is what the migrations must produce."""


class User(Base):
    """A local account. ``role`` is one of :data:`moneytrail.cases.roles.ROLES`."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(64))


class Case(Base):
    """A dossier. ``ref`` is what people say and type (``D-2026-0007``)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30))
    lead: Mapped[str | None] = mapped_column(String(64), nullable=True)
    workspace: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(40))
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class CaseMember(Base):
    """Need-to-know: who may work on (or read) a case."""

    __tablename__ = "case_members"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[str] = mapped_column(String(40))


class Subject(Base):
    """A party or account of the workspace under analysis in a case."""

    __tablename__ = "case_subjects"
    __table_args__ = (UniqueConstraint("case_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[str] = mapped_column(String(40))


class Evidence(Base):
    """One piece of evidence, frozen when it was added, with where it came from."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    provenance: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    media_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[str] = mapped_column(String(40))


class Note(Base):
    """An analyst's note; notes are never edited, a correction is a new note."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))


class Task(Base):
    """Something to do on a case, by a date."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[str | None] = mapped_column(String(10), nullable=True)
    assignee: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    done_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    done_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class StatusChange(Base):
    """One step of a case's workflow, with who took it and why."""

    __tablename__ = "case_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """One link of the hash chain (see :mod:`moneytrail.cases.audit`).

    ``seq`` is given by the appender (1, 2, 3...) under the append lock; ``prev_hash`` is
    unique, so two appenders can never both extend the same head (no fork, even if the lock
    were bypassed). ``entry_hash`` covers every other column.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    case_ref: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    target: Mapped[str | None] = mapped_column(Text, nullable=True)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """A signed statement "the chain up to ``seq_to`` was exactly these hashes".

    ``window_hashes`` holds the entry hashes of ``seq_from``..``seq_to`` (32 bytes each), so
    that a chain recomputed after an edit is located to the entry, not only to the window.
    The signature (Ed25519) covers ``canonical_checkpoint`` of every other column; the private
    key lives outside the database.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq_from: Mapped[int] = mapped_column(BigInteger)
    seq_to: Mapped[int] = mapped_column(BigInteger, unique=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    window_hashes: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
