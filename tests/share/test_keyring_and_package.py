"""Keyrings, pair keys and packages: a tampered, replayed or wrongly addressed package is
refused with its reason, and nothing is written from it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from moneytrail.share.errors import RefusedFileError, ShareUsageError
from moneytrail.share.keyring import Card, Keyring
from moneytrail.share.package import open_package, seal, write_package


@pytest.fixture
def rings(tmp_path: Path) -> dict[str, Keyring]:
    """Three FIUs; Mali and Burkina know each other, Niger knows Mali only."""
    made = {name: Keyring(tmp_path / name) for name in ("CENTIF-ML", "CENTIF-BF", "CENTIF-NE")}
    for name, ring in made.items():
        ring.init(name)
        ring.card().write(tmp_path / f"{name}.card.json")
    made["CENTIF-ML"].add_partner(Card.read(tmp_path / "CENTIF-BF.card.json"))
    made["CENTIF-BF"].add_partner(Card.read(tmp_path / "CENTIF-ML.card.json"))
    made["CENTIF-NE"].add_partner(Card.read(tmp_path / "CENTIF-ML.card.json"))
    made["CENTIF-ML"].add_partner(Card.read(tmp_path / "CENTIF-NE.card.json"))
    return made


def test_private_keys_are_readable_by_their_owner_only(rings: dict[str, Keyring]) -> None:
    home = rings["CENTIF-ML"].home
    assert stat.S_IMODE((home / "identity.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_both_sides_derive_one_pair_key_and_a_third_another(rings: dict[str, Keyring]) -> None:
    ml_bf = rings["CENTIF-ML"].pair_key("CENTIF-BF")
    assert ml_bf == rings["CENTIF-BF"].pair_key("CENTIF-ML")
    assert ml_bf != rings["CENTIF-NE"].pair_key("CENTIF-ML")


def test_an_altered_card_is_refused(tmp_path: Path, rings: dict[str, Keyring]) -> None:
    path = tmp_path / "CENTIF-BF.card.json"
    data = json.loads(path.read_text())
    data["box_public"] = json.loads((tmp_path / "CENTIF-NE.card.json").read_text())["box_public"]
    path.write_text(json.dumps(data))
    with pytest.raises(RefusedFileError) as refused:
        Card.read(path)
    assert refused.value.reason == "card_fingerprint"


def test_new_keys_for_a_known_partner_need_replace(
    tmp_path: Path, rings: dict[str, Keyring]
) -> None:
    other = Keyring(tmp_path / "impostor")
    other.init("CENTIF-BF")
    with pytest.raises(ShareUsageError) as refused:
        rings["CENTIF-ML"].add_partner(other.card())
    assert "vive voix" in refused.value.render("fr")


def _send(tmp_path: Path, ring: Keyring, to: str) -> Path:
    payload = tmp_path / "note_Ségou_مالي.txt"
    payload.write_text("Aïssata Maïga — عائشة", "utf-8")
    out = tmp_path / f"to-{to}.mtp"
    write_package(out, seal(ring, to, [payload]))
    return out


def test_a_package_opens_once_with_accents_and_arabic_intact(
    tmp_path: Path, rings: dict[str, Keyring]
) -> None:
    sent = _send(tmp_path, rings["CENTIF-ML"], "CENTIF-BF")
    opened = open_package(rings["CENTIF-BF"], sent, tmp_path / "in")
    assert opened.sender == "CENTIF-ML"
    assert (tmp_path / "in" / "note_Ségou_مالي.txt").read_text("utf-8") == "Aïssata Maïga — عائشة"
    with pytest.raises(RefusedFileError) as refused:
        open_package(rings["CENTIF-BF"], sent, tmp_path / "again")
    assert refused.value.reason == "replayed"
    assert "rejoué" in refused.value.render("fr") and "replayed" in refused.value.render("en")
    assert not (tmp_path / "again").exists()


def test_a_tampered_package_is_refused(tmp_path: Path, rings: dict[str, Keyring]) -> None:
    sent = _send(tmp_path, rings["CENTIF-ML"], "CENTIF-BF")
    data = json.loads(sent.read_text())
    cipher = bytearray(data["ciphertext"].encode())
    cipher[40] = ord("A") if cipher[40] != ord("A") else ord("B")
    data["ciphertext"] = cipher.decode()
    sent.write_text(json.dumps(data))
    with pytest.raises(RefusedFileError) as refused:
        open_package(rings["CENTIF-BF"], sent, tmp_path / "in")
    assert refused.value.reason == "tampered"
    assert not (tmp_path / "in").exists()


def test_a_readdressed_package_is_refused(tmp_path: Path, rings: dict[str, Keyring]) -> None:
    sent = _send(tmp_path, rings["CENTIF-ML"], "CENTIF-NE")
    with pytest.raises(RefusedFileError) as wrong:
        open_package(rings["CENTIF-BF"], sent, tmp_path / "in")
    assert wrong.value.reason == "wrong_recipient"
    data = json.loads(sent.read_text())
    data["to"] = "CENTIF-BF"  # rewritten header: the signature no longer holds
    sent.write_text(json.dumps(data))
    with pytest.raises(RefusedFileError) as forged:
        open_package(rings["CENTIF-BF"], sent, tmp_path / "in")
    assert forged.value.reason == "tampered"


def test_a_package_from_a_stranger_is_refused(tmp_path: Path, rings: dict[str, Keyring]) -> None:
    rings["CENTIF-NE"].add_partner(Card.read(tmp_path / "CENTIF-BF.card.json"))
    sent = _send(tmp_path, rings["CENTIF-NE"], "CENTIF-BF")  # BF has not added Niger's card
    with pytest.raises(RefusedFileError) as refused:
        open_package(rings["CENTIF-BF"], sent, tmp_path / "in")
    assert refused.value.reason == "unknown_sender"
