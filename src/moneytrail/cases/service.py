"""Cases: create, list, read, assign, add subjects and evidence, notes, tasks, workflow.

Every method names the acting login and goes through :func:`moneytrail.cases.guard.acting`
(authorize, then change and audit in one transaction). Reads are audited too: ``show`` and
``list`` write who saw which case.

The workflow (decision 0128, docs/cases.md)::

    open -> in_analysis -> proposed -> disseminated
                  ^            |
                  +-- return --+        any of open/in_analysis/proposed -> closed
    disseminated / closed -> in_analysis  (reopen, head of unit)

Example::

    cases = CaseService(store)
    case = cases.create("awa", "Collecte Tombouctou", workspace="enquete")
    cases.note("awa", case.ref, "Les dépôts précèdent chaque retrait à Gao.")
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from moneytrail.cases.evidence import (
    SUBJECT_KINDS,
    EvidenceInput,
    canonical_json,
    sha256_bytes,
    sha256_text,
)
from moneytrail.cases.guard import access_of, acting, members_of
from moneytrail.cases.roles import authorize
from moneytrail.cases.store import now_text
from moneytrail.cases.tables import (
    Case,
    CaseMember,
    Evidence,
    Note,
    StatusChange,
    Subject,
    Task,
    User,
)
from moneytrail.cases.views import (
    AuditLine,
    CaseDetail,
    CaseSummary,
    EvidenceView,
    SubjectView,
    TaskView,
)
from moneytrail.cases.views_build import (
    audit_line,
    detail_of,
    evidence_view,
    subject_view,
    task_view,
)
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from moneytrail.cases.store import CaseStore

# (from, to) -> the permission that step needs.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "in_analysis"): "case.start",
    ("in_analysis", "proposed"): "case.propose",
    ("proposed", "disseminated"): "case.disseminate",
    ("proposed", "in_analysis"): "case.return",
    ("open", "closed"): "case.close",
    ("in_analysis", "closed"): "case.close",
    ("proposed", "closed"): "case.close",
    ("disseminated", "in_analysis"): "case.reopen",
    ("closed", "in_analysis"): "case.reopen",
}
MAX_TEXT = 20_000


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UsageError("cases.error.empty_text", what=what)
    if len(cleaned) > limit:
        raise UsageError("cases.error.text_too_long", what=what, limit=limit)
    return cleaned


def _user_row(session: Session, login: str) -> User:
    from sqlalchemy import select

    row = session.scalars(select(User).where(User.login == login)).one_or_none()
    if row is None:
        raise UsageError("cases.error.unknown_user", login=login)
    return row


def _four_eyes(session: Session, case: Case, approver: str) -> None:
    """Dissemination is approved by someone other than who proposed it (four eyes)."""
    from sqlalchemy import select

    proposer = session.scalars(
        select(StatusChange.by)
        .where(StatusChange.case_id == case.id, StatusChange.to_status == "proposed")
        .order_by(StatusChange.id.desc())
        .limit(1)
    ).first()
    if proposer == approver:
        raise UsageError("cases.error.four_eyes", case=case.ref, login=approver)


class CaseService:
    """The cases of one store."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    # -- creating and reading ----------------------------------------------------------
    def create(self, login: str, title: str, summary: str = "", workspace: str = "") -> CaseDetail:
        """Open a case; its creator is its first member and its lead."""
        title = _text(title, "title", 300)
        with acting(self._store, login, "case.create") as act:
            now = now_text()
            case = Case(
                ref=f"new-{uuid.uuid4().hex}",  # replaced once the row has its number
                title=title,
                summary=summary.strip(),
                status="open",
                lead=login,
                workspace=workspace,
                created_at=now,
                created_by=login,
                updated_at=now,
            )
            act.session.add(case)
            act.session.flush()
            case.ref = f"D-{now[:4]}-{case.id:04d}"
            user = _user_row(act.session, login)
            act.session.add(
                CaseMember(case_id=case.id, user_id=user.id, added_by=login, added_at=now)
            )
            act.case = case
            act.audit(case.ref, {"title": title, "workspace": workspace})
            return detail_of(act.session, case)

    def list_cases(self, login: str, status: str | None = None) -> list[CaseSummary]:
        """The cases ``login`` may read, newest first (``status`` filters)."""
        from sqlalchemy import select

        with acting(self._store, login, "case.list") as act:
            query = select(Case).order_by(Case.id.desc())
            if status is not None:
                query = query.where(Case.status == status)
            shown: list[CaseSummary] = []
            for case in act.session.scalars(query):
                access = access_of(act.session, case)
                if authorize(act.actor, "case.read", access):
                    shown.append(
                        CaseSummary(
                            case.ref,
                            case.title,
                            case.status,
                            case.lead,
                            sorted(access.members),
                            case.created_at,
                            case.updated_at,
                        )
                    )
            act.audit(details={"status": status, "shown": [s.ref for s in shown]})
            return shown

    def show(self, login: str, ref: str) -> CaseDetail:
        """The whole case (a read: written to the audit log)."""
        with acting(self._store, login, "case.read", case_ref=ref) as act:
            assert act.case is not None
            act.audit()
            return detail_of(act.session, act.case)

    def for_export(self, login: str, ref: str, purpose: str) -> CaseDetail:
        """The whole case, read in order to produce ``purpose`` (``goaml`` or ``report``) from
        it: needs ``case.export``, and the read is audited as such."""
        with acting(self._store, login, "case.export", case_ref=ref, target=purpose) as act:
            assert act.case is not None
            act.audit(purpose, action="case.export_read")
            return detail_of(act.session, act.case)

    def record_export(
        self, login: str, ref: str, purpose: str, path: str, sha256: str, details: Mapping[str, Any]
    ) -> None:
        """Write to the trail that ``purpose`` was produced from the case: the file and its
        SHA-256 (so the document handed over can be matched to the case later)."""
        with acting(self._store, login, "case.export", case_ref=ref, target=purpose) as act:
            act.audit(path, {"purpose": purpose, "sha256": sha256, **details}, action="case.export")

    # -- members -----------------------------------------------------------------------
    def assign(
        self, login: str, ref: str, member: str, *, lead: bool = False, remove: bool = False
    ) -> CaseDetail:
        """Add ``member`` to the case (and make them its lead), or remove them."""
        from sqlalchemy import delete

        with acting(self._store, login, "case.assign", case_ref=ref, target=member) as act:
            case, session = act.case, act.session
            assert case is not None
            user = _user_row(session, member)
            present = member in members_of(session, case)
            if remove:
                if not present:
                    raise UsageError("cases.error.not_member", login=member, case=case.ref)
                session.execute(
                    delete(CaseMember).where(
                        CaseMember.case_id == case.id, CaseMember.user_id == user.id
                    )
                )
                if case.lead == member:
                    case.lead = None
            else:
                if not user.active:
                    raise UsageError("cases.error.user_inactive", login=member)
                if not present:
                    session.add(
                        CaseMember(
                            case_id=case.id, user_id=user.id, added_by=login, added_at=now_text()
                        )
                    )
                if lead:
                    case.lead = member
            case.updated_at = now_text()
            act.audit(member, {"lead": lead, "remove": remove}, action="case.assign")
            session.flush()
            return detail_of(session, case)

    # -- content -----------------------------------------------------------------------
    def add_subject(
        self, login: str, ref: str, kind: str, key: str, label: str, details: Mapping[str, Any]
    ) -> SubjectView:
        """Put a party or account of the workspace under analysis (once per case)."""
        from sqlalchemy import select

        if kind not in SUBJECT_KINDS:
            raise UsageError("cases.error.subject_kind", kind=kind, kinds=", ".join(SUBJECT_KINDS))
        with acting(self._store, login, "case.add", case_ref=ref, target=key) as act:
            case, session = act.case, act.session
            assert case is not None
            existing = session.scalars(
                select(Subject).where(
                    Subject.case_id == case.id, Subject.kind == kind, Subject.key == key
                )
            ).one_or_none()
            if existing is not None:
                raise UsageError("cases.error.subject_exists", subject=label, case=case.ref)
            row = Subject(
                case_id=case.id,
                kind=kind,
                key=key,
                label=label,
                details=canonical_json(dict(details)),
                added_by=login,
                added_at=now_text(),
            )
            session.add(row)
            case.updated_at = row.added_at
            session.flush()
            act.audit(key, {"kind": kind, "label": label}, action="case.add_subject")
            return subject_view(row)

    def add_evidence(self, login: str, ref: str, item: EvidenceInput) -> EvidenceView:
        """Freeze ``item`` into the case: its payload, the payload's SHA-256, its bytes."""
        item = item.checked()
        payload = canonical_json(item.payload)
        digest = sha256_text(payload)
        with acting(self._store, login, "case.add", case_ref=ref, target=item.reference) as act:
            case, session = act.case, act.session
            assert case is not None
            row = Evidence(
                case_id=case.id,
                kind=item.kind,
                reference=item.reference,
                title=item.title,
                provenance=canonical_json(item.provenance),
                payload=payload,
                payload_sha256=digest,
                attachment=item.attachment,
                media_type=item.media_type,
                added_by=login,
                added_at=now_text(),
            )
            session.add(row)
            case.updated_at = row.added_at
            session.flush()
            details = {
                "kind": item.kind,
                "payload_sha256": digest,
                "attachment_sha256": sha256_bytes(item.attachment),
            }
            act.audit(item.reference, details, action="case.add_evidence")
            return evidence_view(row)

    def note(self, login: str, ref: str, text: str) -> int:
        """Add a note; returns its number. Notes are never edited."""
        text = _text(text, "note")
        with acting(self._store, login, "case.note", case_ref=ref) as act:
            assert act.case is not None
            row = Note(case_id=act.case.id, author=login, text=text, created_at=now_text())
            act.session.add(row)
            act.case.updated_at = row.created_at
            act.session.flush()
            act.audit(f"note:{row.id}", {"sha256": sha256_text(text)})
            return row.id

    def add_task(
        self, login: str, ref: str, text: str, due: str | None = None, assignee: str | None = None
    ) -> TaskView:
        """A task on the case, due by ``due`` (``YYYY-MM-DD``), for ``assignee`` (a login)."""
        text = _text(text, "task")
        if due is not None:
            try:
                due = date.fromisoformat(due).isoformat()
            except ValueError as exc:
                raise UsageError("cases.error.bad_due", due=due) from exc
        with acting(self._store, login, "case.task", case_ref=ref) as act:
            assert act.case is not None
            if assignee is not None:
                _user_row(act.session, assignee)
            row = Task(
                case_id=act.case.id,
                text=text,
                due=due,
                assignee=assignee,
                status="open",
                created_by=login,
                created_at=now_text(),
            )
            act.session.add(row)
            act.session.flush()
            act.audit(f"task:{row.id}", {"due": due, "assignee": assignee}, action="case.task_add")
            return task_view(row)

    def complete_task(self, login: str, ref: str, task_id: int) -> TaskView:
        """Mark task ``task_id`` of the case done."""
        from sqlalchemy import select

        with acting(self._store, login, "case.task", case_ref=ref) as act:
            assert act.case is not None
            row = act.session.scalars(
                select(Task).where(Task.case_id == act.case.id, Task.id == task_id)
            ).one_or_none()
            if row is None:
                raise UsageError("cases.error.unknown_task", task=task_id, case=act.case.ref)
            row.status, row.done_by, row.done_at = "done", login, now_text()
            act.audit(f"task:{row.id}", action="case.task_done")
            return task_view(row)

    # -- workflow ----------------------------------------------------------------------
    def change_status(self, login: str, ref: str, to: str, reason: str = "") -> CaseDetail:
        """Move the case one step of the workflow; the step decides the permission needed."""

        wrong_step: list[UsageError] = []

        def permission(case: Case) -> str:
            step = TRANSITIONS.get((case.status, to))
            if step is None:
                allowed = sorted(t for f, t in TRANSITIONS if f == case.status)
                wrong_step.append(
                    UsageError(
                        "cases.error.bad_transition",
                        case=case.ref,
                        status=case.status,
                        to=to,
                        allowed=", ".join(allowed) or "-",
                    )
                )
                # The error names the case's status: only someone who may read the case
                # learns it; anyone else is refused (and audited) like any other step.
                return "case.read"
            return step

        if to in ("closed", "disseminated") and not reason.strip():
            raise UsageError("cases.error.reason_needed", to=to)
        with acting(self._store, login, permission, case_ref=ref, target=to) as act:
            if wrong_step:
                raise wrong_step[0]
            case, session = act.case, act.session
            assert case is not None
            now = now_text()
            session.add(
                StatusChange(
                    case_id=case.id,
                    from_status=case.status,
                    to_status=to,
                    by=login,
                    at=now,
                    reason=reason.strip(),
                )
            )
            before = case.status
            if to == "disseminated":
                _four_eyes(session, case, login)
            case.status, case.updated_at = to, now
            if to == "disseminated":
                case.approved_by, case.approved_at = login, now
            act.audit(to, {"from": before, "reason": reason.strip()})
            session.flush()
            return detail_of(session, case)

    def attachment(self, login: str, ref: str, evidence_id: int) -> tuple[bytes, str]:
        """The bytes and media type of an evidence item's attachment (a picture); a read."""
        from sqlalchemy import select

        with acting(self._store, login, "case.read", case_ref=ref) as act:
            assert act.case is not None
            row = act.session.scalars(
                select(Evidence).where(Evidence.case_id == act.case.id, Evidence.id == evidence_id)
            ).one_or_none()
            if row is None or row.attachment is None:
                raise UsageError("cases.error.no_attachment", case=act.case.ref, item=evidence_id)
            act.audit(f"evidence:{evidence_id}", action="case.read_attachment")
            return row.attachment, row.media_type or "application/octet-stream"

    # -- the trail ---------------------------------------------------------------------
    def trail(self, login: str, ref: str) -> list[AuditLine]:
        """Who did what on the case, oldest first (reading it is itself audited)."""
        from sqlalchemy import select

        from moneytrail.cases.tables import AuditEntry

        with acting(self._store, login, "audit.read", case_ref=ref) as act:
            assert act.case is not None
            rows = act.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.case_ref == act.case.ref)
                .order_by(AuditEntry.seq)
            ).all()
            lines = [audit_line(row) for row in rows]
            act.audit()
            return lines
