"""The first case store: users, cases, members, subjects, evidence, notes, tasks, workflow
history, the hash-chained audit log and its signed checkpoints.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _when(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(40), nullable=nullable)


def _login(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(64), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        _when("created_at"),
        _login("created_by"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ref", sa.String(40), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        _login("lead", nullable=True),
        sa.Column("workspace", sa.Text, nullable=False),
        _when("created_at"),
        _login("created_by"),
        _when("updated_at"),
        _login("approved_by", nullable=True),
        _when("approved_at", nullable=True),
    )
    op.create_table(
        "case_members",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        _login("added_by"),
        _when("added_at"),
    )
    op.create_table(
        "case_subjects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        _login("added_by"),
        _when("added_at"),
        sa.UniqueConstraint("case_id", "kind", "key"),
    )
    op.create_table(
        "case_evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("attachment", sa.LargeBinary, nullable=True),
        sa.Column("media_type", sa.String(100), nullable=True),
        _login("added_by"),
        _when("added_at"),
    )
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        _login("author"),
        sa.Column("text", sa.Text, nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "case_tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("due", sa.String(10), nullable=True),
        _login("assignee", nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        _login("created_by"),
        _when("created_at"),
        _login("done_by", nullable=True),
        _when("done_at", nullable=True),
    )
    op.create_table(
        "case_status_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("from_status", sa.String(30), nullable=False),
        sa.Column("to_status", sa.String(30), nullable=False),
        _login("by"),
        _when("at"),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        _when("at"),
        _login("actor"),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("case_ref", sa.String(40), nullable=True, index=True),
        sa.Column("target", sa.Text, nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seq_from", sa.BigInteger, nullable=False),
        sa.Column("seq_to", sa.BigInteger, nullable=False, unique=True),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("window_hashes", sa.LargeBinary, nullable=False),
        _when("signed_at"),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
