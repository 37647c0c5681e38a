"""Table rows -> :mod:`moneytrail.cases.views`, inside the transaction that read them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from moneytrail.cases.evidence import sha256_bytes
from moneytrail.cases.guard import members_of
from moneytrail.cases.tables import (
    AuditEntry,
    Case,
    Evidence,
    Note,
    StatusChange,
    Subject,
    Task,
)
from moneytrail.cases.views import (
    AuditLine,
    CaseDetail,
    EvidenceView,
    NoteView,
    StatusView,
    SubjectView,
    TaskView,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def subject_view(row: Subject) -> SubjectView:
    """A subject row as the API returns it."""
    return SubjectView(
        row.id, row.kind, row.key, row.label, json.loads(row.details), row.added_by, row.added_at
    )


def evidence_view(row: Evidence) -> EvidenceView:
    """An evidence row with its payload parsed back (the stored text is what was hashed)."""
    return EvidenceView(
        row.id,
        row.kind,
        row.reference,
        row.title,
        json.loads(row.provenance),
        json.loads(row.payload),
        row.payload_sha256,
        row.media_type,
        sha256_bytes(row.attachment),
        row.added_by,
        row.added_at,
    )


def task_view(row: Task) -> TaskView:
    """A task row."""
    return TaskView(
        row.id,
        row.text,
        row.due,
        row.assignee,
        row.status,
        row.created_by,
        row.created_at,
        row.done_by,
        row.done_at,
    )


def audit_line(row: AuditEntry) -> AuditLine:
    """An audit entry as ``audit show`` lists it."""
    return AuditLine(
        row.seq,
        row.at,
        row.actor,
        row.action,
        row.outcome,
        row.case_ref,
        row.target,
        json.loads(row.details),
    )


def detail_of(session: Session, case: Case) -> CaseDetail:
    """Everything of ``case``, each list oldest first."""
    from sqlalchemy import select

    def rows(table: type[Subject] | type[Evidence] | type[Note] | type[Task]) -> list[object]:
        return list(
            session.scalars(select(table).where(table.case_id == case.id).order_by(table.id))
        )

    history = session.scalars(
        select(StatusChange).where(StatusChange.case_id == case.id).order_by(StatusChange.id)
    )
    notes = session.scalars(select(Note).where(Note.case_id == case.id).order_by(Note.id))
    return CaseDetail(
        ref=case.ref,
        title=case.title,
        summary=case.summary,
        status=case.status,
        lead=case.lead,
        workspace=case.workspace,
        created_at=case.created_at,
        created_by=case.created_by,
        updated_at=case.updated_at,
        approved_by=case.approved_by,
        approved_at=case.approved_at,
        members=members_of(session, case),
        subjects=[subject_view(r) for r in rows(Subject) if isinstance(r, Subject)],
        evidence=[evidence_view(r) for r in rows(Evidence) if isinstance(r, Evidence)],
        notes=[NoteView(n.id, n.author, n.text, n.created_at) for n in notes],
        tasks=[task_view(r) for r in rows(Task) if isinstance(r, Task)],
        history=[StatusView(h.from_status, h.to_status, h.by, h.at, h.reason) for h in history],
    )
