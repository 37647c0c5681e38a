"""Exact private set intersection of identifiers: Diffie-Hellman PSI, three files.

Why this protocol: each FIU raises hashed identifiers to a secret exponent; since exponents
commute, ``H(x)^(ab)`` is equal on both sides exactly when the identifiers are, and without an
exponent nobody can go back from a point to an identifier or test a guess. The parties are
offline from each other, so each round is a file (:func:`start`, :func:`reply`, :func:`finish`):

1. the *initiator* A sends ``H(x)^a`` for each of its identifiers, shuffled (``round1``) and
   keeps ``a`` and the order in a private state file;
2. the *responder* B sends back ``(H(x)^a)^b`` in A's order and its own ``H(y)^b`` shuffled
   (``round2``); in **count** mode B shuffles the first list too;
3. A computes ``(H(y)^b)^a`` and compares: in identify mode it learns which of *its own*
   identifiers B holds; in count mode only how many. B learns the size of A's list, nothing else.

The group: PyNaCl 1.6.2 exposes no ristretto255 functions, so the prime-order subgroup of
Ed25519 is used through libsodium's ``crypto_core_ed25519_from_uniform`` (Elligator 2, cofactor
cleared), ``crypto_scalarmult_ed25519_noclamp`` (the whole scalar, so exponents commute) and
``crypto_core_ed25519_is_valid_point`` on every point received (on the curve, in the main
subgroup, not of small order): the same security as ristretto255 for this use.
Hashing includes a random per-session value, so two sessions' points cannot be linked.
Assumption (named): both parties are honest-but-curious; a responder that answers with the
wrong exponent is caught by nothing here except a result that does not add up.

Damage: every message and private state carries the SHA-256 of the rest of its content
(:func:`seal`), checked before a point or an identifier is used. Without it one byte changed in
transit could leave a valid group point (about one flip in 80 did) and the intersection would
silently lose a match, and a changed digit of an identifier in the state would be reported as
matched under the wrong number. The digest is no signature: whoever edits a file can recompute
it; it catches damage, not forgery (the protocol's assumption above stands).

Example::

    r1, state = start(["22376123456"], "CENTIF-ML", "CENTIF-BF", mode="identify")
    r2 = reply(r1, ["22376123456", "22670000000"], "CENTIF-BF")
    finish(r2, state).matched       # -> ["22376123456"]
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from moneytrail.share.errors import RefusedFileError, ShareUsageError
from moneytrail.share.keyring import b64, unb64

FORMAT = "moneytrail-share-psi"
MODES = ("identify", "count")
Progress = Callable[[float, float], None]


def _secret() -> bytes:
    from nacl.bindings import crypto_core_ed25519_scalar_reduce

    while True:
        scalar = crypto_core_ed25519_scalar_reduce(os.urandom(64))
        if any(scalar):
            return scalar


def _hash_points(values: Sequence[str], session: bytes) -> list[bytes]:
    from nacl.bindings import crypto_core_ed25519_from_uniform

    return [
        crypto_core_ed25519_from_uniform(
            hashlib.blake2b(
                v.encode("utf-8"), key=session, person=b"mt-psi-v1", digest_size=32
            ).digest()
        )
        for v in values
    ]


def _raise(points: Sequence[bytes], scalar: bytes, on_progress: Progress | None) -> list[bytes]:
    from nacl.bindings import crypto_scalarmult_ed25519_noclamp

    out = []
    for i, point in enumerate(points):
        out.append(crypto_scalarmult_ed25519_noclamp(scalar, point))
        if on_progress and i % 5000 == 0:
            on_progress(i, len(points))
    return out


def _received(texts: Any, file: str) -> list[bytes]:
    """Points of a message, each checked (refused: not a point of the prime-order group)."""
    from nacl.bindings import crypto_core_ed25519_is_valid_point

    if not isinstance(texts, list):
        raise RefusedFileError("not_psi", file)
    points = []
    for text in texts:
        try:
            point = unb64(str(text))
        except ValueError as exc:
            raise RefusedFileError("bad_point", file) from exc
        if len(point) != 32 or not crypto_core_ed25519_is_valid_point(point):
            raise RefusedFileError("bad_point", file)
        points.append(point)
    return points


def _shuffled(items: list[Any]) -> list[Any]:
    random.SystemRandom().shuffle(items)
    return items


@dataclass
class PsiResult:
    """What the initiator learnt: the count, and in identify mode its own identifiers held by
    the responder."""

    session: str
    partner: str
    mode: str
    mine: int
    theirs: int
    count: int
    matched: list[str] | None


SESSION_HEX = 32  # a session is 16 random bytes, written in hexadecimal
DIGEST = "sha256"  # the field holding the digest of the rest of a message or state


def _digest(document: dict[str, Any]) -> str:
    rest = {k: v for k, v in document.items() if k != DIGEST}
    canonical = json.dumps(rest, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the SHA-256 of the rest of its content (its JSON with sorted keys)
    in its ``sha256`` field: what :func:`check_message` and :func:`check_state` verify."""
    return {**document, DIGEST: _digest(document)}


def intact(document: dict[str, Any]) -> bool:
    """Whether ``document`` holds the digest of the rest of its content."""
    return document.get(DIGEST) == _digest(document)


SCALAR_BYTES = 32  # an ed25519 scalar


def check_message(message: dict[str, Any], step: int, me: str, file: str) -> None:
    """Refuse a message that is not this step of a PSI session addressed to ``me``: its
    format, step, session (32 hexadecimal digits), sender, recipient and mode are checked
    before anything is computed from them (a damaged or forged file is refused with its reason,
    never read as far as a traceback)."""
    if message.get("format") != FORMAT or message.get("step") != step:
        raise RefusedFileError("not_psi", file)
    session, sender = message.get("session"), message.get("from")
    if not _session(session):
        raise RefusedFileError("not_psi", file)
    if not isinstance(sender, str) or not sender:
        raise RefusedFileError("not_psi", file)
    if message.get("to") != me:
        raise RefusedFileError("wrong_recipient", file, to=message.get("to"), me=me)
    if message.get("mode") not in MODES:
        raise RefusedFileError("not_psi", file)
    if not intact(message):
        raise RefusedFileError("damaged", file)


def _session(value: Any) -> bool:
    """Whether ``value`` is a session id as :func:`start` writes it."""
    return (
        isinstance(value, str)
        and len(value) == SESSION_HEX
        and all(c in "0123456789abcdefABCDEF" for c in value)
    )


def start(
    values: Sequence[str],
    me: str,
    partner: str,
    mode: str = "identify",
    on_progress: Progress | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Round 1 message and the private state A keeps until :func:`finish`."""
    if mode not in MODES:
        raise ShareUsageError("share.error.bad_mode", mode=mode, modes=", ".join(MODES))
    session, scalar = os.urandom(16), _secret()
    items = _shuffled(sorted(set(values)))
    points = _raise(_hash_points(items, session), scalar, on_progress)
    message = {
        "format": FORMAT, "step": 1, "session": session.hex(), "from": me, "to": partner,
        "mode": mode, "points": [b64(p) for p in points],
    }  # fmt: skip
    state = {
        "format": FORMAT + "-state", "session": session.hex(), "partner": partner, "me": me,
        "mode": mode, "scalar": b64(scalar), "items": items,
    }  # fmt: skip
    return seal(message), seal(state)


def reply(
    message: dict[str, Any],
    values: Sequence[str],
    me: str,
    *,
    file: str = "round1",
    count_only: bool = False,
    max_items: int = 1_000_000,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """Round 2: B's answer to A's round 1 (``count_only`` forces the count mode whatever A
    asked; a round 1 longer than ``max_items`` is refused: a partner testing guesses)."""
    check_message(message, 1, me, file)
    theirs = _received(message.get("points"), file)
    if len(theirs) > max_items:
        raise RefusedFileError("too_many", file, count=len(theirs), limit=max_items)
    session = bytes.fromhex(str(message["session"]))
    mode = "count" if count_only else str(message["mode"])
    scalar = _secret()
    double = _raise(theirs, scalar, on_progress)
    if mode == "count":
        double = _shuffled(double)
    own = _raise(_hash_points(sorted(set(values)), session), scalar, on_progress)
    return seal({
        "format": FORMAT, "step": 2, "session": message["session"], "from": me,
        "to": message["from"], "mode": mode, "double": [b64(p) for p in double],
        "points": [b64(p) for p in _shuffled(own)],
    })  # fmt: skip


def check_state(state: dict[str, Any], file: str) -> None:
    """Refuse a private state that is not one :func:`start` wrote (a damaged or edited file):
    every field :func:`finish` reads, of its type, and the digest of the whole."""
    session, items = state.get("session"), state.get("items")
    good = (
        state.get("format") == FORMAT + "-state"
        and _session(session)
        and all(isinstance(state.get(k), str) and state.get(k) for k in ("partner", "me"))
        and state.get("mode") in MODES
        and isinstance(items, list)
        and all(isinstance(item, str) for item in items)
        and _scalar(state.get("scalar")) is not None
        and intact(state)
    )
    if not good:
        raise RefusedFileError("bad_state", file)


def _scalar(text: Any) -> bytes | None:
    try:
        scalar = unb64(str(text))
    except ValueError:  # not base64 (binascii.Error), not ASCII (UnicodeEncodeError)
        return None
    return scalar if len(scalar) == SCALAR_BYTES else None


def finish(
    message: dict[str, Any],
    state: dict[str, Any],
    *,
    file: str = "round2",
    state_file: str = "state",
    on_progress: Progress | None = None,
) -> PsiResult:
    """The result at A: the intersection's size, and in identify mode its members (``file``
    and ``state_file`` name the round 2 and the private state in a refusal)."""
    check_state(state, state_file)
    check_message(message, 2, str(state["me"]), file)
    if message.get("session") != state["session"] or message.get("from") != state["partner"]:
        raise RefusedFileError("other_session", file, session=message.get("session"))
    double = _received(message.get("double"), file)
    items: list[str] = list(state["items"])
    if len(double) != len(items):
        raise RefusedFileError("not_psi", file)
    theirs = set(
        _raise(_received(message.get("points"), file), unb64(state["scalar"]), on_progress)
    )
    mode = str(message["mode"])
    found = [point in theirs for point in double]
    matched = (
        sorted(v for v, hit in zip(items, found, strict=True) if hit)
        if mode == "identify"
        else None
    )
    return PsiResult(
        str(state["session"]), str(state["partner"]), mode, len(items),
        len(message["points"]), sum(found), matched,
    )  # fmt: skip
