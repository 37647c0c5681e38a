"""How cases look in a terminal: ``case list`` and ``case show`` tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from moneytrail.api.cases import AuditTrail, CaseDetail, CaseSummary
    from moneytrail.cli.output import Output


def _short(moment: str | None) -> str:
    """``2026-12-06T11:03:50.123456+00:00`` -> ``2026-12-06 11:03 UTC``."""
    return f"{moment[:10]} {moment[11:16]} UTC" if moment else "-"


def show_cases(out: Output, cases: list[CaseSummary]) -> None:
    """One line per case."""
    tr = out.tr
    if not cases:
        out.print(tr("case.none"))
        return
    table = Table(title=tr("case.list_title", count=len(cases)))
    for key in ("col_ref", "col_title", "col_status", "col_lead", "col_members", "col_updated"):
        table.add_column(tr(f"case.{key}"))
    for case in cases:
        table.add_row(
            case.ref,
            case.title,
            tr(f"case.st.{case.status}"),
            case.lead or "-",
            ", ".join(case.members),
            _short(case.updated_at),
        )
    out.print(table)


def show_case(out: Output, case: CaseDetail) -> None:
    """The whole case: header, subjects, evidence, notes, tasks, history."""
    tr = out.tr
    out.print(
        tr("case.header", case=case.ref, title=case.title, status=tr(f"case.st.{case.status}"))
    )
    out.print(
        tr(
            "case.header_people",
            lead=case.lead or "-",
            members=", ".join(case.members),
            created=_short(case.created_at),
            by=case.created_by,
        )
    )
    if case.summary:
        out.print(case.summary)
    if case.approved_by:
        out.print(tr("case.approved", by=case.approved_by, at=_short(case.approved_at)))
    if case.subjects:
        table = Table(title=tr("case.subjects"))
        for key in ("col_kind", "col_subject", "col_key", "col_by"):
            table.add_column(tr(f"case.{key}"))
        for s in case.subjects:
            table.add_row(s.kind, s.label, s.key[:16], f"{s.added_by}, {_short(s.added_at)}")
        out.print(table)
    if case.evidence:
        table = Table(title=tr("case.evidence"))
        for key in ("col_number", "col_kind", "col_title", "col_sha", "col_by"):
            table.add_column(tr(f"case.{key}"))
        for e in case.evidence:
            table.add_row(
                str(e.id),
                e.kind,
                e.title,
                e.payload_sha256[:12],
                f"{e.added_by}, {_short(e.added_at)}",
            )
        out.print(table)
    for note in case.notes:
        out.print(tr("case.note_line", number=note.id, by=note.author, at=_short(note.created_at)))
        out.print(f"  {note.text}")
    if case.tasks:
        table = Table(title=tr("case.tasks"))
        for key in ("col_number", "col_task", "col_due", "col_assignee", "col_status_task"):
            table.add_column(tr(f"case.{key}"))
        for t in case.tasks:
            table.add_row(
                str(t.id),
                t.text,
                t.due or "-",
                t.assignee or "-",
                tr("case.task_open") if t.status == "open" else tr("case.st_done"),
            )
        out.print(table)
    for step in case.history:
        out.print(
            tr(
                "case.history_line",
                at=_short(step.at),
                by=step.by,
                before=tr(f"case.st.{step.from_status}"),
                after=tr(f"case.st.{step.to_status}"),
                reason=step.reason or "-",
            )
        )


def show_trail(out: Output, trail: AuditTrail) -> None:
    """Who did what on a case."""
    tr = out.tr
    table = Table(title=tr("audit.trail_title", case=trail.case, count=len(trail.entries)))
    for key in ("col_seq", "col_at", "col_actor", "col_action", "col_outcome", "col_target"):
        table.add_column(tr(f"audit.{key}"))
    for entry in trail.entries:
        table.add_row(
            str(entry.seq),
            _short(entry.at),
            entry.actor,
            entry.action,
            tr(f"audit.outcome_{entry.outcome}"),
            entry.target or "",
        )
    out.print(table)
