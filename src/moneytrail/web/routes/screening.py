"""Screening: a name against the loaded lists, the explanation, findings and decisions.

``/screening`` screens one name (any script: ``إياد أغ غالي`` is transliterated by the scorer)
against the latest version of every list stored in the workspace and tells each hit in
sentences — which name variant matched which, what each part of the score added or took away.
A workspace without a list says so, and offers whoever may load files to upload one.
``/screening/findings`` lists the stored party-screening findings (``screen parties``) for the
analyst to confirm or dismiss, each decision with its author and note.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from moneytrail.api import UsageError, Workspace
from moneytrail.api.screen_web import ExplainedScreening, screen_explained
from moneytrail.api.screening import LIST_FORMATS, MATCH_STATUSES
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.pages import render
from moneytrail.web.routes.ingest import save_upload
from moneytrail.web.security import Caller, permit

router = APIRouter()

SCHEMAS = ("Person", "Organization")
NameQ = Annotated[str, Query(max_length=500)]
Countries = Annotated[list[str] | None, Query()]


def _countries(country: list[str] | None) -> list[str]:
    """Countries as typed, one field may hold several (``ML, NE``)."""
    return [c.strip() for raw in country or [] for c in raw.split(",") if c.strip()]


@router.get("/screening")
def screening_page(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    name: NameQ = "",
    dob: str = "",
    country: Countries = None,
    schema: str = "",
    loaded: str = "",
) -> Response:
    """The form, the lists loaded, and the hits of ``name`` explained."""
    found, problem = None, None
    with caller.web.pool.lease() as ws:
        versions = ws.lists.versions().versions
        to_review = len(ws.screening.matches("to_review").matches)
        if name.strip() and versions:
            try:
                found = _screen(ws, caller, name, dob, country, schema)
            except UsageError as exc:  # an unreadable date or country: said beside the form
                problem = exc.render(caller.lang)
    return render(
        request,
        "screening.html",
        caller,
        versions=versions,
        found=found,
        problem=problem,
        to_review=to_review,
        loaded=loaded,
        schemas=SCHEMAS,
        formats=LIST_FORMATS,
        chosen={
            "name": name,
            "dob": dob,
            "country": ", ".join(_countries(country)),
            "schema": schema,
        },
    )


@router.get("/api/screening")
def screening_json(
    caller: Annotated[Caller, permit("workspace.read")],
    name: NameQ,
    dob: str = "",
    country: Countries = None,
    schema: str = "",
) -> Any:
    """The hits of ``name`` with their band and sentences (``screen NAME --json`` and more)."""
    with caller.web.pool.lease() as ws:
        found = _screen(ws, caller, name, dob, country, schema)
    return to_jsonable(found, caller.lang)


def _screen(
    ws: Workspace, caller: Caller, name: str, dob: str, country: list[str] | None, schema: str
) -> ExplainedScreening:
    """The form's fields as the screening call takes them (page and JSON alike)."""
    countries = _countries(country)
    dob_or_none, schema_or_none = dob.strip() or None, schema or None
    return screen_explained(
        ws, name, dob=dob_or_none, countries=countries, schema=schema_or_none, lang=caller.lang
    )


@router.get("/api/screening/lists")
def lists_json(caller: Annotated[Caller, permit("workspace.read")]) -> Any:
    """The list versions stored in the workspace (``lists show --json``)."""
    with caller.web.pool.lease() as ws:
        return to_jsonable(ws.lists.versions(), caller.lang)


@router.post("/screening/lists")
def load_list(
    request: Request,
    caller: Annotated[Caller, permit("workspace.ingest")],
    file: Annotated[UploadFile, File()],
    fmt: Annotated[str, Form(alias="format")] = "",
    list_id: Annotated[str, Form()] = "",
) -> Response:
    """Store an uploaded list file as a version of its list (refused whole, or loaded)."""
    if fmt and fmt not in LIST_FORMATS:
        raise UsageError("web.screen.bad_format", format=fmt, known=", ".join(LIST_FORMATS))
    settings = caller.web.settings
    path = save_upload(file, settings.upload_dir, settings.max_upload_mb * (1 << 20))
    try:
        with caller.web.pool.lease() as ws:
            loaded = ws.lists.load(path, fmt or None, list_id.strip() or None)
    except BaseException:
        path.unlink(missing_ok=True)  # refused: nothing stored, no copy kept
        raise
    return RedirectResponse(f"/screening?loaded={loaded.version_id}", status_code=303)


@router.get("/screening/findings")
def findings_page(
    request: Request,
    caller: Annotated[Caller, permit("workspace.read")],
    status: str = "to_review",
) -> Response:
    """Stored findings of party screening, best score first, with the decision forms."""
    with caller.web.pool.lease() as ws:
        listed = ws.screening.matches(status or None).matches
        lists = {v.id: v.list_id for v in ws.lists.versions().versions}
    return render(
        request,
        "screening_findings.html",
        caller,
        findings=listed,
        lists=lists,
        statuses=MATCH_STATUSES,
        chosen=status,
    )


@router.get("/api/screening/findings")
def findings_json(
    caller: Annotated[Caller, permit("workspace.read")], status: str | None = None
) -> Any:
    """Stored findings as JSON (``screen matches --json``)."""
    with caller.web.pool.lease() as ws:
        return to_jsonable(ws.screening.matches(status or None), caller.lang)


@router.post("/screening/parties")
def screen_parties(caller: Annotated[Caller, permit("screening.decide")]) -> Response:
    """Screen every party against the lists; new hits become findings to review."""
    with caller.web.pool.lease() as ws:
        if not ws.lists.versions().versions:
            raise UsageError("web.screen.no_list")
        ws.screening.parties(workers=1)
    return RedirectResponse("/screening/findings", status_code=303)


@router.post("/screening/findings/{finding_id}/decide")
def decide(
    finding_id: str,
    caller: Annotated[Caller, permit("screening.decide")],
    decision: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record the analyst's decision on a finding, with their note."""
    with caller.web.pool.lease() as ws:
        ws.screening.decide(finding_id, decision, note.strip() or None, by=caller.login)
    return RedirectResponse("/screening/findings", status_code=303)
