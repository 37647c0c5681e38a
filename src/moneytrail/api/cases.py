"""Cases from the library: the case store seen through one signed-in user.

``CaseDesk`` is what every face calls for users, cases, evidence and the audit trail. It opens
the store of a workspace (``cases.sqlite`` in its folder, or ``$MONEYTRAIL_CASES_URL``), or any
store by URL. Evidence is taken from a workspace by the API's own calls (``ws.alerts.show``,
``ws.trace``, ``ws.network.picture``...) and frozen as the JSON those calls return: the same
JSON ``--json`` prints (decision 0128).

Example::

    from moneytrail.api import Workspace
    from moneytrail.api.cases import CaseDesk

    desk = CaseDesk.for_workspace("enquete")
    awa = desk.login("awa", "un mot de passe long")
    case = desk.new(awa, "Collecte Tombouctou")
    with Workspace.open("enquete", read_only=True) as ws:
        desk.add_alert(awa, case.ref, ws, "3fa2c1d0", lang="fr")
        desk.add_trace(awa, case.ref, ws, Seed(accounts=("+223 76 12 34 56",)))
    desk.set_status(awa, case.ref, "in_analysis")
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail._version import __version__
from moneytrail.cases.evidence import EvidenceInput
from moneytrail.cases.roles import AccessDeniedError, Actor
from moneytrail.cases.service import CaseService
from moneytrail.cases.store import CaseStore, default_url, safe_url
from moneytrail.cases.users import Accounts
from moneytrail.cases.views import (
    AuditLine,
    CaseDetail,
    CaseSummary,
    EvidenceView,
    NoteView,
    StatusView,
    SubjectView,
    TaskView,
    UserView,
)
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.cases.audit import VerifyReport
    from moneytrail.cases.audit_ops import CheckpointOutcome
    from moneytrail.trace.model import Seed, TraceSettings

__all__ = [
    "AccessDeniedError",
    "Actor",
    "AuditLine",
    "AuditTrail",
    "CaseDesk",
    "CaseDetail",
    "CaseList",
    "CaseSummary",
    "EvidenceView",
    "NoteView",
    "StatusView",
    "SubjectView",
    "TaskView",
    "UserList",
    "UserView",
]


@dataclass
class CaseList:
    """The cases a user may read (``case list``)."""

    cases: list[CaseSummary]


@dataclass
class UserList:
    """Every account (``user list``)."""

    users: list[UserView]


@dataclass
class AuditTrail:
    """Who did what on one case, oldest first (``audit show --case``)."""

    case: str
    entries: list[AuditLine]


class CaseDesk:
    """One case store, for the users who sign in to it."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self._accounts = Accounts(store)
        self._cases = CaseService(store)

    @classmethod
    def open(cls, url: str) -> CaseDesk:
        """The store at ``url`` (``sqlite:///…`` or ``postgresql+psycopg://…``), with its
        audit signing key when this machine holds it (checkpoints are then signed as entries
        are appended: see :mod:`moneytrail.cases.signing`)."""
        from moneytrail.cases.audit_ops import store_signer

        store = CaseStore.open(url)
        try:
            store.signer = store_signer(store)
        except BaseException:
            store.close()
            raise
        return cls(store)

    @classmethod
    def for_workspace(cls, path: Path | str, url: str | None = None) -> CaseDesk:
        """The store of the workspace in ``path`` (``url`` overrides where it lives)."""
        folder = Path(path)
        if url is None and not (folder / "workspace.duckdb").is_file():
            raise UsageError("error.workspace_missing", path=str(folder))
        return cls.open(url or default_url(folder))

    @property
    def where(self) -> str:
        """The store's URL, password masked."""
        return safe_url(self.store.url)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> CaseDesk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workspace actions -------------------------------------------------------------
    def permit(self, by: Actor, action: str, target: str | None = None, **details: Any) -> None:
        """Allow ``by`` a global action on the workspace's data (``workspace.read``,
        ``alert.decide``...: see ``cases/data/permissions.yaml``) and audit it, or raise
        :class:`AccessDeniedError` (audited too).

        Why here: the web workbench serves the workspace to many users, each with a role; its
        every route asks this one question, through the one ``authorize()``, and the answer is
        written to the same hash-chained trail as the case actions (decision 0129).
        """
        self.permit_login(by.login, action, target, **details)

    def permit_login(
        self, login: str, action: str, target: str | None = None, **details: Any
    ) -> Actor:
        """:meth:`permit` for the account ``login`` as the store has it now; the account.

        One serialised transaction reads the account, decides and audits: a face that keeps
        only a login (a web session) needs nothing else per request.
        """
        from moneytrail.cases.guard import acting

        with acting(self.store, login, action, target=target) as act:
            act.audit(target=target, details=details or None)
            return act.actor

    @staticmethod
    def allowed(by: Actor, action: str) -> bool:
        """Whether ``by`` may take the global ``action`` (no audit: to show or hide a button;
        the route itself still calls :meth:`permit`)."""
        from moneytrail.cases.roles import authorize

        return authorize(by, action)

    def actor(self, login: str) -> Actor:
        """The account ``login`` as the store has it now (a disabled one is inactive), for a
        face that keeps who signed in (the web session) and must not trust a stale role."""
        from moneytrail.cases.guard import actor_of

        with self.store.reading() as session:
            return actor_of(session, login)

    # -- accounts ----------------------------------------------------------------------
    def account_count(self) -> int:
        """How many accounts the store holds (none: the first must be a head of unit)."""
        return self._accounts.count()

    def login(self, login: str, password: str) -> Actor:
        """The signed-in user, or :class:`AccessDeniedError` (audited)."""
        return self._accounts.authenticate(login, password)

    def add_user(
        self, by: Actor | None, login: str, role: str, display_name: str, password: str
    ) -> UserView:
        """A new account (``by=None`` only for the first one, a head of unit)."""
        return self._accounts.add(by, login, role, display_name, password)

    def users(self, by: Actor) -> UserList:
        """Every account."""
        return UserList(self._accounts.list(by))

    def assignable(self, by: Actor) -> UserList:
        """Active analysts, supervisors and heads, to give an alert or a case to (needs
        ``alert.assign``: supervisors and heads)."""
        return UserList(self._accounts.assignable(by))

    def disable_user(self, by: Actor, login: str) -> UserView:
        """Disable ``login``: they can no longer sign in or act; their past stays."""
        return self._accounts.set_active(by, login, False)

    def enable_user(self, by: Actor, login: str) -> UserView:
        """Enable ``login`` again."""
        return self._accounts.set_active(by, login, True)

    # -- cases -------------------------------------------------------------------------
    def new(self, by: Actor, title: str, summary: str = "", workspace: str = "") -> CaseDetail:
        """Open a case; its creator is its first member and lead."""
        return self._cases.create(by.login, title, summary, workspace)

    def list(self, by: Actor, status: str | None = None) -> CaseList:
        """The cases ``by`` may read."""
        return CaseList(self._cases.list_cases(by.login, status))

    def show(self, by: Actor, ref: str) -> CaseDetail:
        """A whole case (the read is audited)."""
        return self._cases.show(by.login, ref)

    def assign(
        self, by: Actor, ref: str, member: str, *, lead: bool = False, remove: bool = False
    ) -> CaseDetail:
        """Add (or remove) a member; ``lead`` makes them the case's lead."""
        return self._cases.assign(by.login, ref, member, lead=lead, remove=remove)

    def note(self, by: Actor, ref: str, text: str) -> int:
        """Add a note; returns its number."""
        return self._cases.note(by.login, ref, text)

    def add_task(
        self, by: Actor, ref: str, text: str, due: str | None = None, assignee: str | None = None
    ) -> TaskView:
        """A task, due by ``due`` (``YYYY-MM-DD``)."""
        return self._cases.add_task(by.login, ref, text, due, assignee)

    def complete_task(self, by: Actor, ref: str, task_id: int) -> TaskView:
        """Mark a task done."""
        return self._cases.complete_task(by.login, ref, task_id)

    def set_status(self, by: Actor, ref: str, to: str, reason: str = "") -> CaseDetail:
        """One step of the workflow (see :data:`moneytrail.cases.service.TRANSITIONS`)."""
        return self._cases.change_status(by.login, ref, to, reason)

    def for_export(self, by: Actor, ref: str, purpose: str) -> CaseDetail:
        """The whole case, read to produce a document from it (``purpose``: ``goaml`` or
        ``report``); needs the ``case.export`` permission; audited."""
        return self._cases.for_export(by.login, ref, purpose)

    def record_export(
        self, by: Actor, ref: str, purpose: str, path: str, sha256: str, **details: Any
    ) -> None:
        """Write to the case's trail that a document was produced: its path and SHA-256."""
        self._cases.record_export(by.login, ref, purpose, path, sha256, details)

    def attachment(self, by: Actor, ref: str, evidence_id: int) -> tuple[bytes, str]:
        """The bytes and media type of a piece of evidence's attachment (a network picture)."""
        return self._cases.attachment(by.login, ref, evidence_id)

    def trail(self, by: Actor, ref: str) -> AuditTrail:
        """Who did what on the case (reading it is audited too)."""
        lines = self._cases.trail(by.login, ref)
        return AuditTrail(ref, lines)

    # -- the audit chain ----------------------------------------------------------------
    def verify(self, by: Actor, trusted: Path | str | None = None) -> VerifyReport:
        """Walk the whole chain; ``trusted`` is an export of checkpoints kept elsewhere."""
        from moneytrail.cases.audit_ops import verify_chain

        return verify_chain(self.store, by.login, Path(trusted) if trusted else None)

    def create_key(self, by: Actor) -> str:
        """Generate the store's checkpoint signing key (head of unit); its key id."""
        from moneytrail.cases.audit_ops import create_key

        return create_key(self.store, by.login)

    def checkpoint(self, by: Actor, export: Path | str | None = None) -> CheckpointOutcome:
        """Sign every entry not yet covered; write every checkpoint to ``export``."""
        from moneytrail.cases.audit_ops import sign_checkpoints

        return sign_checkpoints(self.store, by.login, Path(export) if export else None)

    # -- subjects and evidence from a workspace --------------------------------------
    def _may_add(self, by: Actor, ref: str) -> None:
        """Refuse (audited) before the workspace is read: someone who may not add to the case
        must learn nothing of the workspace from the answer (a name found or not) and must
        not make the server trace for them."""
        from moneytrail.cases.guard import acting

        with acting(self.store, by.login, "case.add", case_ref=ref):
            pass

    def add_subject(self, by: Actor, ref: str, ws: Workspace, text: str) -> SubjectView:
        """Put the account or party ``text`` names (any written form) under analysis."""
        from moneytrail.subjects import subject

        self._may_add(by, ref)
        found = subject(ws.engine, text, need_accounts=False)
        if found.kind == "party" and found.party_ids:
            key, kind = found.party_ids[0], "party"
        else:
            key, kind = found.account_ids[0], "account"
        details = {"accounts": list(found.account_ids), "parties": list(found.party_ids)}
        return self._cases.add_subject(by.login, ref, kind, key, text, details)

    def add_alert(
        self, by: Actor, ref: str, ws: Workspace, alert_id: str, lang: str
    ) -> EvidenceView:
        """Freeze an alert with its explanation (in ``lang``) and its transactions."""
        self._may_add(by, ref)
        alert = ws.alerts.show(alert_id, lang=lang)
        title = f"{alert.typology_name} — {alert.subject_label or alert.subject_id}"
        settings = {"detector": alert.detector, "version": alert.detector_version}
        return self._evidence(by, ref, ws, "alert", alert.id, title, alert, lang, settings)

    def add_trace(
        self,
        by: Actor,
        ref: str,
        ws: Workspace,
        seed: Seed,
        settings: TraceSettings | None = None,
        lang: str = "fr",
    ) -> EvidenceView:
        """Run a trace now and freeze its settings and result."""
        self._may_add(by, ref)
        result = ws.trace(seed, settings)
        names = [*seed.accounts, *([seed.party] if seed.party else []), *seed.transactions]
        label = ", ".join(names) or str(seed.amount)
        title = f"trace {result.policy.value} {result.direction.value}: {label}"
        return self._evidence(by, ref, ws, "trace", label, title, result, lang, result.settings)

    def add_screening(
        self, by: Actor, ref: str, ws: Workspace, finding: str, lang: str = "fr"
    ) -> EvidenceView:
        """Freeze a screening finding (its id or a unique prefix of 6 characters or more)."""
        self._may_add(by, ref)
        found = [m for m in ws.screening.matches().matches if m.id.startswith(finding)]
        if len(finding) < 6 or len(found) != 1:
            raise UsageError("cases.error.unknown_finding", finding=finding, count=len(found))
        match = found[0]
        title = f"{match.query} ~ {match.matched_name} ({match.score:.2f})"
        settings = {"list_version": match.version_id, "entry": match.entry_id}
        return self._evidence(by, ref, ws, "screening", match.id, title, match, lang, settings)

    def add_picture(
        self, by: Actor, ref: str, ws: Workspace, text: str, hops: int = 2, lang: str = "fr"
    ) -> EvidenceView:
        """Draw the network around ``text`` now and freeze the picture (PNG) with its figures."""
        self._may_add(by, ref)
        with tempfile.TemporaryDirectory(prefix="moneytrail-picture-") as folder:
            out = Path(folder) / "network.png"
            picture = ws.network.picture(text, out, hops, lang=lang)
            data = out.read_bytes()
        title = f"network: {text} ({hops} hops)"
        facts = {"subject": text, "hops": hops, "nodes": picture.nodes, "edges": picture.edges}
        return self._evidence(
            by, ref, ws, "picture", text, title, facts, lang, {"hops": str(hops)}, data, "image/png"
        )

    def add_resolution(
        self, by: Actor, ref: str, ws: Workspace, party: str, lang: str = "fr"
    ) -> EvidenceView:
        """Freeze the resolution cluster holding ``party`` (id or name) and the analysts'
        decisions about its members."""
        from moneytrail.subjects import subject

        self._may_add(by, ref)
        parties = set(subject(ws.engine, party, need_accounts=False).party_ids)
        cluster = next(
            (c for c in ws.resolution.clusters().clusters if parties & set(c.parties)), None
        )
        if cluster is None:
            raise UsageError("cases.error.no_cluster", party=party)
        members = set(cluster.parties)
        decisions = [
            d
            for d in ws.resolution.history().decisions
            if d.left_id in members or d.right_id in members
        ]
        title = f"resolution: {' = '.join(cluster.names[:4])}"
        payload = {"cluster": cluster, "decisions": decisions}
        return self._evidence(
            by, ref, ws, "resolution", cluster.cluster_id, title, payload, lang, {}
        )

    def add_source_row(
        self, by: Actor, ref: str, ws: Workspace, sha256: str, row: int, lang: str = "fr"
    ) -> EvidenceView:
        """Freeze what the workspace made of one row of one source file (by SHA-256, a prefix
        of 12 hex characters or more), with the file's record."""
        self._may_add(by, ref)
        source, facts = _source_row(ws, sha256, row)
        title = f"{Path(str(source['path'])).name}:{row}"
        settings = {"sha256": str(source["sha256"]), "row": str(row)}
        payload = {"source": source, "row": row, "records": facts}
        return self._evidence(
            by, ref, ws, "source_row", f"{source['sha256']}:{row}", title, payload, lang, settings
        )

    def _evidence(
        self,
        by: Actor,
        ref: str,
        ws: Workspace,
        kind: str,
        reference: str,
        title: str,
        value: Any,
        lang: str,
        settings: dict[str, str],
        attachment: bytes | None = None,
        media_type: str | None = None,
    ) -> EvidenceView:
        from moneytrail.api.serialize import to_jsonable

        provenance = {
            "workspace": str(ws.path.resolve()),
            "code_version": __version__,
            "schema_version": ws.info().schema_version,
            "settings": settings,
            "lang": lang,
        }
        item = EvidenceInput(
            kind, reference, title, provenance, to_jsonable(value, lang), attachment, media_type
        )
        return self._cases.add_evidence(by.login, ref, item)


def _source_row(ws: Workspace, sha256: str, row: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``sources`` record whose SHA-256 starts with ``sha256`` and the canonical rows made
    from its line ``row`` (transactions, and the rejection if the line was refused)."""
    prefix = sha256.strip().lower()
    if len(prefix) < 12 or any(c not in "0123456789abcdef" for c in prefix):
        raise UsageError("cases.error.bad_sha256", sha256=sha256)
    columns = ["id", "path", "sha256", "size_bytes", "format", "ingested_at", "code_version"]
    found = ws.engine.fetchall(
        # Column names are this function's constants; the prefix is checked hex, and bound.
        f"SELECT {', '.join(columns)} FROM sources WHERE sha256 LIKE ?",  # noqa: S608
        [prefix + "%"],
    )
    if len(found) != 1:
        raise UsageError("cases.error.unknown_source", sha256=sha256, count=len(found))
    source = dict(zip(columns, found[0], strict=True))
    tx_columns = ["id", "ext_id", "ts", "src_account_id", "dst_account_id", "amount", "currency"]
    tx_columns += ["channel", "reference"]
    txs = ws.engine.fetchall(
        f"SELECT {', '.join(tx_columns)} FROM transactions"  # noqa: S608
        " WHERE source_id = ? AND source_row = ? ORDER BY id",
        [source["id"], row],
    )
    rejected = ws.engine.fetchall(
        "SELECT field, raw_value, code, detail FROM quarantine WHERE source_id = ? AND line = ?",
        [source["id"], row],
    )
    if not txs and not rejected:
        raise UsageError("cases.error.unknown_source_row", sha256=sha256, row=row)
    facts = {
        "transactions": [dict(zip(tx_columns, t, strict=True)) for t in txs],
        "rejected": [
            dict(zip(["field", "raw_value", "code", "detail"], r, strict=True)) for r in rejected
        ],
    }
    return source, facts
