"""A goAML report written from a case: ``moneytrail goaml write --case D-2026-0001``.

The case names the report's content: its evidence's transactions (an alert's transaction
list, a source row's transactions) and its subjects. The workspace gives their full rows,
accounts and holders (:func:`moneytrail.goaml.report_input`); the report is built for a
country profile, validated, and written only when it has no problem at all. Otherwise
``BadInputError`` lists every problem (``element path [case items]: reason``) and nothing is
written, so the analyst fixes the case (or the options) and writes again.

Both acts are audited in the case's trail under the ``case.export`` permission: reading the
case to build the report (``desk.for_export``: ``case.export_read``, target ``goaml``) and,
once written, the file itself (``desk.record_export``: ``case.export`` with its path, SHA-256,
profile, report code and counts), so the report handed to the FIU can be matched to the case.

Example::

    from moneytrail.api import Workspace
    from moneytrail.api.cases import CaseDesk
    from moneytrail.api.goaml_write import ReportingEntity, write_from_case

    with CaseDesk.for_workspace("enquete") as desk, Workspace.open("enquete") as ws:
        awa = desk.login("awa", "…")
        done = write_from_case(
            desk, awa, "D-2026-0001", ws, "uae-5.0.2", "STR", "D-2026-0001.xml",
            ReportingEntity(entity_id=1234, indicators=("TFSSP",)),
        )
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import BadInputError, Problem, UsageError

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor, CaseDesk
    from moneytrail.api.workspace import Workspace
    from moneytrail.cases.views import CaseDetail

EXPORT_PURPOSE = "goaml"
"""What the case's trail says was produced from it."""

__all__ = ["GoamlWritten", "ReportingEntity", "case_transactions", "write_from_case"]


@dataclass(frozen=True)
class ReportingEntity:
    """Who files the report and what it says beyond the case.

    ``entity_id``: the reporting entity's goAML id (``rentity_id``, given by the FIU);
    ``reporter``: the submitting person's name; ``indicators``: the profile's indicator codes
    (an STR needs one at least); ``reason``/``action``: free text (the case's title and summary
    when empty); ``subject_window``: also report the subjects' transactions between the first
    and the last evidence transaction.
    """

    entity_id: int
    reporter: str | None = None
    indicators: tuple[str, ...] = ()
    reason: str = ""
    action: str = ""
    branch: str | None = None
    subject_window: bool = False
    submitted_at: datetime | None = None


@dataclass
class GoamlWritten:
    """What ``goaml write`` did: the file (``None`` when only checked or refused), the
    profile, the report code, how many transactions and parties it holds, its problems."""

    path: str | None
    profile: str
    report_code: str
    case: str
    transactions: int
    parties: int
    problems: list[Problem] = field(default_factory=list)


def case_transactions(case: CaseDetail) -> dict[str, list[str]]:
    """The transactions a case's evidence names, each with the case items that name it
    (``alert 3fa2c1d0 (#4)``, ``source row releve.csv:12 (#5)``), in evidence order.

    Traces, pictures, screening findings and resolutions name no transaction of their own:
    what they show is in the report through the alerts and rows the analyst added."""
    named: dict[str, list[str]] = {}
    for item in case.evidence:
        for tx_id in _evidence_transactions(item.kind, item.payload):
            label = (
                f"{item.kind.replace('_', ' ')} {_short(item.kind, item.reference)} (#{item.id})"
            )
            origins = named.setdefault(tx_id, [])
            if label not in origins:
                origins.append(label)
    return named


def _short(kind: str, reference: str) -> str:
    return reference[:8] if kind == "alert" else reference.split(":")[-1]


def _evidence_transactions(kind: str, payload: Any) -> Iterable[str]:
    if not isinstance(payload, dict):
        return ()
    if kind == "alert":
        rows = payload.get("transaction_list") or []
    elif kind == "source_row":
        rows = (payload.get("records") or {}).get("transactions") or []
    else:
        return ()
    return [str(r["id"]) for r in rows if isinstance(r, dict) and r.get("id")]


def _subject_accounts(case: CaseDetail) -> list[str]:
    accounts: list[str] = []
    for subject in case.subjects:
        listed = subject.details.get("accounts") or []
        if subject.kind == "account" and subject.key not in listed:
            listed = [subject.key, *listed]
        accounts.extend(str(a) for a in listed if str(a) not in accounts)
    return accounts


def write_from_case(
    desk: CaseDesk,
    actor: Actor,
    ref: str,
    ws: Workspace,
    profile_id: str,
    report_type: str,
    out: Path | str | None,
    reporting_entity: ReportingEntity,
    lang: str = "fr",
) -> GoamlWritten:
    """Build the report of case ``ref`` for ``profile_id``, validate it, write it to ``out``.

    ``out=None`` only checks (nothing written; the problems are returned). Otherwise every
    problem raises ``BadInputError`` before anything is written; the file is written
    atomically and never over the workspace or one of its sources.
    """
    from moneytrail.files.outputs import atomic_output
    from moneytrail.goaml import ReportHeader, build_report, check_report, report_input
    from moneytrail.model.goaml import load_profile

    del lang  # the problems are rendered by the face, in its language
    profile = load_profile(profile_id)
    code = report_type.strip().upper()
    if code not in profile.report_codes:
        raise UsageError(
            "goaml_write.error.report_code",
            code=report_type,
            profile=profile.id,
            known=", ".join(sorted(profile.report_codes)),
        )
    case = desk.for_export(actor, ref, EXPORT_PURPOSE)  # audited: case.export_read
    entity = reporting_entity
    header = ReportHeader(
        entity_id=entity.entity_id,
        entity_reference=case.ref,
        report_code=code,
        reason=entity.reason or _reason(case),
        action=entity.action,
        indicators=tuple(entity.indicators),
        reporter=entity.reporter,
        entity_branch=entity.branch,
        submitted_at=entity.submitted_at,
    )
    data = report_input(
        ws.engine,
        case_transactions(case),
        header=header,
        subject_accounts=_subject_accounts(case),
        subject_window=entity.subject_window,
    )
    xml = build_report(data, profile)
    name = Path(out).name if out is not None else f"{case.ref}.xml"
    problems = check_report(data, profile, xml, name)
    result = GoamlWritten(
        path=None,
        profile=profile.id,
        report_code=code,
        case=case.ref,
        transactions=len(data.transactions),
        parties=len(data.parties),
        problems=problems,
    )
    if out is None:
        return result
    if problems:
        raise BadInputError(
            "goaml_write.error.refused", problems, case=case.ref, count=len(problems)
        )
    target = Path(out)
    with atomic_output(target, ws.protected_paths()) as part:
        part.write_bytes(xml)
    result.path = str(target)
    desk.record_export(
        actor,
        case.ref,
        EXPORT_PURPOSE,
        str(target.resolve()),
        hashlib.sha256(xml).hexdigest(),
        profile=profile.id,
        report_code=code,
        transactions=result.transactions,
        parties=result.parties,
    )
    return result


def _reason(case: CaseDetail) -> str:
    text = case.title if not case.summary else f"{case.title}: {case.summary}"
    return text[:8000]
