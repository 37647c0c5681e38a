"""The investigation report of a case (``moneytrail report``): a PDF/A or a standalone HTML
file a prosecutor or a partner FIU can read.

The report shows what the case froze (evidence payloads, the network pictures' bytes), the
case's audit trail and, when the workspace is at hand, the full SHA-256 of the source files
the cited transactions come from. The file is written atomically and never over the workspace,
its case store or a source file (:mod:`moneytrail.files.outputs`).

Example::

    from moneytrail.api import Workspace
    from moneytrail.api.cases import CaseDesk
    from moneytrail.api.report import write_report

    with CaseDesk.for_workspace("enquete") as desk, Workspace.open("enquete", read_only=True) as ws:
        moussa = desk.login("moussa", "…")
        done = write_report(desk, moussa, "D-2026-0001", ws, "rapport.pdf", "fr")
        done.pages, done.sha256

A PDF report can carry the unit's signature (PAdES, decision 0147): pass
``signing=Signing(Path("centif.p12"), passphrase)``; :func:`verify_signatures` checks a signed
report offline, :func:`create_signing_key` makes a key for a unit without a PKI.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.cases.roles import AccessDeniedError
from moneytrail.errors import UsageError
from moneytrail.files.outputs import atomic_output, file_sha256

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor, CaseDesk
    from moneytrail.api.workspace import Workspace
    from moneytrail.report import ReportData
    from moneytrail.report.signing import SignatureCheck

__all__ = [
    "FORMATS",
    "ReportWritten",
    "Signing",
    "build_report_data",
    "create_signing_key",
    "verify_signatures",
    "write_report",
]

FORMATS = ("pdf", "html")
LANGS = ("fr", "en")


@dataclass
class ReportWritten:
    """The report written: where, how many pages (``None`` for HTML), its size and SHA-256."""

    path: str
    format: str
    lang: str
    pages: int | None
    bytes: int
    sha256: str
    signed_by: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class Signing:
    """Sign the PDF with the PKCS#12 key ``key`` (``passphrase`` unlocks it); ``location`` is
    written in the signature (e.g. "Bamako")."""

    key: Path
    passphrase: str | None
    location: str | None = None


def build_report_data(
    desk: CaseDesk, actor: Actor, ref: str, ws: Workspace | None, lang: str
) -> ReportData:
    """Everything the report of case ``ref`` shows, read as ``actor`` (the reads are audited).

    The audit annex needs the right to read the trail (supervisor, head of unit); for anyone
    else the annex gives the case's own history instead (the refusal is audited, as always).
    """
    from moneytrail.api.serialize import to_jsonable
    from moneytrail.report import ReportData

    case = desk.for_export(actor, ref, "report")  # needs case.export; audited
    attachments = {
        e.id: desk.attachment(actor, case.ref, e.id)[0]
        for e in case.evidence
        if e.attachment_sha256 and (e.media_type or "").startswith("image/png")
    }
    trail: list[Any] | None
    try:
        trail = to_jsonable(desk.trail(actor, case.ref), lang)["entries"]
    except AccessDeniedError:
        trail = None
    return ReportData.from_case(
        to_jsonable(case, lang),
        lang=lang,
        generated_by=actor.login,
        trail=trail,
        attachments=attachments,
        sources=_sources(ws) if ws is not None else (),
        accounts=_account_numbers(ws, case.evidence) if ws is not None else {},
    )


def write_report(
    desk: CaseDesk,
    actor: Actor,
    ref: str,
    ws: Workspace | None,
    out: Path | str,
    lang: str,
    fmt: str = "pdf",
    signing: Signing | None = None,
) -> ReportWritten:
    """Write the report of case ``ref`` to ``out`` as ``fmt`` (``pdf``: PDF/A-3b; ``html``:
    one standalone file) in ``lang``; signed by ``signing``'s key when given (PDF only).

    The key is unlocked before anything is read, so a wrong passphrase costs nothing; the trail
    records the signer's certificate fingerprint beside the signed file's SHA-256."""
    if fmt not in FORMATS:
        raise UsageError("report.error.bad_format", value=fmt)
    if lang not in LANGS:
        raise UsageError("report.error.bad_lang", value=lang)
    if signing is not None and fmt != "pdf":
        raise UsageError("signature.error.html")
    from moneytrail.i18n import translate
    from moneytrail.report import render_html, write_pdf
    from moneytrail.report.signing import load_identity, sign_pdf

    identity = load_identity(signing.key, signing.passphrase) if signing is not None else None
    data = build_report_data(desk, actor, ref, ws, lang)
    target = Path(out)
    protected = ws.protected_paths() if ws is not None else None
    pages: int | None = None
    with atomic_output(target, protected) as part:
        if fmt == "html":
            part.write_text(render_html(data), encoding="utf-8")
        elif identity is None:
            pages = write_pdf(data, part)
        else:
            assert signing is not None
            # beside the target (never in a shared temporary folder: it is the case's content),
            # unless the target is a device such as /dev/stdout
            handle, name = tempfile.mkstemp(
                suffix=".unsigned.pdf", dir=None if part == target else part.parent
            )
            os.close(handle)
            unsigned = Path(name)
            try:
                pages = write_pdf(data, unsigned)
                reason = translate("signature.reason", lang, ref=data.ref)
                sign_pdf(unsigned, part, identity, reason, signing.location)
            finally:
                unsigned.unlink(missing_ok=True)
    digest = file_sha256(target)
    signer = {} if identity is None else {"signed_by": identity.fingerprint}
    # The trail names the document handed over, so a copy can be matched to the case later.
    desk.record_export(
        actor, data.ref, "report", str(target), digest, format=fmt, lang=lang, **signer
    )
    return ReportWritten(
        path=str(target),
        format=fmt,
        lang=lang,
        pages=pages,
        bytes=target.stat().st_size,
        sha256=digest,
        signed_by=identity.subject if identity is not None else None,
        fingerprint=identity.fingerprint if identity is not None else None,
    )


def create_signing_key(
    out: Path | str, name: str, passphrase: str, country: str | None = None, days: int = 1095
) -> tuple[str, str]:
    """A new signing key for a unit without a PKI: ``out`` (PKCS#12) and its certificate beside
    it (``.pem``, for recipients); returns the certificate's path and SHA-256 fingerprint."""
    from moneytrail.report.signing import make_identity

    pem, fingerprint = make_identity(Path(out), name, passphrase, country=country, days=days)
    return str(pem), fingerprint


def verify_signatures(path: Path | str, trusted: Sequence[Path | str] = ()) -> list[SignatureCheck]:
    """Every signature of the PDF ``path``, checked offline against the certificates the reader
    trusts (``trusted``: PEM or DER files); an empty list for an unsigned PDF."""
    from moneytrail.report.signing import verify_pdf

    return verify_pdf(Path(path), [Path(t) for t in trusted])


def _sources(ws: Workspace) -> list[dict[str, Any]]:
    """The workspace's source records, with their full SHA-256."""
    columns = ("id", "path", "sha256", "format", "ingested_at")
    rows = ws.engine.fetchall("SELECT id, path, sha256, format, ingested_at FROM sources")
    return [
        {
            k: (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in zip(columns, row, strict=True)
        }
        for row in rows
    ]


def _account_numbers(ws: Workspace, evidence: list[Any]) -> dict[str, str]:
    """The number (else the name) of each account a source row's transactions name: a
    reader recognises ``+22376123456``, not the workspace's internal id."""
    ids = sorted(
        {
            str(t.get(side))
            for e in evidence
            if e.kind == "source_row"
            for t in (e.payload.get("records") or {}).get("transactions") or []
            for side in ("src_account_id", "dst_account_id")
            if t.get(side)
        }
    )
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = ws.engine.fetchall(
        # Only placeholders are put in the text; the ids are bound.
        f"SELECT id, COALESCE(number, name, id) FROM accounts WHERE id IN ({marks})",  # noqa: S608
        ids,
    )
    return {str(i): str(label) for i, label in rows}
