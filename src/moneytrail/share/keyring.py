"""This FIU's keys and its partners' public keys, in a local folder.

Layout of the keyring folder (default ``$MONEYTRAIL_SHARE_HOME``, else
``$XDG_CONFIG_HOME/moneytrail/share``, else ``~/.config/moneytrail/share``; mode 0700):

* ``identity.json`` (mode 0600): this FIU's name, its Ed25519 signing key and its X25519
  encryption key;
* ``partners.json``: each partner's name, public keys and fingerprint, as its *card* gave them;
* ``seen.txt``: ids of the packages already opened (refusing a replay).

Why X25519 keys double as the pair secret: once two FIUs hold each other's card, each derives
the same 32-byte **pair key** from its own secret and the other's public key (X25519, then
BLAKE2b over both names), with nothing more to send; a third party holding both cards cannot.
Filters are keyed with it. A card's fingerprint is read aloud (phone, meeting) to make sure the
card came from the partner (docs/cooperation.md, "setting up a channel").

Example::

    ring = Keyring(folder)
    me = ring.init("CENTIF-ML")
    ring.add_partner(Card.read(Path("centif-bf.card.json")))
    key = ring.pair_key("CENTIF-BF")
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moneytrail.share.errors import RefusedFileError, ShareUsageError

CARD_FORMAT = "moneytrail-share-card"
_FIU_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")


def b64(data: bytes) -> str:
    """Bytes as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Standard base64 text as bytes (ValueError when it is not)."""
    return base64.b64decode(text.encode("ascii"), validate=True)


def default_home() -> Path:
    """Where the keyring lives when no folder is given (see the module doc)."""
    env = os.environ.get("MONEYTRAIL_SHARE_HOME")
    if env:
        return Path(env)
    config = os.environ.get("XDG_CONFIG_HOME")
    return (Path(config) if config else Path.home() / ".config") / "moneytrail" / "share"


def fingerprint(sign_public: bytes, box_public: bytes) -> str:
    """Twenty hex digits in groups of four: what two FIUs read to each other."""
    digest = hashlib.blake2b(sign_public + box_public, digest_size=10).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def check_name(name: str) -> str:
    """``name`` if it is a valid FIU name (letters, digits, ``.-_``), else a usage error."""
    if not _FIU_NAME.match(name):
        raise ShareUsageError("share.error.bad_fiu_name", name=name)
    return name


@dataclass(frozen=True)
class Card:
    """An FIU's public keys: what it hands to a partner."""

    fiu: str
    sign_public: str
    box_public: str
    fingerprint: str

    @classmethod
    def read(cls, path: Path) -> Card:
        """A card file, refused with a reason if it is not one or its fingerprint is wrong."""
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != CARD_FORMAT:
                raise ValueError("format")
            card = cls(
                check_name(str(data["fiu"])),
                str(data["sign_public"]),
                str(data["box_public"]),
                str(data["fingerprint"]),
            )
            sign, box = unb64(card.sign_public), unb64(card.box_public)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RefusedFileError("not_a_card", str(path), detail=str(exc)) from exc
        if len(sign) != 32 or len(box) != 32 or fingerprint(sign, box) != card.fingerprint:
            raise RefusedFileError("card_fingerprint", str(path))
        return card

    def write(self, path: Path) -> None:
        """Write the card (public: no secret in it)."""
        path.write_text(json.dumps({"format": CARD_FORMAT, **asdict(self)}, indent=2), "utf-8")


class Keyring:
    """The keyring folder (see the module doc)."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or default_home()

    @property
    def _identity_path(self) -> Path:
        return self.home / "identity.json"

    @property
    def _partners_path(self) -> Path:
        return self.home / "partners.json"

    def init(self, fiu: str, *, replace: bool = False) -> Card:
        """Create this FIU's keys (refused if they exist, unless ``replace``)."""
        from nacl.public import PrivateKey
        from nacl.signing import SigningKey

        check_name(fiu)
        if self._identity_path.exists() and not replace:
            raise ShareUsageError("share.error.identity_exists", path=str(self._identity_path))
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)
        sign, box = SigningKey.generate(), PrivateKey.generate()
        identity = {
            "format": "moneytrail-share-identity",
            "fiu": fiu,
            "sign_secret": b64(bytes(sign)),
            "box_secret": b64(bytes(box)),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        write_private(self._identity_path, json.dumps(identity, indent=2))
        return self.card()

    def _identity(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._identity_path.read_text("utf-8"))
        except FileNotFoundError:
            raise ShareUsageError("share.error.no_identity", path=str(self.home)) from None
        return data

    @property
    def fiu(self) -> str:
        """This FIU's name."""
        return str(self._identity()["fiu"])

    def signing_key(self) -> Any:
        """This FIU's Ed25519 signing key (``nacl.signing.SigningKey``)."""
        from nacl.signing import SigningKey

        return SigningKey(unb64(self._identity()["sign_secret"]))

    def box_key(self) -> Any:
        """This FIU's X25519 private key (``nacl.public.PrivateKey``)."""
        from nacl.public import PrivateKey

        return PrivateKey(unb64(self._identity()["box_secret"]))

    def card(self) -> Card:
        """This FIU's public card."""
        sign = bytes(self.signing_key().verify_key)
        box = bytes(self.box_key().public_key)
        return Card(self.fiu, b64(sign), b64(box), fingerprint(sign, box))

    def partners(self) -> dict[str, Card]:
        """The partners known, by name."""
        if not self._partners_path.exists():
            return {}
        data = json.loads(self._partners_path.read_text("utf-8"))
        return {name: Card(**card) for name, card in data.get("partners", {}).items()}

    def add_partner(self, card: Card, *, replace: bool = False) -> Card:
        """Record a partner's card (a changed card for a known partner needs ``replace``:
        new keys are either a rotation the partner announced or an impostor)."""
        known = self.partners()
        if card.fiu == self.fiu:
            raise ShareUsageError("share.error.own_card", fiu=card.fiu)
        old = known.get(card.fiu)
        if old is not None and old != card and not replace:
            raise ShareUsageError("share.error.partner_changed", fiu=card.fiu)
        known[card.fiu] = card
        body = {"partners": {name: asdict(c) for name, c in sorted(known.items())}}
        write_private(self._partners_path, json.dumps(body, indent=2))
        return card

    def partner(self, name: str) -> Card:
        """The card of partner ``name`` (a usage error naming the known ones otherwise)."""
        known = self.partners()
        if name not in known:
            raise ShareUsageError(
                "share.error.unknown_partner", fiu=name, known=", ".join(sorted(known)) or "-"
            )
        return known[name]

    def pair_key(self, partner: str) -> bytes:
        """The secret this FIU and ``partner`` both derive (see the module doc)."""
        from nacl.public import Box, PublicKey

        card = self.partner(partner)
        shared = Box(self.box_key(), PublicKey(unb64(card.box_public))).shared_key()
        names = "|".join(sorted([self.fiu, partner])).encode("utf-8")
        return hashlib.blake2b(shared + b"|" + names, person=b"mt-pair-v1", digest_size=32).digest()

    # -- replay protection --------------------------------------------------------------
    def seen(self, package_id: str) -> bool:
        """Whether a package with this id was opened before."""
        path = self.home / "seen.txt"
        return path.exists() and package_id in path.read_text("utf-8").split()

    def remember(self, package_id: str) -> None:
        """Record an opened package's id."""
        with (self.home / "seen.txt").open("a", encoding="utf-8") as handle:
            handle.write(package_id + "\n")


def key_id(pair_key: bytes) -> str:
    """A short public tag of a pair key: tells "made with another key" from "no hit"."""
    return hashlib.blake2b(b"key-id", key=pair_key, digest_size=8).hexdigest()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600), replaced atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    tmp.chmod(0o600)
    tmp.replace(path)
