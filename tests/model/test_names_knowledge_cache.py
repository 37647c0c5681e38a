"""The name tables' index is kept in the cache directory: a later process reads the same tables,
a damaged file is folded again, and a cache turned off still gives the tables."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from moneytrail.model import names


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", str(tmp_path))
    names.knowledge.cache_clear()
    yield tmp_path
    names.knowledge.cache_clear()


def _tables() -> str:
    return (resources.files("moneytrail.model") / "data" / "names.yaml").read_text("utf-8")


def test_a_later_process_reads_the_same_tables_from_the_cache(fresh: Path) -> None:
    folded = names._fold_knowledge(_tables())
    assert names.knowledge() == folded
    [stored] = fresh.glob("names-knowledge-*.json")
    names.knowledge.cache_clear()
    again = names.knowledge()
    assert again == folded
    assert all(isinstance(k, tuple) for k in again["legal"])
    assert stored.is_file()


def test_a_damaged_cache_file_is_folded_again(fresh: Path) -> None:
    names.knowledge()
    [stored] = fresh.glob("names-knowledge-*.json")
    stored.write_text('{"variants": ', encoding="utf-8")
    names.knowledge.cache_clear()
    assert names.knowledge() == names._fold_knowledge(_tables())


def test_caches_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MONEYTRAIL_CACHE_DIR", "off")
    names.knowledge.cache_clear()
    try:
        assert names.knowledge()["markers"]
        assert not list(tmp_path.iterdir())
    finally:
        names.knowledge.cache_clear()
