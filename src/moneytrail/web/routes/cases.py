"""Cases: the list, one case (subjects, evidence, notes, tasks, status, audit), its documents.

Every route is ``signed_in()``: the data is case data, and each ``CaseDesk`` call asks
``authorize()`` for the case itself and audits (a refusal is a 403 page; an unknown case a
404). The page shows only the forms the policy allows (:func:`case_abilities`), but the desk
decides when a form is sent. Documents (report, goAML, CSV) are built by the library into a
private temporary folder and streamed (:mod:`moneytrail.web.case_files`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from moneytrail.api import BadInputError, Seed, UsageError, translate
from moneytrail.api.case_web import case_abilities, goaml_choices
from moneytrail.api.goaml_validate import profiles
from moneytrail.api.goaml_write import ReportingEntity
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.case_files import (
    download,
    goaml_bytes,
    report_bytes,
    safe_name,
    transactions_csv,
)
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, signed_in

router = APIRouter()

STATUSES = ("open", "in_analysis", "proposed", "disseminated", "closed")
DEFAULT_PROFILE = "uae-5.0.2"

Signed = Annotated[Caller, signed_in()]


def _status(status: str | None) -> str | None:
    if status and status not in STATUSES:
        raise UsageError("web.error.bad_filter", name="status", value=status)
    return status or None


def _back(ref: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/cases/{ref}{anchor}", status_code=303)


# -- the list -----------------------------------------------------------------------------
@router.get("/cases")
def case_list(request: Request, caller: Signed, status: str | None = None) -> Response:
    """The cases the reader may read, filtered by status; the form to open one."""
    listed = caller.web.desk.list(caller.actor, _status(status))
    return render(
        request, "cases.html", caller, listed=listed, statuses=STATUSES, chosen=status or ""
    )


@router.get("/api/cases")
def case_list_json(caller: Signed, status: str | None = None) -> Any:
    """The cases as JSON (``moneytrail case list --json``)."""
    return to_jsonable(caller.web.desk.list(caller.actor, _status(status)), caller.lang)


@router.post("/cases")
def case_new(
    caller: Signed, title: Annotated[str, Form()], summary: Annotated[str, Form()] = ""
) -> Response:
    """Open a case; its creator is its first member and lead."""
    path = str(caller.web.pool.path)
    case = caller.web.desk.new(caller.actor, title, summary, workspace=path)
    return _back(case.ref)


# -- one case -----------------------------------------------------------------------------
@router.get("/cases/{ref}")
def case_page(request: Request, ref: str, caller: Signed) -> Response:
    """The whole case and the forms the reader may use."""
    case = caller.web.desk.show(caller.actor, ref)
    return render(
        request,
        "case.html",
        caller,
        case=case,
        can=case_abilities(caller.actor, case),
        tab="case",
    )


@router.get("/api/cases/{ref}")
def case_json(ref: str, caller: Signed) -> Any:
    """The whole case as JSON (``moneytrail case show --json``)."""
    return to_jsonable(caller.web.desk.show(caller.actor, ref), caller.lang)


@router.get("/cases/{ref}/evidence/{evidence_id}/attachment")
def attachment(ref: str, evidence_id: int, caller: Signed) -> Response:
    """A piece of evidence's frozen bytes (a network picture), with its media type."""
    data, media = caller.web.desk.attachment(caller.actor, ref, evidence_id)
    inline = media in ("image/png", "image/jpeg")
    name = safe_name(f"{ref}-{evidence_id}") + (".png" if media == "image/png" else "")
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    return Response(
        data, media_type=media if inline else "application/octet-stream", headers=headers
    )


@router.post("/cases/{ref}/notes")
def add_note(ref: str, caller: Signed, text: Annotated[str, Form()]) -> Response:
    """Add a note, as written."""
    number = caller.web.desk.note(caller.actor, ref, text)
    return _back(ref, f"#note-{number}")


@router.post("/cases/{ref}/tasks")
def add_task(
    ref: str,
    caller: Signed,
    text: Annotated[str, Form()],
    due: Annotated[str, Form()] = "",
    assignee: Annotated[str, Form()] = "",
) -> Response:
    """Add a task, due by a day, for a member."""
    caller.web.desk.add_task(caller.actor, ref, text, due.strip() or None, assignee.strip() or None)
    return _back(ref, "#tasks")


@router.post("/cases/{ref}/tasks/{task_id}/done")
def complete_task(ref: str, task_id: int, caller: Signed) -> Response:
    """Mark a task done."""
    caller.web.desk.complete_task(caller.actor, ref, task_id)
    return _back(ref, "#tasks")


@router.post("/cases/{ref}/status")
def change_status(
    ref: str, caller: Signed, to: Annotated[str, Form()], reason: Annotated[str, Form()] = ""
) -> Response:
    """One step of the workflow, with its reason."""
    caller.web.desk.set_status(caller.actor, ref, to, reason)
    return _back(ref)


@router.post("/cases/{ref}/members")
def change_member(
    ref: str,
    caller: Signed,
    login: Annotated[str, Form()],
    lead: Annotated[str, Form()] = "",
    remove: Annotated[str, Form()] = "",
) -> Response:
    """Add a member (and make them lead), or remove one (supervisor, head of unit)."""
    caller.web.desk.assign(caller.actor, ref, login.strip(), lead=bool(lead), remove=bool(remove))
    return _back(ref, "#members")


@router.post("/cases/{ref}/subjects")
def add_subject(ref: str, caller: Signed, text: Annotated[str, Form()]) -> Response:
    """Put an account or party (number, phone, name: any written form) under analysis."""
    with caller.web.pool.lease() as ws:
        caller.web.desk.add_subject(caller.actor, ref, ws, text.strip())
    return _back(ref, "#subjects")


@router.post("/cases/{ref}/traces")
def add_trace(ref: str, caller: Signed, account: Annotated[str, Form()]) -> Response:
    """Trace the money of an account now and freeze the result as evidence."""
    seed = Seed(accounts=(account.strip(),))
    with caller.web.pool.lease() as ws:
        caller.web.desk.add_trace(caller.actor, ref, ws, seed, lang=caller.lang)
    return _back(ref, "#evidence")


# -- the audit trail --------------------------------------------------------------------
@router.get("/cases/{ref}/audit")
def audit_page(request: Request, ref: str, caller: Signed) -> Response:
    """Who did what on the case, oldest first (reading it is audited too)."""
    trail = caller.web.desk.trail(caller.actor, ref)
    return render(request, "case_audit.html", caller, trail=trail, ref=trail.case, tab="audit")


@router.get("/api/cases/{ref}/audit")
def audit_json(ref: str, caller: Signed) -> Any:
    """The case's trail as JSON (``moneytrail audit show --case --json``)."""
    return to_jsonable(caller.web.desk.trail(caller.actor, ref), caller.lang)


# -- documents ------------------------------------------------------------------------------
def _report_lang(caller: Caller, lang: str | None) -> str:
    """The report's language: asked for, else the reader's (``write_report`` refuses one
    it cannot write, with its own message)."""
    return lang or caller.lang


@router.get("/cases/{ref}/report.pdf")
def report_pdf(ref: str, caller: Signed, lang: str | None = None) -> Response:
    """The investigation report (PDF/A), in ``lang`` (the reader's by default)."""
    chosen = _report_lang(caller, lang)
    data = report_bytes(caller, ref, chosen, "pdf")
    return download(data, "pdf", f"{safe_name(ref)}-{chosen}.pdf")


@router.get("/cases/{ref}/report.html")
def report_html(ref: str, caller: Signed, lang: str | None = None) -> Response:
    """The investigation report as one standalone HTML page."""
    chosen = _report_lang(caller, lang)
    data = report_bytes(caller, ref, chosen, "html")
    return download(data, "html", f"{safe_name(ref)}-{chosen}.html", inline=True)


@router.get("/cases/{ref}/transactions.csv")
def transactions(ref: str, caller: Signed) -> Response:
    """Every transaction frozen in the case's evidence, as CSV (formulas neutralised)."""
    case_ref, data = transactions_csv(caller, ref)
    return download(data, "csv", f"{safe_name(case_ref)}-transactions.csv")


def _goaml_page(
    request: Request,
    caller: Caller,
    ref: str,
    form: dict[str, Any],
    problems: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    case = caller.web.desk.show(caller.actor, ref)
    choices = goaml_choices(str(form["profile"]))
    return render(
        request,
        "case_goaml.html",
        caller,
        status_code,
        case=case,
        can=case_abilities(caller.actor, case),
        profiles=profiles(),
        choices=choices,
        form=form,
        problems=problems or [],
        tab="goaml",
    )


@router.get("/cases/{ref}/goaml")
def goaml_form(
    request: Request, ref: str, caller: Signed, profile: str = DEFAULT_PROFILE
) -> Response:
    """The goAML export form: profile, report type, the reporting entity."""
    form = {"profile": profile, "type": "STR", "entity_id": "", "indicators": []}
    return _goaml_page(request, caller, ref, form)


@router.post("/cases/{ref}/goaml")
def goaml_export(
    request: Request,
    ref: str,
    caller: Signed,
    profile: Annotated[str, Form()] = DEFAULT_PROFILE,
    report_type: Annotated[str, Form()] = "STR",
    entity_id: Annotated[str, Form()] = "",
    indicator: Annotated[list[str] | None, Form()] = None,
    reporter: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "",
    subject_window: Annotated[str, Form()] = "",
) -> Response:
    """Build the report; every problem inline when it is invalid, else the XML download
    (the export is recorded in the case's trail)."""
    form: dict[str, Any] = {
        "profile": profile,
        "type": report_type,
        "entity_id": entity_id,
        "indicators": indicator or [],
        "reporter": reporter,
        "reason": reason,
        "action": action,
        "subject_window": bool(subject_window),
    }
    number = entity_id.strip()
    if not number.isdigit() or int(number) < 1:
        need = translate("web.case.goaml_need_entity", caller.lang)
        return _goaml_page(request, caller, ref, form, [need], 422)
    entity = ReportingEntity(
        entity_id=int(number),
        reporter=reporter.strip() or None,
        indicators=tuple(indicator or ()),
        reason=reason.strip(),
        action=action.strip(),
        subject_window=bool(subject_window),
    )
    try:
        done, data = goaml_bytes(caller, ref, profile, report_type, entity)
    except BadInputError as refused:
        problems = [p.render(caller.lang) for p in refused.problems]
        return _goaml_page(request, caller, ref, form, problems, 422)
    except UsageError as refused:
        if not refused.key.startswith("goaml_write."):
            raise
        return _goaml_page(request, caller, ref, form, [refused.render(caller.lang)], 422)
    return download(data, "xml", f"{safe_name(done.case)}-{done.report_code}.xml")
