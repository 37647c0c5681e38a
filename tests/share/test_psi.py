"""Private set intersection: exact on identifiers; the count mode reveals no identifier; a
message that is not what it claims is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from nacl.bindings import crypto_scalarmult_ed25519_noclamp

from moneytrail.share.errors import RefusedFileError
from moneytrail.share.keyring import b64, unb64
from moneytrail.share.psi import finish, reply, seal, start

MINE = [f"22376{n:06d}" for n in range(60)] + ["ML-CNI-0456789"]
THEIRS = [f"22376{n:06d}" for n in range(40, 140)] + ["BF-NI-1234567890"]


def test_identify_mode_finds_exactly_the_common_identifiers() -> None:
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF")
    result = finish(reply(r1, THEIRS, "CENTIF-BF"), state)
    assert result.matched == sorted(set(MINE) & set(THEIRS))
    assert result.count == 20 and result.mine == len(MINE) and result.theirs == len(THEIRS)


def test_count_mode_reveals_only_how_many() -> None:
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF", mode="count")
    r2 = reply(r1, THEIRS, "CENTIF-BF")
    result = finish(r2, state)
    assert result.count == 20 and result.matched is None
    # nothing exchanged carries an identifier, in clear or as a plain hash
    exchanged = json.dumps(r1) + json.dumps(r2)
    for value in MINE + THEIRS:
        assert value not in exchanged
        assert b64(hashlib.sha256(value.encode()).digest()) not in exchanged
    # the answer to A's points is shuffled: where the hits sit says nothing of which matched
    scalar = unb64(state["scalar"])
    theirs = {crypto_scalarmult_ed25519_noclamp(scalar, unb64(p)) for p in r2["points"]}
    hit_at = [i for i, p in enumerate(r2["double"]) if unb64(p) in theirs]
    true_at = [i for i, v in enumerate(state["items"]) if v in set(THEIRS)]
    assert len(hit_at) == len(true_at) == 20 and hit_at != true_at


def test_the_responder_can_force_the_count_mode() -> None:
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF", mode="identify")
    result = finish(reply(r1, THEIRS, "CENTIF-BF", count_only=True), state)
    assert result.mode == "count" and result.matched is None and result.count == 20


def test_sessions_are_unlinkable() -> None:
    first, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    second, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    assert not set(first["points"]) & set(second["points"])


def test_a_point_off_the_group_is_refused() -> None:
    """Even in a file whose digest was recomputed (a forger's, not a damaged one)."""
    r1, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    r1["points"][3] = b64(bytes(32))  # the identity: small order
    with pytest.raises(RefusedFileError) as refused:
        reply(seal(r1), THEIRS, "CENTIF-BF")
    assert refused.value.reason == "bad_point"


def test_a_valid_point_swapped_in_transit_is_refused_as_damage() -> None:
    """Another point of the group in place of one of the answer's: every check of the point
    passes, and before the digest the intersection lost that match without a word."""
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF")
    r2 = reply(r1, THEIRS, "CENTIF-BF")
    r2["double"][0] = r1["points"][0]  # a valid point, not the answer to it
    with pytest.raises(RefusedFileError) as refused:
        finish(r2, state, file="r2.json")
    assert refused.value.reason == "damaged"
    assert "r2.json" in refused.value.render("fr") and "SHA-256" in refused.value.render("en")


def test_an_identifier_changed_in_the_private_state_is_refused() -> None:
    """One digit of one of my identifiers changed in the state: it would be reported as
    matched under the wrong number."""
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF")
    r2 = reply(r1, THEIRS, "CENTIF-BF")
    at = state["items"].index("22376000045")
    state["items"][at] = "22376000046"
    with pytest.raises(RefusedFileError) as refused:
        finish(r2, state)
    assert refused.value.reason == "bad_state"


def test_wrong_recipient_other_session_and_flooding_are_refused() -> None:
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF")
    with pytest.raises(RefusedFileError) as wrong:
        reply(r1, THEIRS, "CENTIF-NE")
    assert wrong.value.reason == "wrong_recipient"
    with pytest.raises(RefusedFileError) as flood:
        reply(r1, THEIRS, "CENTIF-BF", max_items=10)
    assert "énumération" in flood.value.render("fr")
    other, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    with pytest.raises(RefusedFileError) as mixed:
        finish(reply(other, THEIRS, "CENTIF-BF"), state)
    assert mixed.value.reason == "other_session"


@pytest.mark.parametrize(
    ("field", "value"),
    [("session", "not hexadecimal at all, 32 chars"), ("session", None), ("from", None)],
)
def test_a_round_one_with_a_damaged_session_or_sender_is_refused(field: str, value: object) -> None:
    r1, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    if value is None:
        del r1[field]
    else:
        r1[field] = value
    with pytest.raises(RefusedFileError) as refused:
        reply(r1, THEIRS, "CENTIF-BF", file="r1.json")
    assert refused.value.reason == "not_psi"


@pytest.mark.parametrize(
    ("field", "value"),
    [("me", None), ("scalar", "pas du base64 !"), ("scalar", b64(b"short")), ("items", "x")],
)
def test_a_damaged_private_state_is_refused_by_name(field: str, value: object) -> None:
    r1, state = start(MINE, "CENTIF-ML", "CENTIF-BF")
    r2 = reply(r1, THEIRS, "CENTIF-BF")
    if value is None:
        del state[field]
    else:
        state[field] = value
    with pytest.raises(RefusedFileError) as refused:
        finish(r2, state, state_file="etat.json")
    assert refused.value.reason == "bad_state"
    assert "etat.json" in refused.value.render("fr") and "état privé" in refused.value.render("fr")


def _flipped(data: bytes) -> list[bytes]:
    out = []
    for at in range(len(data)):
        flipped = bytearray(data)
        flipped[at] ^= 0x55
        out.append(bytes(flipped))
    return out


def _as_json(data: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(data.decode("utf-8"))
    except ValueError:  # the API refuses these before PSI reads them (not_psi)
        return None
    return found if isinstance(found, dict) else None


def test_every_byte_of_the_messages_and_state_flipped_is_refused() -> None:
    """Each byte of a round 1, a round 2 and a private state flipped in turn: the step refuses
    the file with a reason; nothing else is raised (a damaged session, sender or state field
    once raised KeyError or ValueError) and nothing completes (before the digest, 4 flips of a
    round 2 still gave valid points and a result short of a match)."""
    r1, state = start(MINE[:3], "CENTIF-ML", "CENTIF-BF")
    r2 = reply(r1, THEIRS[:3], "CENTIF-BF")
    steps: list[tuple[dict[str, Any], Callable[[dict[str, Any]], object]]] = [
        (r1, lambda m: reply(m, THEIRS[:3], "CENTIF-BF")),
        (r2, lambda m: finish(m, state)),
        (state, lambda s: finish(r2, s)),
    ]
    refused = done = 0
    for message, step in steps:
        for data in _flipped(json.dumps(message).encode()):
            parsed = _as_json(data)
            if parsed is None:
                continue
            try:
                step(parsed)
                done += 1
            except RefusedFileError:
                refused += 1
    assert refused > 0 and done == 0
