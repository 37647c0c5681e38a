"""Filter files: made for one partner under one pair key, intact, not expired — or refused
with the reason before anything is tested."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from moneytrail.share.errors import RefusedFileError
from moneytrail.share.filters import build_filter, match_filter, open_filter, write_filter
from moneytrail.share.subject_keys import Subject

PAIR = os.urandom(32)
MALI = [
    Subject("m1", "Aïssata Maïga", ("Aïssata Maïga",), ("+22376123456",)),
    Subject("m2", "Mohamed Ould Ahmed", ("Mohamed Ould Ahmed",), ()),
]
BURKINA = [
    Subject("b1", "MAIGA Aissata", ("MAIGA Aissata",), ("+226 70 00 00 00",)),
    Subject("b2", "Inconnu Sawadogo", ("Inconnu Sawadogo",), ("+22376123456",)),
    Subject("b3", "محمد ولد أحمد", ("محمد ولد أحمد",), ()),
    Subject("b4", "Rasmata Ouédraogo", ("Rasmata Ouédraogo",), ("+22670112233",)),
]


def _written(tmp_path: Path, valid_days: int = 30) -> Path:
    path = tmp_path / "ml-bf.mtf"
    write_filter(
        path, build_filter(MALI, PAIR, "CENTIF-ML", "CENTIF-BF", 1e-6, valid_days=valid_days), PAIR
    )
    return path


def test_my_subjects_that_hit_and_by_what(tmp_path: Path) -> None:
    found = match_filter(open_filter(_written(tmp_path), "CENTIF-BF", PAIR), BURKINA)
    by_ref = {h.ref: h for h in found.hits}
    assert sorted(by_ref) == ["b1", "b2", "b3"]
    assert by_ref["b1"].names == ["MAIGA Aissata"] and by_ref["b1"].identifiers == []
    assert by_ref["b2"].identifiers == ["+22376123456"] and by_ref["b2"].names == []
    assert by_ref["b3"].names == ["محمد ولد أحمد"]
    assert found.subjects_tested == 4 and found.made_by == "CENTIF-ML"


def test_the_filter_file_holds_no_value_in_clear(tmp_path: Path) -> None:
    data = _written(tmp_path).read_bytes()
    for value in (b"22376123456", b"mg", b"mhmd", b"Ma\xc3\xafga"):
        assert value not in data.split(b"\n", 2)[1]  # the header line
    assert b"22376123456" not in data


@pytest.mark.parametrize(
    ("me", "key", "reason"),
    [("CENTIF-NE", PAIR, "wrong_recipient"), ("CENTIF-BF", bytes(range(32)), "other_key")],
    ids=["wrong_recipient", "other_key"],  # stable ids: xdist workers must collect the same tests
)
def test_a_filter_for_another_fiu_or_key_is_refused(
    tmp_path: Path, me: str, key: bytes, reason: str
) -> None:
    with pytest.raises(RefusedFileError) as refused:
        open_filter(_written(tmp_path), me, key)
    assert refused.value.reason == reason


def test_an_expired_or_altered_filter_is_refused(tmp_path: Path) -> None:
    path = _written(tmp_path, valid_days=1)
    later = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(RefusedFileError) as expired:
        open_filter(path, "CENTIF-BF", PAIR, now=later)
    assert expired.value.reason == "expired" and "expiré" in expired.value.render("fr")
    data = path.read_bytes().replace(b'"fp_rate": 1e-06', b'"fp_rate": 0.01')
    path.write_bytes(data)
    with pytest.raises(RefusedFileError) as altered:
        open_filter(path, "CENTIF-BF", PAIR)
    assert altered.value.reason == "tampered"
