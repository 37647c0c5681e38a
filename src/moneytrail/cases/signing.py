"""Ed25519 keys that sign the audit chain's checkpoints, and the checkpoint export file.

Why signatures on top of the hash chain: an administrator who can edit rows can also recompute
every hash after the row he edited, and the chain alone would look intact. A checkpoint is a
signed statement "entries ``seq_from``..``seq_to`` had exactly these hashes"; recomputing the
chain without the private key cannot produce a valid signature, and checkpoints exported to a
file outside the database (:func:`write_export`) survive even someone who holds the key later.

Where the private key lives (:func:`key_location`), never inside the database:

1. ``$MONEYTRAIL_AUDIT_KEY`` when set: a path readable only by the account that runs
   moneytrail (the service account of a team server). This is the separation of duties that
   makes signatures worth having: the database administrator can edit rows but cannot read
   the key, so a recomputed chain is caught by the signed checkpoints.
2. Else, for a SQLite store, ``<store file>.audit-key`` beside it (mode 0600). This protects
   against edits made through SQL alone (a database browser, a copy of the database file
   taken without its folder) and, once checkpoints are exported elsewhere, against anyone for
   the entries they cover. It does NOT protect against someone who can read that folder
   *before* checkpoints are exported: he can re-sign a recomputed chain. Export checkpoints
   (``moneytrail audit checkpoint --export FILE``) to a place he cannot write.
3. Else (a PostgreSQL store without the variable) no key: the chain is kept, no checkpoint is
   signed, and ``audit verify`` says so.

Example::

    location = key_location("sqlite:///enquete/cases.sqlite")
    signer = generate_key(location.path)          # once, by the administrator
    signer = load_signer(location.path)           # by every process that appends
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from moneytrail.errors import UsageError
from moneytrail.files.outputs import ProtectedPaths, atomic_output, machine_refused

KEY_VARIABLE = "MONEYTRAIL_AUDIT_KEY"
KEY_SUFFIX = ".audit-key"
EXPORT_FORMAT = "moneytrail-audit-checkpoints"
EXPORT_VERSION = 1
_CHECKPOINT_DOMAIN = "moneytrail-audit-checkpoint-v1"
HASH_BYTES = 32

KeySource = Literal["environment", "beside_store", "explicit"]


@dataclass(frozen=True)
class KeyLocation:
    """Where the signing key of a store is, and why there (``source``)."""

    path: Path
    source: KeySource


def key_location(store_url: str, environ: dict[str, str] | None = None) -> KeyLocation | None:
    """The signing key's place for the store at ``store_url`` (see the module docstring);
    ``None`` when none is configured (a PostgreSQL store without ``$MONEYTRAIL_AUDIT_KEY``).

    >>> key_location("sqlite:////srv/cases.sqlite", environ={}).path.as_posix()
    '/srv/cases.sqlite.audit-key'
    >>> key_location("postgresql+psycopg://db/cases", environ={}) is None
    True
    """
    env = os.environ if environ is None else environ
    configured = env.get(KEY_VARIABLE, "").strip()
    if configured:
        return KeyLocation(Path(configured).expanduser(), "environment")
    from sqlalchemy.engine import make_url

    url = make_url(store_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return KeyLocation(database.with_name(database.name + KEY_SUFFIX), "beside_store")
    return None


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key: what a checkpoint names its signer by."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as a plain value (from the database or from an export file).

    ``window_hashes`` is the concatenation of the 32-byte entry hashes of ``seq_from``..
    ``seq_to``; ``head_hash`` is the last of them, in hex.
    """

    seq_from: int
    seq_to: int
    head_hash: str
    window_hashes: bytes
    signed_at: str
    key_id: str
    signature: bytes

    def window_hash(self, seq: int) -> str:
        """The signed hash (hex) of entry ``seq`` (which must lie in the window)."""
        start = (seq - self.seq_from) * HASH_BYTES
        return self.window_hashes[start : start + HASH_BYTES].hex()

    def well_formed(self) -> bool:
        """Window length, head and bounds agree with each other."""
        count = self.seq_to - self.seq_from + 1
        return (
            count >= 1
            and self.seq_from >= 1
            and len(self.window_hashes) == count * HASH_BYTES
            and self.window_hashes[-HASH_BYTES:].hex() == self.head_hash
        )


def canonical_checkpoint(
    seq_from: int, seq_to: int, head_hash: str, window_hashes: bytes, signed_at: str, key_id: str
) -> bytes:
    """The bytes a checkpoint's signature covers: every other column, the window by digest.

    >>> canonical_checkpoint(1, 1, "ab", b"", "t", "k")[:40]
    b'["moneytrail-audit-checkpoint-v1",1,1,"a'
    """
    statement = [
        _CHECKPOINT_DOMAIN,
        seq_from,
        seq_to,
        head_hash,
        hashlib.sha256(window_hashes).hexdigest(),
        signed_at,
        key_id,
    ]
    return json.dumps(statement, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class AuditSigner:
    """A loaded private key; pass it to :func:`moneytrail.cases.audit.append` to sign."""

    private_key: Ed25519PrivateKey
    key_id: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The matching public key (what verifiers need)."""
        return self.private_key.public_key()

    def sign(self, seq_from: int, seq_to: int, window_hashes: bytes, signed_at: str) -> Checkpoint:
        """A checkpoint over ``window_hashes`` (entries ``seq_from``..``seq_to``)."""
        head = window_hashes[-HASH_BYTES:].hex()
        payload = canonical_checkpoint(
            seq_from, seq_to, head, window_hashes, signed_at, self.key_id
        )
        return Checkpoint(
            seq_from=seq_from,
            seq_to=seq_to,
            head_hash=head,
            window_hashes=window_hashes,
            signed_at=signed_at,
            key_id=self.key_id,
            signature=self.private_key.sign(payload),
        )


@dataclass(frozen=True)
class KeyRing:
    """The public keys a verifier trusts, by key id (several after a key was replaced)."""

    keys: dict[str, Ed25519PublicKey]

    @classmethod
    def of(cls, keys: Ed25519PublicKey | Iterable[Ed25519PublicKey] | None) -> KeyRing:
        """A ring from one key, several, or none."""
        if keys is None:
            return cls({})
        if isinstance(keys, Ed25519PublicKey):
            keys = [keys]
        return cls({key_id_of(key): key for key in keys})

    def valid(self, checkpoint: Checkpoint) -> bool:
        """The checkpoint is well formed and signed by one of these keys."""
        key = self.keys.get(checkpoint.key_id)
        if key is None or not checkpoint.well_formed():
            return False
        payload = canonical_checkpoint(
            checkpoint.seq_from,
            checkpoint.seq_to,
            checkpoint.head_hash,
            checkpoint.window_hashes,
            checkpoint.signed_at,
            checkpoint.key_id,
        )
        try:
            key.verify(checkpoint.signature, payload)
        except InvalidSignature:
            return False
        return True


def generate_key(path: Path) -> AuditSigner:
    """Create a new private key in ``path`` (PEM, mode 0600) and return it loaded.

    An existing file is never overwritten (its checkpoints would become unverifiable): the
    key is written under a temporary name and hard-linked into place, which fails if the
    target appeared meanwhile; a kill leaves no half-written key.
    """
    path = Path(path)
    if path.exists():
        raise UsageError("audit.error.key_exists", path=str(path))
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(handle, pem)
            os.fsync(handle)
        finally:
            os.close(handle)
        try:
            os.link(part, path)
        except FileExistsError:
            raise UsageError("audit.error.key_exists", path=str(path)) from None
        _fsync_folder(path.parent)
    except OSError as exc:
        raise machine_refused(exc, path) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
    return AuditSigner(private_key, key_id_of(private_key.public_key()))


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def load_signer(path: Path) -> AuditSigner:
    """Load the private key in ``path``; refuse a missing, unreadable, foreign or
    world-readable one (a key others can read signs nothing worth trusting)."""
    path = Path(path)
    try:
        info = path.stat()
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError("audit.error.no_key", path=str(path)) from None
    except OSError as exc:
        raise UsageError("audit.error.bad_key", path=str(path), detail=str(exc)) from exc
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError("audit.error.key_too_open", path=str(path), mode=oct(info.st_mode & 0o777))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise UsageError("audit.error.bad_key", path=str(path), detail=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError("audit.error.bad_key", path=str(path), detail=type(key).__name__)
    return AuditSigner(key, key_id_of(key.public_key()))


@dataclass(frozen=True)
class CheckpointExport:
    """The content of an export file: the signer's public key and the checkpoints."""

    public_key: Ed25519PublicKey
    key_id: str
    exported_at: str
    checkpoints: tuple[Checkpoint, ...]


def write_export(
    path: Path,
    checkpoints: Sequence[Checkpoint],
    public_key: Ed25519PublicKey,
    exported_at: str,
    protected: ProtectedPaths | None = None,
) -> None:
    """Write ``checkpoints`` and ``public_key`` to ``path`` (JSON, atomically).

    Keep the file where the database's administrator cannot write (another machine, a
    signed e-mail, paper for the key id): it is what ``audit verify --trusted`` compares to.
    """
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": exported_at,
        "public_key": base64.b64encode(_raw_public(public_key)).decode("ascii"),
        "key_id": key_id_of(public_key),
        "checkpoints": [
            {
                "seq_from": cp.seq_from,
                "seq_to": cp.seq_to,
                "head_hash": cp.head_hash,
                "window_hashes": base64.b64encode(cp.window_hashes).decode("ascii"),
                "signed_at": cp.signed_at,
                "key_id": cp.key_id,
                "signature": base64.b64encode(cp.signature).decode("ascii"),
            }
            for cp in checkpoints
        ],
    }
    with atomic_output(Path(path), protected) as part:
        part.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")


def read_export(path: Path) -> CheckpointExport:
    """Read a file written by :func:`write_export`; a malformed one is refused whole."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("audit.error.export_missing", path=str(path)) from None
    except (OSError, ValueError) as exc:
        raise UsageError("audit.error.bad_export", path=str(path), detail=str(exc)) from exc
    try:
        if document.get("format") != EXPORT_FORMAT or document.get("version") != EXPORT_VERSION:
            raise ValueError(f"not a {EXPORT_FORMAT} version {EXPORT_VERSION} file")
        public_key = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(document["public_key"], validate=True)
        )
        checkpoints = tuple(
            Checkpoint(
                seq_from=_int(item["seq_from"]),
                seq_to=_int(item["seq_to"]),
                head_hash=str(item["head_hash"]),
                window_hashes=base64.b64decode(item["window_hashes"], validate=True),
                signed_at=str(item["signed_at"]),
                key_id=str(item["key_id"]),
                signature=base64.b64decode(item["signature"], validate=True),
            )
            for item in document["checkpoints"]
        )
        exported_at = str(document["exported_at"])
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error) as exc:
        raise UsageError("audit.error.bad_export", path=str(path), detail=str(exc)) from exc
    return CheckpointExport(public_key, key_id_of(public_key), exported_at, checkpoints)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return value
