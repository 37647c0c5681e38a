"""Documents made from a case and handed to the browser: the investigation report, the goAML
report, the evidence transactions as CSV.

Why a temporary folder: the library writes documents atomically to a path (and refuses one
inside the workspace); the browser wants bytes. Each document is written to a private folder
of its own, read back, and the folder removed before the response leaves, so no copy of a
case's content stays on the server's disk.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.responses import Response

from moneytrail.api.case_web import evidence_transactions
from moneytrail.api.goaml_write import GoamlWritten, ReportingEntity, write_from_case
from moneytrail.api.report import write_report
from moneytrail.web.csv_export import csv_bytes

if TYPE_CHECKING:
    from moneytrail.web.security import Caller

MEDIA = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xml": "application/xml",
    "csv": "text/csv; charset=utf-8",
}
CSV_COLUMNS = (
    "evidence",
    "transaction_id",
    "date",
    "from",
    "to",
    "amount",
    "currency",
    "channel",
    "reference",
)


def safe_name(text: str) -> str:
    """``text`` reduced to letters, digits, ``.``, ``_`` and ``-``, for a download's name.

    >>> safe_name('D-2026-0001"; x=../a')
    'D-2026-0001___x_.._a'
    """
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:120] or "case"


def download(data: bytes, kind: str, name: str, inline: bool = False) -> Response:
    """``data`` as a file named ``name`` (already safe) for the browser."""
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    return Response(data, media_type=MEDIA[kind], headers=headers)


def report_bytes(caller: Caller, ref: str, lang: str, fmt: str) -> bytes:
    """The investigation report of ``ref`` as ``fmt`` (``pdf``/``html``), in ``lang``; the
    export is recorded in the case's trail by :func:`write_report`."""
    with tempfile.TemporaryDirectory(prefix="moneytrail-report-") as folder:
        out = Path(folder) / f"report.{fmt}"
        with caller.web.pool.lease() as ws:
            write_report(caller.web.desk, caller.actor, ref, ws, out, lang, fmt)
        return out.read_bytes()


def goaml_bytes(
    caller: Caller, ref: str, profile: str, code: str, entity: ReportingEntity
) -> tuple[GoamlWritten, bytes]:
    """The goAML report of ``ref``, built, validated and written (``BadInputError`` listing
    every problem when it has any: nothing is then written)."""
    with tempfile.TemporaryDirectory(prefix="moneytrail-goaml-") as folder:
        out = Path(folder) / f"{safe_name(ref)}.xml"
        with caller.web.pool.lease() as ws:
            done = write_from_case(
                caller.web.desk, caller.actor, ref, ws, profile, code, out, entity, caller.lang
            )
        return done, out.read_bytes()


def transactions_csv(caller: Caller, ref: str) -> tuple[str, bytes]:
    """The case's reference and the CSV of its evidence transactions (an export: needs
    ``case.export``, and the file's SHA-256 goes to the trail)."""
    desk = caller.web.desk
    case = desk.for_export(caller.actor, ref, "transactions.csv")
    rows = evidence_transactions(case)
    data = csv_bytes(
        CSV_COLUMNS,
        (
            (
                r.evidence,
                r.transaction_id,
                r.date,
                r.source,
                r.target,
                r.amount,
                r.currency,
                r.channel,
                r.reference,
            )
            for r in rows
        ),
    )
    name = f"{safe_name(case.ref)}-transactions.csv"
    digest = hashlib.sha256(data).hexdigest()
    desk.record_export(caller.actor, case.ref, "csv", name, digest, transactions=len(rows))
    return case.ref, data
