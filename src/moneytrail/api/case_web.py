"""What a case page needs beyond the ``CaseDesk`` calls: which buttons to show, the goAML
form's choices, and the transactions a case's evidence froze.

Why apart from :mod:`moneytrail.api.cases`: none of these reads or writes the store. The
buttons are the policy's own answer (``authorize()``, not a role checked by hand) so that a
page never offers a step the desk would refuse; the desk still decides, and audits, when the
form is sent. The transactions are read from the frozen evidence only, never from the
workspace, so an export shows what the case holds even after the workspace was rebuilt.

Example::

    from moneytrail.api.case_web import case_abilities, evidence_transactions

    case = desk.show(awa, "D-2026-0001")
    case_abilities(awa, case).next_statuses      # ['closed', 'in_analysis'] for a supervisor
    [row.amount for row in evidence_transactions(case)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from moneytrail.cases.roles import CaseAccess, authorize
from moneytrail.cases.service import TRANSITIONS

if TYPE_CHECKING:
    from moneytrail.cases.roles import Actor
    from moneytrail.cases.views import CaseDetail

__all__ = [
    "CaseAbilities",
    "EvidenceTransaction",
    "GoamlChoices",
    "case_abilities",
    "evidence_transactions",
    "goaml_choices",
]


@dataclass(frozen=True)
class CaseAbilities:
    """What ``actor`` may do on one case now (its status and members), to show the forms."""

    add: bool
    note: bool
    task: bool
    assign: bool
    export: bool
    audit: bool
    next_statuses: list[str] = field(default_factory=list)


def case_abilities(actor: Actor, case: CaseDetail) -> CaseAbilities:
    """The policy's answers for ``actor`` on ``case`` (no audit: it only hides buttons).

    ``next_statuses`` are the workflow steps from the case's status that ``actor`` may take,
    in the order of :data:`moneytrail.cases.service.TRANSITIONS`.
    """
    access = CaseAccess(case.ref, case.status, frozenset(case.members))

    def may(action: str) -> bool:
        return authorize(actor, action, access)

    steps = [
        to for (start, to), action in TRANSITIONS.items() if start == case.status and may(action)
    ]
    return CaseAbilities(
        add=may("case.add"),
        note=may("case.note"),
        task=may("case.task"),
        assign=may("case.assign"),
        export=may("case.export"),
        audit=may("audit.read"),
        next_statuses=steps,
    )


@dataclass(frozen=True)
class GoamlChoices:
    """The report codes and indicators a profile accepts, each with its label (if any)."""

    profile: str
    report_codes: list[str]
    indicators: list[tuple[str, str]]


def goaml_choices(profile_id: str) -> GoamlChoices:
    """The choices of the goAML export form for ``profile_id`` (``UsageError`` if unknown)."""
    from moneytrail.model.goaml import load_profile

    profile = load_profile(profile_id)
    found = profile.lookups.get("indicators")
    labels = dict(found.codes) if found else {}
    return GoamlChoices(
        profile=profile.id,
        report_codes=sorted(profile.report_codes),
        indicators=[(code, labels.get(code, "")) for code in sorted(profile.indicators)],
    )


@dataclass(frozen=True)
class EvidenceTransaction:
    """One transaction as a piece of evidence froze it, and which piece (``#id kind``)."""

    evidence: str
    transaction_id: str
    date: str
    source: str
    target: str
    amount: str
    currency: str
    channel: str
    reference: str


def evidence_transactions(case: CaseDetail) -> list[EvidenceTransaction]:
    """Every transaction frozen in ``case``'s evidence, in evidence order, each once per piece.

    Alerts give their transaction list (account numbers), traces the steps of their paths
    (account ids, the trace's currency), source rows the rows made from the line (with the
    bank's reference). Other kinds (pictures, screening, resolution) hold no transaction.
    """
    rows: list[EvidenceTransaction] = []
    for item in case.evidence:
        label = f"#{item.id} {item.kind}"
        seen: set[str] = set()
        for tx in _frozen(item.kind, item.payload):
            key = str(tx.get("id") or tx.get("transaction_id") or "")
            if key and key in seen:
                continue
            seen.add(key)
            rows.append(
                EvidenceTransaction(
                    evidence=label,
                    transaction_id=key,
                    date=_text(tx.get("ts")),
                    source=_text(tx.get("src", tx.get("src_account_id"))),
                    target=_text(tx.get("dst", tx.get("dst_account_id"))),
                    amount=_text(tx.get("amount")),
                    currency=_text(tx.get("currency")),
                    channel=_text(tx.get("channel")),
                    reference=_text(tx.get("reference") or tx.get("ext_id")),
                )
            )
    return rows


def _frozen(kind: str, payload: Any) -> list[dict[str, Any]]:
    """The transaction dicts of one payload (its JSON form, as frozen)."""
    if not isinstance(payload, dict):
        return []
    if kind == "alert":
        found = payload.get("transaction_list") or []
    elif kind == "source_row":
        found = (payload.get("records") or {}).get("transactions") or []
    elif kind == "trace":
        currency = payload.get("currency")
        found = [
            {**step, "currency": currency}
            for endpoint in payload.get("endpoints") or []
            for path in endpoint.get("paths") or []
            for step in path.get("steps") or []
            if isinstance(step, dict)
        ]
    else:
        return []
    return [tx for tx in found if isinstance(tx, dict)]


def _text(value: Any) -> str:
    return "" if value is None else str(value)
