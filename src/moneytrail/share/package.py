"""Signed and encrypted exchange packages between two FIUs.

A package is one JSON file: a header (id, sender, recipient, time), the files sealed for the
recipient (libsodium ``SealedBox``: X25519 + XSalsa20-Poly1305) and an Ed25519 signature of the
sender over the header and the ciphertext. Opening checks, in this order, and refuses with the
reason: the recipient is this FIU (*wrongly addressed*), the sender is a known partner, the
signature holds (*tampered*), the id was never opened before (*replayed*), the package is not
older than ``max_age_days``, the ciphertext opens with this FIU's key, the sealed copy of the
header equals the signed one, and every file's SHA-256 matches.

Why PyNaCl and not age: age encrypts but does not sign (a second tool, minisign, would be
needed), is not in the pinned lock, and PyNaCl's libsodium gives both primitives and the PSI
group operations with one audited C library.

Example::

    pkg = seal(ring, "CENTIF-BF", [Path("ml-pour-bf.mtf")])
    write_package(Path("envoi.mtp"), pkg)
    opened = open_package(ring_bf, Path("envoi.mtp"), Path("recu"))
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from moneytrail.share.errors import RefusedFileError, ShareUsageError
from moneytrail.share.keyring import Keyring, b64, unb64

FORMAT = "moneytrail-share-package"
_HEADER = ("format", "version", "id", "from", "to", "created")


@dataclass
class OpenedPackage:
    """A package opened: who sent it, when, and the files written (name, SHA-256)."""

    id: str
    sender: str
    created: str
    files: list[tuple[str, str]]


def _signed_bytes(package: dict[str, Any]) -> bytes:
    body = {k: package[k] for k in (*_HEADER, "ciphertext")}
    return json.dumps(body, sort_keys=True).encode("utf-8")


def seal(ring: Keyring, partner: str, files: Sequence[Path]) -> dict[str, Any]:
    """A package of ``files`` for ``partner``, signed by this FIU."""
    from nacl.public import PublicKey, SealedBox

    card = ring.partner(partner)
    entries = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ShareUsageError("share.error.unreadable", path=str(path)) from exc
        entries.append(
            {"name": path.name, "sha256": hashlib.sha256(data).hexdigest(), "data": b64(data)}
        )
    header = {
        "format": FORMAT,
        "version": 1,
        "id": uuid.uuid4().hex,
        "from": ring.fiu,
        "to": partner,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    inner = json.dumps({**header, "files": entries}).encode("utf-8")
    package = {
        **header,
        "ciphertext": b64(SealedBox(PublicKey(unb64(card.box_public))).encrypt(inner)),
    }
    package["signature"] = b64(ring.signing_key().sign(_signed_bytes(package)).signature)
    return package


def write_package(path: Path, package: dict[str, Any]) -> str:
    """Write the package file; its SHA-256."""
    data = json.dumps(package, indent=1).encode("utf-8")
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    try:
        package: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if package.get("format") != FORMAT or package.get("version") != 1:
            raise ValueError("format")
        for key in (*_HEADER, "ciphertext", "signature"):
            str(package[key])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RefusedFileError("not_a_package", str(path)) from exc
    return package


def _verified(ring: Keyring, path: Path, package: dict[str, Any], max_age_days: int) -> None:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    file, me = str(path), ring.fiu
    if package["to"] != me:
        raise RefusedFileError("wrong_recipient", file, to=package["to"], me=me)
    sender = str(package["from"])
    if sender not in ring.partners():
        raise RefusedFileError("unknown_sender", file, sender=sender)
    try:
        signature = unb64(str(package["signature"]))
        VerifyKey(unb64(ring.partner(sender).sign_public)).verify(_signed_bytes(package), signature)
    except (BadSignatureError, ValueError) as exc:
        raise RefusedFileError("tampered", file) from exc
    if ring.seen(str(package["id"])):
        raise RefusedFileError("replayed", file, id=package["id"])
    created = datetime.fromisoformat(str(package["created"]))
    if created < datetime.now(UTC) - timedelta(days=max_age_days):
        raise RefusedFileError("stale", file, created=package["created"], days=max_age_days)


def open_package(ring: Keyring, path: Path, out_dir: Path, max_age_days: int = 90) -> OpenedPackage:
    """Check ``path`` (see the module doc), write its files into ``out_dir``, remember its id."""
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox

    package = _read(path)
    _verified(ring, path, package, max_age_days)
    file = str(path)
    try:
        inner = json.loads(SealedBox(ring.box_key()).decrypt(unb64(str(package["ciphertext"]))))
    except (CryptoError, ValueError) as exc:
        raise RefusedFileError("undecryptable", file) from exc
    if any(inner.get(k) != package[k] for k in _HEADER):
        raise RefusedFileError("tampered", file)
    written: list[tuple[str, bytes, str]] = []
    for entry in inner.get("files", []):
        name, data = str(entry["name"]), unb64(str(entry["data"]))
        if Path(name).name != name or name in ("", ".", ".."):
            raise RefusedFileError("bad_file_name", file, name=name)
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise RefusedFileError("tampered", file)
        if (out_dir / name).exists():
            raise ShareUsageError("share.error.would_overwrite", path=str(out_dir / name))
        written.append((name, data, str(entry["sha256"])))
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, data, _ in written:  # all checked first: nothing is written from a bad package
        (out_dir / name).write_bytes(data)
    ring.remember(str(package["id"]))
    return OpenedPackage(
        str(package["id"]), str(package["from"]), str(package["created"]),
        [(name, digest) for name, _, digest in written],
    )  # fmt: skip
