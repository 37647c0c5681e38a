"""What the case store returns: plain dataclasses whose JSON form is what ``--json`` prints.

They are built from table rows inside the transaction that read them, so they never lazy-load
anything afterwards (and a web face can return them as they are).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserView:
    """An account, without its password hash."""

    login: str
    display_name: str
    role: str
    active: bool
    created_at: str
    created_by: str


@dataclass
class CaseSummary:
    """One line of ``case list``."""

    ref: str
    title: str
    status: str
    lead: str | None
    members: list[str]
    created_at: str
    updated_at: str


@dataclass
class SubjectView:
    """A party or account of the workspace under analysis."""

    id: int
    kind: str
    key: str
    label: str
    details: dict[str, Any]
    added_by: str
    added_at: str


@dataclass
class EvidenceView:
    """A piece of evidence: what it is, where it came from, and the frozen content.

    ``payload`` is the snapshot (the library result's JSON form); ``payload_sha256`` lets a
    reader check that it is what was added. ``attachment_sha256`` covers a picture's bytes.
    """

    id: int
    kind: str
    reference: str
    title: str
    provenance: dict[str, Any]
    payload: Any
    payload_sha256: str
    media_type: str | None
    attachment_sha256: str | None
    added_by: str
    added_at: str


@dataclass
class NoteView:
    """A note, as written."""

    id: int
    author: str
    text: str
    created_at: str


@dataclass
class TaskView:
    """A task and whether it is done."""

    id: int
    text: str
    due: str | None
    assignee: str | None
    status: str
    created_by: str
    created_at: str
    done_by: str | None
    done_at: str | None


@dataclass
class StatusView:
    """One step of the workflow."""

    from_status: str
    to_status: str
    by: str
    at: str
    reason: str


@dataclass
class CaseDetail:
    """A whole case, as ``case show`` prints it."""

    ref: str
    title: str
    summary: str
    status: str
    lead: str | None
    workspace: str
    created_at: str
    created_by: str
    updated_at: str
    approved_by: str | None
    approved_at: str | None
    members: list[str] = field(default_factory=list)
    subjects: list[SubjectView] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    notes: list[NoteView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    history: list[StatusView] = field(default_factory=list)


@dataclass
class AuditLine:
    """One entry of the audit log as ``audit show`` lists it."""

    seq: int
    at: str
    actor: str
    action: str
    outcome: str
    case_ref: str | None
    target: str | None
    details: dict[str, Any]
