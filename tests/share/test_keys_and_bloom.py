"""Subject keys meet across spellings; the keyed Bloom filter has the size and error rate its
formula promises, and is noise under another pair key."""

from __future__ import annotations

import math
import os

from hypothesis import given
from hypothesis import strategies as st

from moneytrail.share.bloom import KeyedBloom, expected_rate, sizing
from moneytrail.share.subject_keys import (
    IDENTIFIER,
    NAME_KEY,
    Subject,
    identifier_key,
    name_key,
    subject_keys,
)

PAIR = bytes(range(32))


def test_transliteration_variants_of_sahel_names_meet() -> None:
    assert name_key("Mouhamadou Uld Ahmed") == name_key("Mohamed Ould Ahmed")
    assert name_key("AHMED Mohamed") == name_key("محمد ولد أحمد")
    assert name_key("Aïcha Haïdara") == name_key("عائشة حيدرة")
    assert name_key("Youssouf Coulibaly") == name_key("Yusuf Kulibali")
    assert name_key("Moussa Traoré") != name_key("Moussa Keïta")


def test_a_single_word_name_is_not_shared() -> None:
    assert name_key("Moussa") is None
    assert name_key("El Hadj") is None or " " in str(name_key("El Hadj"))


def test_identifiers_lose_spacing_and_case_only() -> None:
    assert identifier_key("+223 76 12 34 56") == identifier_key("22376123456") == "22376123456"
    assert identifier_key("ml-cni 0456789") == identifier_key("ML-CNI-0456789")
    assert identifier_key("12-3") is None


@given(st.text(max_size=40))
def test_identifier_key_is_idempotent(value: str) -> None:
    key = identifier_key(value)
    assert key is None or identifier_key(key) == key


def test_subject_keys_are_prefixed_and_distinct() -> None:
    subject = Subject(
        "p1",
        "Aïssata Maïga",
        ("Aïssata Maïga", "Aissata MAIGA"),
        ("+22376123456", "+223 76 12 34 56"),
    )
    keys = subject_keys(subject)
    assert [k for k, _, _ in keys] == [IDENTIFIER, NAME_KEY]
    assert keys[0][2].startswith("i:") and keys[1][2].startswith("n:")


def test_sizing_follows_the_documented_formula() -> None:
    bits, hashes = sizing(10_000, 0.01)
    assert bits == math.ceil(-10_000 * math.log(0.01) / math.log(2) ** 2)
    assert hashes == round(bits / 10_000 * math.log(2)) == 7
    assert abs(expected_rate(bits, hashes, 10_000) - 0.01) < 0.002


def test_false_positive_rate_is_near_the_configured_one_and_no_member_is_missed() -> None:
    members = [f"i:{n}" for n in range(20_000)]
    others = [f"i:x{n}" for n in range(50_000)]
    bloom = KeyedBloom.sized(PAIR, b"salt-0123456789a", len(members), 0.01)
    bloom.add(members)
    assert bloom.contains(members).all()
    rate = bloom.contains(others).mean()
    assert 0.005 < rate < 0.02


def test_another_pair_key_sees_noise() -> None:
    members = [f"n:{n}" for n in range(5_000)]
    bloom = KeyedBloom.sized(PAIR, b"s" * 16, len(members), 0.001)
    bloom.add(members)
    stolen = KeyedBloom.unpacked(
        os.urandom(32), b"s" * 16, bloom.bits, bloom.hashes, bloom.packed()
    )
    assert stolen.contains(members).mean() < 0.01


def test_packed_bits_round_trip() -> None:
    bloom = KeyedBloom.sized(PAIR, b"s" * 16, 100, 0.01)
    bloom.add(["i:ML123456", "n:mhmd sd"])
    back = KeyedBloom.unpacked(PAIR, b"s" * 16, bloom.bits, bloom.hashes, bloom.packed())
    assert back.contains(["i:ML123456", "n:mhmd sd", "i:OTHER99"]).tolist() == [True, True, False]
