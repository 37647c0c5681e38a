"""The audit actions people take: verify the chain, sign (and export) checkpoints.

Both go through :func:`moneytrail.cases.guard.acting` like every other action: who may verify
(supervisor, head, reviewer) and who may sign (head) is decided by ``authorize``, and the act
itself is appended to the chain (a verification records what it found).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.cases.audit import VerifyReport, checkpoint, stored_checkpoints, verify
from moneytrail.cases.guard import acting
from moneytrail.cases.signing import (
    generate_key,
    key_location,
    load_signer,
    read_export,
    write_export,
)
from moneytrail.cases.store import now_text
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.cases.signing import AuditSigner
    from moneytrail.cases.store import CaseStore


@dataclass
class CheckpointOutcome:
    """What ``audit checkpoint`` did: the checkpoints signed now, the head covered, the key,
    and the export file written (if asked)."""

    signed: int
    covered_to: int
    key_id: str
    exported_to: str | None


def store_signer(store: CaseStore) -> AuditSigner | None:
    """The signing key of ``store`` if one is configured and exists (see
    :func:`moneytrail.cases.signing.key_location`); ``None`` otherwise."""
    location = key_location(store.url)
    if location is None or not location.path.is_file():
        return None
    return load_signer(location.path)


def verify_chain(store: CaseStore, login: str, trusted: Path | None = None) -> VerifyReport:
    """Walk the chain as ``login``; ``trusted`` is an export whose checkpoints and public key
    take precedence over the database's copies."""
    export = read_export(trusted) if trusted is not None else None
    signer = store.signer
    key = export.public_key if export is not None else (signer.public_key if signer else None)
    with acting(store, login, "audit.verify"):
        pass  # may this user verify? (a refusal is audited there)
    # Read in a snapshot of its own: appenders are not held up by a long walk.
    report = verify(store, trusted=export.checkpoints if export else None, public_key=key)
    with acting(store, login, "audit.verify") as act:
        act.audit(
            details={
                "ok": report.ok,
                "kind": report.kind,
                "first_break": report.first_break,
                "entries": report.entries,
                "trusted_export": str(trusted) if trusted else None,
            }
        )
    return report


def create_key(store: CaseStore, login: str) -> str:
    """Generate the store's signing key (head of unit; never overwrites one); its key id."""
    location = key_location(store.url)
    if location is None:
        raise UsageError("audit.error.no_key_configured")
    with acting(store, login, "audit.checkpoint", target=str(location.path)) as act:
        store.signer = generate_key(location.path)
        act.audit(str(location.path), {"key_id": store.signer.key_id}, action="audit.key")
        return store.signer.key_id


def sign_checkpoints(store: CaseStore, login: str, export: Path | None = None) -> CheckpointOutcome:
    """Sign every entry not yet covered (head of unit) and write every checkpoint with the
    public key to ``export``."""
    with acting(store, login, "audit.checkpoint") as act:
        signer = store.signer
        if signer is None:
            location = key_location(store.url)
            if location is None:
                raise UsageError("audit.error.no_key_configured")
            raise UsageError("audit.error.no_key", path=str(location.path))
        signed = checkpoint(act.session, signer)
        every = stored_checkpoints(act.session)
        covered = every[-1].seq_to if every else 0
        act.audit(details={"signed": len(signed), "covered_to": covered, "key_id": signer.key_id})
    if export is not None:
        write_export(export, every, signer.public_key, now_text())
    return CheckpointOutcome(len(signed), covered, signer.key_id, str(export) if export else None)
