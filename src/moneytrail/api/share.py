"""Cooperation between FIUs from the library: keyring, filters, PSI, packages, each recorded
in the case's audit trail when a case is named (decision 0132, docs/cooperation.md).

Every function takes the keyring folder (``home``; default :func:`default_home`) and, where a
case is concerned, a :class:`CaseLink` (the desk, who acts, the case): the subjects then come
from the case (read through :meth:`CaseDesk.for_export`, audited) and the file made, match run
or package sent/received is written to the case's trail with its SHA-256
(:meth:`CaseDesk.record_export`, purposes ``share.filter``, ``share.match``, ``share.psi``,
``share.package_sent``, ``share.package_received``). No SQL against the case store here.

Example::

    from moneytrail.api import share

    share.keys_init("CENTIF-ML")
    share.keys_add(Path("centif-bf.card.json"))
    made = share.make_filter(Path("enquete"), "CENTIF-BF", Path("ml-bf.mtf"))
    sent = share.make_package([made.path], "CENTIF-BF", Path("envoi.mtp"))
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.share.keyring import Card, Keyring, default_home

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor, CaseDesk
    from moneytrail.share.filters import MatchOutcome
    from moneytrail.share.package import OpenedPackage
    from moneytrail.share.psi import PsiResult
    from moneytrail.share.subject_keys import Subject

__all__ = [
    "Card",
    "CaseLink",
    "FilterMade",
    "KeyringView",
    "PackageSent",
    "PsiStep",
    "default_home",
    "keys_add",
    "keys_export",
    "keys_init",
    "keys_list",
    "make_filter",
    "make_package",
    "match_filter",
    "open_package",
    "psi_finish",
    "psi_reply",
    "psi_start",
]


@dataclass
class CaseLink:
    """The case a cooperation step belongs to: its subjects are shared, its trail records."""

    desk: CaseDesk
    actor: Actor
    ref: str

    def record(self, purpose: str, path: Path, sha256: str, **details: Any) -> None:
        """One line of the case's trail: what was made or received, its file and SHA-256."""
        self.desk.record_export(self.actor, self.ref, purpose, str(path), sha256, **details)


@dataclass
class KeyringView:
    """This FIU's card (None before ``keys init``) and its partners'."""

    home: str
    me: Card | None
    partners: list[Card] = field(default_factory=list)


@dataclass
class FilterMade:
    """A filter written: for whom, of how many subjects and keys, its shape."""

    path: str
    sha256: str
    made_for: str
    subjects: int
    items: int
    identifiers: int
    names: int
    bits: int
    hashes: int
    fp_rate: float
    expected_rate: float
    expires: str


@dataclass
class PsiStep:
    """A PSI message written (round 1 or 2): the file, the session, how many points sent."""

    path: str
    sha256: str
    session: str
    partner: str
    mode: str
    items: int
    received: int = 0


@dataclass
class PackageSent:
    """A package sealed and signed for a partner."""

    path: str
    sha256: str
    id: str
    to: str
    files: list[str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _subjects(workspace: Path, case: CaseLink | None) -> list[Subject]:
    """The case's subjects (when a case is named), else every subject of the workspace."""
    from moneytrail.api.workspace import Workspace
    from moneytrail.share.from_workspace import read_subjects

    with Workspace.open(workspace, read_only=True) as ws:
        if case is None:
            return read_subjects(ws.engine)
        detail = case.desk.for_export(case.actor, case.ref, "share")
        parties: set[str] = set()
        accounts: set[str] = set()
        for subject in detail.subjects:
            (parties if subject.kind == "party" else accounts).add(subject.key)
            parties.update(subject.details.get("parties", []))
            accounts.update(subject.details.get("accounts", []))
        return read_subjects(ws.engine, sorted(parties), sorted(accounts))


# -- keyring -----------------------------------------------------------------------------
def keys_init(fiu: str, home: Path | None = None, replace: bool = False) -> Card:
    """Create this FIU's signing and encryption keys; its public card."""
    return Keyring(home).init(fiu, replace=replace)


def keys_export(out: Path, home: Path | None = None) -> Card:
    """Write this FIU's public card to ``out`` (to hand to a partner)."""
    card = Keyring(home).card()
    card.write(out)
    return card


def keys_add(card_file: Path, home: Path | None = None, replace: bool = False) -> Card:
    """Add a partner's card (check its fingerprint with the partner first)."""
    return Keyring(home).add_partner(Card.read(card_file), replace=replace)


def keys_list(home: Path | None = None) -> KeyringView:
    """This FIU's card and its partners'."""
    ring = Keyring(home)
    me = ring.card() if (ring.home / "identity.json").exists() else None
    return KeyringView(str(ring.home), me, sorted(ring.partners().values(), key=lambda c: c.fiu))


# -- filters -----------------------------------------------------------------------------
def make_filter(
    workspace: Path,
    partner: str,
    out: Path,
    *,
    case: CaseLink | None = None,
    fp_rate: float = 1e-4,
    names: bool = True,
    valid_days: int = 30,
    home: Path | None = None,
) -> FilterMade:
    """A filter of the case's (or workspace's) subjects for ``partner``."""
    from moneytrail.share.filters import build_filter, check_rate, write_filter
    from moneytrail.share.subject_keys import IDENTIFIER, NAME_KEY

    check_rate(fp_rate)
    ring = Keyring(home)
    pair_key = ring.pair_key(partner)
    kinds = (IDENTIFIER, NAME_KEY) if names else (IDENTIFIER,)
    built = build_filter(
        _subjects(workspace, case), pair_key, ring.fiu, partner, fp_rate, kinds, valid_days
    )
    sha = write_filter(out, built, pair_key)
    h = built.header
    made = FilterMade(
        str(out), sha, partner, h["subjects"], h["items"], h["kinds"][IDENTIFIER],
        h["kinds"][NAME_KEY], h["bits"], h["hashes"], fp_rate, h["expected_rate"], h["expires"],
    )  # fmt: skip
    if case is not None:
        case.record("share.filter", out, sha, partner=partner, items=made.items)
    return made


def match_filter(
    path: Path, workspace: Path, *, case: CaseLink | None = None, home: Path | None = None
) -> MatchOutcome:
    """Which of my subjects (the case's, else the workspace's) hit a partner's filter."""
    from moneytrail.share.filters import match_filter as match
    from moneytrail.share.filters import open_filter, read_header

    ring = Keyring(home)
    header, _ = read_header(path)
    sender = str(header.get("made_by"))
    if sender not in ring.partners():
        from moneytrail.share.errors import RefusedFileError

        raise RefusedFileError("unknown_sender", str(path), sender=sender)
    built = open_filter(path, ring.fiu, ring.pair_key(sender))
    outcome = match(built, _subjects(workspace, case))
    if case is not None:
        case.record(
            "share.match", path, _sha256(path), partner=sender,
            tested=outcome.keys_tested, hits=len(outcome.hits),
        )  # fmt: skip
    return outcome


# -- private set intersection ------------------------------------------------------------
def _identifiers(workspace: Path, case: CaseLink | None) -> list[str]:
    from moneytrail.share.subject_keys import identifier_key

    keys = {identifier_key(v) for s in _subjects(workspace, case) for v in s.identifiers}
    return sorted(k for k in keys if k is not None)


def _read_json(path: Path) -> dict[str, Any]:
    from moneytrail.share.errors import RefusedFileError

    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise RefusedFileError("not_psi", str(path)) from exc
    if not isinstance(data, dict):
        raise RefusedFileError("not_psi", str(path))
    return data


def psi_start(
    workspace: Path, partner: str, out: Path, state: Path, *, mode: str = "identify",
    case: CaseLink | None = None, home: Path | None = None,
) -> PsiStep:  # fmt: skip
    """Round 1 (``out``, for the partner) and the private state (``state``, mode 0600)."""
    from moneytrail.share.keyring import write_private
    from moneytrail.share.psi import start

    ring = Keyring(home)
    ring.partner(partner)
    message, secret = start(_identifiers(workspace, case), ring.fiu, partner, mode)
    out.write_text(json.dumps(message), "utf-8")
    write_private(state, json.dumps(secret))
    sha = _sha256(out)
    if case is not None:
        case.record("share.psi", out, sha, partner=partner, step=1, items=len(message["points"]))
    return PsiStep(str(out), sha, message["session"], partner, mode, len(message["points"]))


def psi_reply(
    round1: Path, workspace: Path, out: Path, *, count_only: bool = False,
    max_items: int = 1_000_000, case: CaseLink | None = None, home: Path | None = None,
) -> PsiStep:  # fmt: skip
    """Round 2: the answer to a partner's round 1."""
    from moneytrail.share.errors import RefusedFileError
    from moneytrail.share.psi import reply

    ring = Keyring(home)
    message = _read_json(round1)
    sender = str(message.get("from"))
    if sender not in ring.partners():
        raise RefusedFileError("unknown_sender", str(round1), sender=sender)
    answer = reply(
        message, _identifiers(workspace, case), ring.fiu, file=str(round1),
        count_only=count_only, max_items=max_items,
    )  # fmt: skip
    out.write_text(json.dumps(answer), "utf-8")
    sha = _sha256(out)
    if case is not None:
        case.record("share.psi", out, sha, partner=sender, step=2, received=len(answer["double"]))
    return PsiStep(
        str(out), sha, answer["session"], sender, answer["mode"], len(answer["points"]),
        len(answer["double"]),
    )  # fmt: skip


def psi_finish(
    round2: Path, state: Path, out: Path | None = None, *, case: CaseLink | None = None
) -> PsiResult:
    """The result of a PSI session at the initiator (written to ``out`` as JSON if given)."""
    from moneytrail.share.psi import finish
    from moneytrail.share.serialize import dump_result

    result = finish(_read_json(round2), _read_json(state), file=str(round2), state_file=str(state))
    if out is not None:
        out.write_text(dump_result(result), "utf-8")
    if case is not None:
        case.record(
            "share.psi", round2, _sha256(round2), partner=result.partner, step=3, count=result.count
        )
    return result


# -- packages ----------------------------------------------------------------------------
def make_package(
    files: list[Path], partner: str, out: Path, *, case: CaseLink | None = None,
    home: Path | None = None,
) -> PackageSent:  # fmt: skip
    """Seal ``files`` for ``partner`` and sign them with this FIU's key."""
    from moneytrail.share.package import seal, write_package

    package = seal(Keyring(home), partner, files)
    sha = write_package(out, package)
    names = [p.name for p in files]
    if case is not None:
        case.record("share.package_sent", out, sha, partner=partner, id=package["id"], files=names)
    return PackageSent(str(out), sha, package["id"], partner, names)


def open_package(
    path: Path, out_dir: Path, *, case: CaseLink | None = None, home: Path | None = None,
    max_age_days: int = 90,
) -> OpenedPackage:  # fmt: skip
    """Check and open a partner's package into ``out_dir`` (refused with the reason)."""
    from moneytrail.share.package import open_package as unseal

    opened = unseal(Keyring(home), path, out_dir, max_age_days)
    if case is not None:
        case.record(
            "share.package_received", path, _sha256(path), partner=opened.sender, id=opened.id,
            files=[name for name, _ in opened.files],
        )  # fmt: skip
    return opened
