"""Ingest: upload files, see what was loaded and every problem as ``line: field: reason``.

An upload is kept under ``settings.upload_dir`` (it becomes a source of the workspace: its
SHA-256 is recorded and every row points back to its line), under a name the server makes:
the client's name is never trusted — directories, ``..``, control characters are dropped, a
readable base and the extension are kept, a random suffix makes it unique, and a name that
would still land outside the folder is refused. Each file is loaded on its own (``ws.ingest``):
a file refused entirely leaves the workspace as it was, and its copy is removed.

Why the results page answers the POST itself (no redirect): the outcome of one upload is the
answer to that upload; it is not stored anywhere a later GET could find it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from moneytrail.api import FileOutcome, IngestOptions, Message, Status, UsageError
from moneytrail.api.ingest import format_names
from moneytrail.api.serialize import to_jsonable
from moneytrail.web.errors import UploadTooLargeError
from moneytrail.web.pages import render
from moneytrail.web.security import Caller, permit

router = APIRouter()

CHUNK = 1 << 20
_UNSAFE = re.compile(r'[<>:"|?*\s]+')
_EXT = re.compile(r"[^0-9A-Za-z]")
MAX_STEM = 80


def safe_name(client_name: str | None) -> str:
    """A file name made from the client's: its last part only, no control character, no
    leading dot, a readable base (accents and Arabic script kept), the extension (the readers
    sniff it), and a random suffix.

    >>> safe_name("../../etc/passwd").startswith("passwd-")
    True
    >>> safe_name("..\\\\..\\\\x.csv").endswith(".csv")
    True
    """
    last = (client_name or "").replace("\\", "/").split("/")[-1]
    kept = "".join(
        c for c in unicodedata.normalize("NFC", last) if unicodedata.category(c)[0] != "C"
    )
    kept = _UNSAFE.sub("_", kept).strip("._ ")
    stem, dot, ext = kept.rpartition(".")
    if not dot:
        stem, ext = kept, ""
    stem = stem.strip("._ ")[:MAX_STEM] or "upload"
    ext = _EXT.sub("", ext)[:10].lower()
    return f"{stem}-{secrets.token_hex(6)}" + (f".{ext}" if ext else "")


def inside(folder: Path, name: str) -> Path:
    """``folder/name``, refused (a usage error) when it would not be directly in ``folder``."""
    root = folder.resolve()
    target = (root / name).resolve()
    if target.parent != root or not name or name in (".", ".."):
        raise UsageError("web.ingest.bad_name", name=name)
    return target


def save_upload(upload: UploadFile, folder: Path, max_bytes: int) -> Path:
    """Copy ``upload`` into ``folder`` under a safe name, at most ``max_bytes``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = inside(folder, safe_name(upload.filename))
    written = 0
    try:
        with target.open("xb") as out:
            while chunk := upload.file.read(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise UploadTooLargeError
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


@dataclass
class FileReport:
    """One uploaded file as the page shows it: the client's name, what happened, why."""

    name: str
    outcome: FileOutcome
    message: str | None
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _line_field_reason(text: str, path: str) -> str:
    """``file:line: field: reason`` without the server's path: ``line: field: reason``."""
    for prefix in (path + ":", path):
        if text.startswith(prefix):
            return text[len(prefix) :].lstrip()
    return text


def report(name: str, outcome: FileOutcome, lang: str) -> FileReport:
    """The page's view of one outcome, in ``lang``."""
    message = None
    if outcome.status in (Status.REFUSED, Status.FAILED):
        key = outcome.error_key or "error.file_refused"
        message = Message(key, {**outcome.error_params, "file": name}).render(lang)
    return FileReport(
        name=name,
        outcome=outcome,
        message=message,
        problems=[_line_field_reason(p.render(lang), p.file) for p in outcome.problems],
        warnings=[_line_field_reason(w.render(lang), w.file) for w in outcome.warnings],
    )


def _options(
    fmt: str, country: str, currency: str, timezone: str, strict: bool, mapping: Path | None
) -> IngestOptions:
    if fmt and fmt not in format_names():
        raise UsageError("error.format_unknown", format=fmt, known=", ".join(format_names()))
    return IngestOptions(
        format=fmt or None,
        mapping=mapping,
        strict=strict,
        timezone=timezone.strip() or "UTC",
        country=country.strip().upper() or None,
        currency=currency.strip().upper() or None,
    )


def _ingest(
    caller: Caller, uploads: list[UploadFile], mapping: UploadFile | None, **chosen: Any
) -> tuple[list[FileReport], dict[str, int], dict[str, int]]:
    """Save the uploads, load them; the reports and the workspace's counts before and after."""
    settings = caller.web.settings
    folder, limit = settings.upload_dir, settings.max_upload_mb * (1 << 20)
    files = [u for u in uploads if u.filename]
    if not files:
        raise UsageError("web.ingest.no_file")
    saved: list[Path] = []
    try:
        mapping_path = save_upload(mapping, folder, limit) if mapping and mapping.filename else None
        for upload in files:
            saved.append(save_upload(upload, folder, limit))
    except BaseException:
        for path in saved:
            path.unlink(missing_ok=True)
        raise
    options = _options(mapping=mapping_path, **chosen)
    with caller.web.pool.lease() as ws:
        before = dict(ws.info().counts)
        outcomes = ws.ingest(saved, options)
        after = dict(ws.info().counts)
    reports = []
    for upload, path, outcome in zip(files, saved, outcomes, strict=True):
        if outcome.status is not Status.LOADED:  # nothing of it is in the workspace
            path.unlink(missing_ok=True)
        reports.append(report(upload.filename or path.name, outcome, caller.lang))
    return reports, before, after


def _source(row: dict[str, Any]) -> dict[str, Any]:
    """A recorded source with its file name only (the server's folders are not shown)."""
    return {**row, "name": Path(str(row.get("path") or row.get("id") or "")).name}


def _page(request: Request, caller: Caller, **context: Any) -> Response:
    with caller.web.pool.lease() as ws:
        info = ws.info()
    return render(
        request,
        "ingest.html",
        caller,
        formats=format_names(),
        counts=context.pop("after", None) or info.counts,
        sources=[_source(s) for s in reversed(info.sources[-20:])],
        max_mb=caller.web.settings.max_upload_mb,
        **context,
    )


@router.get("/ingest")
def ingest_page(
    request: Request, caller: Annotated[Caller, permit("workspace.ingest")]
) -> Response:
    """The upload form and what the workspace holds."""
    return _page(request, caller, reports=None, before=None)


@router.get("/api/ingest")
def ingest_info(caller: Annotated[Caller, permit("workspace.ingest")]) -> Any:
    """What the workspace holds (``moneytrail info --json``): counts and sources."""
    with caller.web.pool.lease() as ws:
        return to_jsonable(ws.info(), caller.lang)


Text = Annotated[str, Form()]


@dataclass
class IngestForm:
    """What the ingest form sends (the page's form and ``POST /api/ingest`` alike)."""

    files: list[UploadFile]
    mapping: UploadFile | None
    chosen: dict[str, Any]


def ingest_form(
    files: Annotated[list[UploadFile], File()],
    mapping: Annotated[UploadFile | None, File()] = None,
    fmt: Annotated[str, Form(alias="format")] = "",
    country: Text = "",
    currency: Text = "",
    timezone: Text = "UTC",
    strict: Annotated[bool, Form()] = False,
) -> IngestForm:
    """The form's fields, read once for both endpoints (too large: 413 by the app)."""
    chosen = dict(fmt=fmt, country=country, currency=currency, timezone=timezone, strict=strict)
    return IngestForm(files, mapping, chosen)


Form_ = Annotated[IngestForm, Depends(ingest_form)]


@router.post("/ingest")
def ingest_upload(
    request: Request, caller: Annotated[Caller, permit("workspace.ingest")], form: Form_
) -> Response:
    """Save and load the uploaded files; the page shows each file's outcome and problems."""
    reports, before, after = _ingest(caller, form.files, form.mapping, **form.chosen)
    return _page(request, caller, reports=reports, before=before, after=after)


@router.post("/api/ingest")
def ingest_upload_json(caller: Annotated[Caller, permit("workspace.ingest")], form: Form_) -> Any:
    """The outcomes as JSON (``moneytrail ingest --json``), each with the client's file name."""
    reports, _, after = _ingest(caller, form.files, form.mapping, **form.chosen)
    return {
        "files": [
            {"name": r.name, **to_jsonable(r.outcome, caller.lang), "lines": r.problems}
            for r in reports
        ],
        "counts": after,
    }
