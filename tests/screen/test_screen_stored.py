"""The stored screening index (issue 18 part B): built once per list version, opened from
disk, and giving exactly the hits of the index built in memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from moneytrail.model.memo import DiskMemo, cache_dir
from moneytrail.screen.entry import SanctionsList
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.lists import load_list
from moneytrail.screen.scorer import Query
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.stored import StoredIndex, file_source, index_path, open_index

QUERIES = [
    Query("Iyad Ag Ghaly"),
    Query("GHALI Iyad", "Person", "1958", ("ML",)),
    Query("Amadou Kouffa", "Person"),
    Query("Hamadoun Koufa"),
    Query("إياد أغ غالي"),
    Query("Ansar Dine", "Organization"),
    Query("JNIM", "Organization"),
    Query("Mamadou Traoré", "Person", "1980", ("ML",)),
    Query("Awa Diallo"),
]


def _hits(index: CandidateIndex, query: Query) -> list[tuple[str, str, float, str]]:
    return [
        (h.tag, h.entry.entry_id, round(h.score, 6), h.matched_name)
        for h in index.screen(query, ScreenSettings())
    ]


@pytest.fixture(scope="module")
def un(shared_data: Path) -> tuple[Path, SanctionsList]:
    path = shared_data / "sanctions/un/UN_consolidated_2026-02-27.xml"
    return path, load_list(path)


def test_stored_index_gives_the_hits_of_the_memory_index(
    un: tuple[Path, SanctionsList], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(tmp_path))
    path, lst = un
    built: list[int] = []
    sources = [file_source(path)]
    first = open_index(sources, lambda: [(lst.source, lst)], lambda: built.append(1))
    assert built == [1] and not isinstance(first, StoredIndex)
    stored_at = index_path(sources)
    assert stored_at is not None and stored_at.is_file()
    again = open_index(sources, lambda: pytest.fail("the stored index must be used"))
    assert isinstance(again, StoredIndex) and len(again) == len(lst.entries) == 1003
    memory = CandidateIndex([lst])
    for query in QUERIES:
        assert _hits(again, query) == _hits(memory, query), query
    assert _hits(again, QUERIES[0])[0][1] == "QDi.316"


def test_another_list_or_version_is_another_index(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("id,name,schema\nX1,Amadou Koufa,Person\n", "utf-8")
    b = tmp_path / "b.csv"
    b.write_text("id,name,schema\nX1,Amadou Koufa,Person\nX2,Iyad Ag Ghali,Person\n", "utf-8")
    assert index_path([file_source(a)]) != index_path([file_source(b)])
    assert index_path([file_source(a), file_source(b)]) != index_path(
        [file_source(b), file_source(a)]
    )


def test_a_damaged_index_file_is_rebuilt_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(tmp_path / "cache"))
    listed = tmp_path / "l.csv"
    listed.write_text("id,name,schema\nX1,Amadou Koufa,Person\n", "utf-8")
    lst = load_list(listed)
    sources = [file_source(listed)]
    target = index_path(sources)
    assert target is not None
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a database")
    index = open_index(sources, lambda: [(lst.source, lst)])
    assert [h.entry.entry_id for h in index.screen(Query("Amadou Kouffa"), ScreenSettings())] == [
        "X1"
    ]
    with sqlite3.connect(target) as conn:  # rebuilt in place
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (1,)


def test_every_byte_of_a_stored_index_flipped_is_rebuilt_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored index damaged on disk (one byte flipped, anywhere): it used to make queries
    fail on a malformed page or JSON text, or answer with another entry; its digest no longer
    matches, so it is rebuilt and answers as before. Without its digest file it is rebuilt too."""
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(tmp_path / "cache"))
    listed = tmp_path / "l.csv"
    listed.write_text(
        "id,name,schema\nQDi.316,Iyad Ag Ghali,Person\nQDe.135,Ansar Eddine,Organization\n",
        "utf-8",
    )
    lst = load_list(listed)
    sources = [file_source(listed)]
    open_index(sources, lambda: [(lst.source, lst)])
    target = index_path(sources)
    assert target is not None
    data = target.read_bytes()
    expected = _hits(open_index(sources, lambda: pytest.fail("stored")), QUERIES[0])
    assert expected and expected[0][1] == "QDi.316"
    built: list[int] = []
    for at in range(0, len(data), 251):
        flipped = bytearray(data)
        flipped[at] ^= 0x55
        target.write_bytes(bytes(flipped))
        index = open_index(sources, lambda: [(lst.source, lst)], lambda a=at: built.append(a))
        assert _hits(index, QUERIES[0]) == expected, at
    assert built == list(range(0, len(data), 251))  # each damaged file was rebuilt
    target.with_suffix(".sha256").unlink()
    open_index(sources, lambda: [(lst.source, lst)], lambda: built.append(-1))
    assert built[-1] == -1 and target.with_suffix(".sha256").is_file()


def test_caches_off_build_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", "off")
    assert cache_dir() is None
    listed = tmp_path / "l.csv"
    listed.write_text("id,name,schema\nX1,Amadou Koufa,Person\n", "utf-8")
    lst = load_list(listed)
    assert index_path([file_source(listed)]) is None
    index = open_index([file_source(listed)], lambda: [(lst.source, lst)])
    assert isinstance(index, CandidateIndex) and not isinstance(index, StoredIndex)


def test_disk_memo_round_trip_and_unwritable_directory(tmp_path: Path) -> None:
    memo = DiskMemo("t", "1", tmp_path)
    assert memo.get("traoré") is None
    memo.put("traoré", ["[NAME:Q1]"])
    memo.put_many([("عوض", []), ("x", "ML")])
    assert memo.get("traoré") == ["[NAME:Q1]"]  # pending, not written yet
    memo.flush()
    again = DiskMemo("t", "1", tmp_path)  # another process would see the same
    assert again.get("traoré") == ["[NAME:Q1]"] and again.get("عوض") == []
    assert DiskMemo("t", "2", tmp_path).get("traoré") is None  # another version: nothing
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    broken = DiskMemo("t", "1", blocked / "sub")
    broken.put("a", 1)
    broken.flush()
    assert broken.get("a") is None  # computed every time, never an error
