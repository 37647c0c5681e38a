"""What the report shows, as typed plain data built from a case's JSON form.

The report shows what the case *froze*: every alert, trace, finding and picture comes from its
evidence payload (the JSON the library call returned when the analyst added it), never from a
new run on the workspace, which may have changed since. Only two things come from elsewhere:
the audit entries (read from the case store's trail) and the full SHA-256 of the source files
(read from the workspace's ``sources`` table, when the workspace is at hand).

Example::

    data = ReportData.from_case(
        case_json, lang="fr", generated_by="moussa", trail=entries,
        attachments={3: png_bytes}, sources=[{"id": ..., "path": ..., "sha256": ...}],
    )
    data.alerts[0].transactions[0].amount   # "1200000.00000000", as frozen
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "Alert",
    "AuditEntry",
    "Endpoint",
    "EvidenceItem",
    "Finding",
    "Note",
    "Picture",
    "ReportData",
    "Resolution",
    "Source",
    "SourceRow",
    "StatusStep",
    "Subject",
    "Task",
    "Trace",
    "Transaction",
]

Json = Mapping[str, Any]


def _s(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Transaction:
    """A key transaction: when, from whom to whom, how much, and the source line it came from."""

    id: str
    ts: str
    src: str
    dst: str
    amount: str
    currency: str
    channel: str
    source_id: str = ""
    source_row: str = ""

    @classmethod
    def from_json(cls, tx: Json, currency: str = "") -> Transaction:
        """From an alert's ``transaction_list`` item or a source row's transaction."""
        return cls(
            id=_s(tx.get("id")),
            ts=_s(tx.get("ts")),
            src=_s(tx.get("src") or tx.get("src_account_id")),
            dst=_s(tx.get("dst") or tx.get("dst_account_id")),
            amount=_s(tx.get("amount")),
            currency=_s(tx.get("currency") or currency),
            channel=_s(tx.get("channel")),
            source_id=_s(tx.get("source_id")),
            source_row=_s(tx.get("source_row")),
        )


@dataclass(frozen=True)
class Subject:
    """A party or account under analysis."""

    label: str
    kind: str
    accounts: int
    added_by: str
    added_at: str


@dataclass(frozen=True)
class Alert:
    """An alert with the sentence that explains it (in the language it was added)."""

    title: str
    typology: str
    subject: str
    score: float
    text: str
    amount: str
    currency: str
    window_start: str
    window_end: str
    transactions: tuple[Transaction, ...]


@dataclass(frozen=True)
class Endpoint:
    """Where a share of the traced money ended (held, cash, abroad...)."""

    kind: str
    account_number: str
    amount: str
    share: str
    paths: int
    country: str


@dataclass(frozen=True)
class Trace:
    """A trace as the case froze it: its settings and its endpoints, largest first."""

    title: str
    direction: str
    policy: str
    currency: str
    seed_amount: str
    unexplained_share: str
    omitted_amount: str
    endpoints: tuple[Endpoint, ...]
    settings: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Finding:
    """A screening finding: the name screened, the list entry it resembles, the review."""

    query: str
    matched_name: str
    score: float
    status: str
    note: str
    list_version: str


@dataclass(frozen=True)
class Resolution:
    """Records the resolution merged as one person or company, and the analysts' decisions."""

    names: tuple[str, ...]
    decisions: int


@dataclass(frozen=True)
class Picture:
    """The network around a subject, as drawn when it was added (PNG bytes)."""

    title: str
    subject: str
    hops: int
    nodes: int
    edges: int
    png: bytes | None


@dataclass(frozen=True)
class SourceRow:
    """One line of one source file and what the workspace made of it."""

    file: str
    row: int
    sha256: str
    transactions: tuple[Transaction, ...]
    rejected: int


@dataclass(frozen=True)
class Source:
    """A source file the report relies on, with its fingerprint."""

    path: str
    format: str
    sha256: str
    ingested_at: str


@dataclass(frozen=True)
class Note:
    """An analyst's note, as written."""

    author: str
    at: str
    text: str


@dataclass(frozen=True)
class Task:
    """A task of the case."""

    text: str
    due: str
    status: str
    assignee: str


@dataclass(frozen=True)
class StatusStep:
    """One step of the workflow (who proposed, who approved the dissemination)."""

    from_status: str
    to_status: str
    by: str
    at: str
    reason: str


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence in the index, with the fingerprint of its frozen content."""

    id: int
    kind: str
    title: str
    added_by: str
    added_at: str
    payload_sha256: str
    attachment_sha256: str


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the case's audit trail."""

    seq: int
    at: str
    actor: str
    action: str
    outcome: str
    target: str


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, in the order it shows it."""

    lang: str
    ref: str
    title: str
    summary: str
    status: str
    lead: str
    members: tuple[str, ...]
    created_at: str
    created_by: str
    approved_by: str
    approved_at: str
    generated_at: str
    generated_by: str
    subjects: tuple[Subject, ...] = ()
    alerts: tuple[Alert, ...] = ()
    traces: tuple[Trace, ...] = ()
    findings: tuple[Finding, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    pictures: tuple[Picture, ...] = ()
    source_rows: tuple[SourceRow, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: tuple[Note, ...] = ()
    tasks: tuple[Task, ...] = ()
    history: tuple[StatusStep, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    audit: tuple[AuditEntry, ...] | None = None
    key_transactions: tuple[Transaction, ...] = field(default=())

    @classmethod
    def from_case(
        cls,
        case: Json,
        *,
        lang: str,
        generated_by: str,
        generated_at: str | None = None,
        trail: Iterable[Json] | None = None,
        attachments: Mapping[int, bytes] | None = None,
        sources: Sequence[Json] = (),
        accounts: Mapping[str, str] | None = None,
    ) -> ReportData:
        """The report of ``case`` (its JSON form, as ``case show --json`` prints it).

        ``trail``: the case's audit entries (``None`` when the reader may not see them);
        ``attachments``: picture bytes by evidence id; ``sources``: the workspace's
        ``sources`` records (``id``, ``path``, ``sha256``, ``format``, ``ingested_at``);
        ``accounts``: the number (or name) to show for an account id a source row names.
        """
        pieces: dict[str, list[Json]] = {}
        for item in case.get("evidence", []):
            pieces.setdefault(str(item["kind"]), []).append(item)
        pictures = attachments or {}
        alerts = tuple(_alert(e) for e in pieces.get("alert", []))
        rows = tuple(_source_row(e, accounts or {}) for e in pieces.get("source_row", []))
        key = _key_transactions(alerts, rows)
        return cls(
            lang=lang,
            ref=_s(case.get("ref")),
            title=_s(case.get("title")),
            summary=_s(case.get("summary")),
            status=_s(case.get("status")),
            lead=_s(case.get("lead")),
            members=tuple(str(m) for m in case.get("members", [])),
            created_at=_s(case.get("created_at")),
            created_by=_s(case.get("created_by")),
            approved_by=_s(case.get("approved_by")),
            approved_at=_s(case.get("approved_at")),
            generated_at=generated_at or datetime.now(UTC).isoformat(timespec="seconds"),
            generated_by=generated_by,
            subjects=tuple(_subject(s) for s in case.get("subjects", [])),
            alerts=alerts,
            traces=tuple(_trace(e) for e in pieces.get("trace", [])),
            findings=tuple(_finding(e) for e in pieces.get("screening", [])),
            resolutions=tuple(_resolution(e) for e in pieces.get("resolution", [])),
            pictures=tuple(
                _picture(e, pictures.get(int(e["id"]))) for e in pieces.get("picture", [])
            ),
            source_rows=rows,
            sources=_sources(key, rows, sources),
            notes=tuple(
                Note(_s(n.get("author")), _s(n.get("created_at")), _s(n.get("text")))
                for n in case.get("notes", [])
            ),
            tasks=tuple(
                Task(
                    _s(t.get("text")), _s(t.get("due")), _s(t.get("status")), _s(t.get("assignee"))
                )
                for t in case.get("tasks", [])
            ),
            history=tuple(
                StatusStep(
                    _s(h.get("from_status")),
                    _s(h.get("to_status")),
                    _s(h.get("by")),
                    _s(h.get("at")),
                    _s(h.get("reason")),
                )
                for h in case.get("history", [])
            ),
            evidence=tuple(_evidence_item(e) for e in case.get("evidence", [])),
            audit=None if trail is None else tuple(_audit(a) for a in trail),
            key_transactions=key,
        )


def _subject(item: Json) -> Subject:
    details = item.get("details") or {}
    return Subject(
        label=_s(item.get("label")),
        kind=_s(item.get("kind")),
        accounts=len(details.get("accounts") or []),
        added_by=_s(item.get("added_by")),
        added_at=_s(item.get("added_at")),
    )


def _alert(item: Json) -> Alert:
    p: Json = item.get("payload") or {}
    currency = _s(p.get("currency"))
    return Alert(
        title=_s(item.get("title")),
        typology=_s(p.get("typology_name") or p.get("typology")),
        subject=_s(p.get("subject_label") or p.get("subject_id")),
        score=float(p.get("score") or 0.0),
        text=_s(p.get("text")),
        amount=_s(p.get("amount_reporting")),
        currency=currency,
        window_start=_s(p.get("window_start")),
        window_end=_s(p.get("window_end")),
        transactions=tuple(
            Transaction.from_json(t, currency) for t in p.get("transaction_list") or []
        ),
    )


def _trace(item: Json) -> Trace:
    p: Json = item.get("payload") or {}
    endpoints = tuple(
        Endpoint(
            kind=_s(e.get("kind")),
            account_number=_s(e.get("account_number") or e.get("account_id")),
            amount=_s(e.get("amount")),
            share=_s(e.get("share")),
            paths=int(e.get("paths_total") or len(e.get("paths") or [])),
            country=_s(e.get("country")),
        )
        for e in p.get("endpoints") or []
    )
    settings = p.get("settings") or {}
    return Trace(
        title=_s(item.get("title")),
        direction=_s(p.get("direction")),
        policy=_s(p.get("policy")),
        currency=_s(p.get("currency")),
        seed_amount=_s(p.get("seed_amount")),
        unexplained_share=_s(p.get("unexplained_share")),
        omitted_amount=_s(p.get("endpoints_omitted_amount")),
        endpoints=endpoints,
        settings=tuple((str(k), _s(v)) for k, v in sorted(settings.items()) if _s(v)),
    )


def _finding(item: Json) -> Finding:
    p: Json = item.get("payload") or {}
    return Finding(
        query=_s(p.get("query")),
        matched_name=_s(p.get("matched_name")),
        score=float(p.get("score") or 0.0),
        status=_s(p.get("status")),
        note=_s(p.get("analyst_note")),
        list_version=_s(p.get("version_id")),
    )


def _resolution(item: Json) -> Resolution:
    p: Json = item.get("payload") or {}
    cluster: Json = p.get("cluster") or {}
    return Resolution(
        names=tuple(str(n) for n in cluster.get("names") or []),
        decisions=len(p.get("decisions") or []),
    )


def _picture(item: Json, png: bytes | None) -> Picture:
    p: Json = item.get("payload") or {}
    return Picture(
        title=_s(item.get("title")),
        subject=_s(p.get("subject")),
        hops=int(p.get("hops") or 0),
        nodes=int(p.get("nodes") or 0),
        edges=int(p.get("edges") or 0),
        png=png,
    )


def _source_row(item: Json, accounts: Mapping[str, str]) -> SourceRow:
    p: Json = item.get("payload") or {}
    source: Json = p.get("source") or {}
    records: Json = p.get("records") or {}
    path = _s(source.get("path"))
    sha256 = _s(source.get("sha256"))
    transactions = tuple(
        Transaction.from_json(
            {
                **t,
                "src": accounts.get(_s(t.get("src_account_id"))),
                "dst": accounts.get(_s(t.get("dst_account_id"))),
                "source_id": source.get("id"),
                "source_row": p.get("row"),
            }
        )
        for t in records.get("transactions") or []
    )
    return SourceRow(
        file=path.replace("\\", "/").rsplit("/", 1)[-1],
        row=int(p.get("row") or 0),
        sha256=sha256,
        transactions=transactions,
        rejected=len(records.get("rejected") or []),
    )


def _key_transactions(
    alerts: Sequence[Alert], rows: Sequence[SourceRow]
) -> tuple[Transaction, ...]:
    """The transactions the evidence names, once each, oldest first."""
    seen: dict[str, Transaction] = {}
    for tx in [t for a in alerts for t in a.transactions] + [
        t for r in rows for t in r.transactions
    ]:
        seen.setdefault(tx.id or f"{tx.ts}{tx.amount}", tx)
    return tuple(sorted(seen.values(), key=lambda t: (t.ts, t.id)))


def _sources(
    key: Sequence[Transaction], rows: Sequence[SourceRow], known: Sequence[Json]
) -> tuple[Source, ...]:
    """The source files the evidence relies on, with their full SHA-256: from the source-row
    evidence itself, else from the workspace's records (a source id is a prefix of its
    SHA-256); a source the workspace does not know is listed with its id alone."""
    by_id = {str(s.get("id")): s for s in known}
    wanted: dict[str, Source] = {}
    for row in rows:
        match = next((s for s in known if str(s.get("sha256")) == row.sha256), None)
        wanted[row.sha256] = Source(
            path=row.file if match is None else _s(match.get("path")),
            format="" if match is None else _s(match.get("format")),
            sha256=row.sha256,
            ingested_at="" if match is None else _s(match.get("ingested_at")),
        )
    for tx in key:
        if not tx.source_id or any(s.startswith(tx.source_id) for s in wanted):
            continue
        found = by_id.get(tx.source_id)
        if found is None:
            wanted[tx.source_id] = Source("", "", tx.source_id, "")
        else:
            sha = _s(found.get("sha256"))
            wanted[sha] = Source(
                _s(found.get("path")), _s(found.get("format")), sha, _s(found.get("ingested_at"))
            )
    return tuple(sorted(wanted.values(), key=lambda s: (s.path, s.sha256)))


def _evidence_item(item: Json) -> EvidenceItem:
    return EvidenceItem(
        id=int(item.get("id") or 0),
        kind=_s(item.get("kind")),
        title=_s(item.get("title")),
        added_by=_s(item.get("added_by")),
        added_at=_s(item.get("added_at")),
        payload_sha256=_s(item.get("payload_sha256")),
        attachment_sha256=_s(item.get("attachment_sha256")),
    )


def _audit(entry: Json) -> AuditEntry:
    return AuditEntry(
        seq=int(entry.get("seq") or 0),
        at=_s(entry.get("at")),
        actor=_s(entry.get("actor")),
        action=_s(entry.get("action")),
        outcome=_s(entry.get("outcome")),
        target=_s(entry.get("target")),
    )
