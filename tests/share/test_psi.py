"""Private set intersection: exact on identifiers; the count mode reveals no identifier; a
message that is not what it claims is refused."""

from __future__ import annotations

import hashlib
import json

import pytest
from nacl.bindings import crypto_scalarmult_ed25519_noclamp

from moneytrail.share.errors import RefusedFileError
from moneytrail.share.keyring import b64, unb64
from moneytrail.share.psi import finish, reply, start

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
    r1, _ = start(MINE, "CENTIF-ML", "CENTIF-BF")
    r1["points"][3] = b64(bytes(32))  # the identity: small order
    with pytest.raises(RefusedFileError) as refused:
        reply(r1, THEIRS, "CENTIF-BF")
    assert refused.value.reason == "bad_point"


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
