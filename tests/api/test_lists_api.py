"""``ws.lists``: list versions loaded and listed through the library, typed and in JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.api import BadInputError, Workspace
from moneytrail.api.lists import ChangeCounts, EntryChanges, ListVersions, LoadedList
from moneytrail.api.serialize import to_jsonable
from moneytrail.screen.store import ListVersion

HEADER = "id,name,schema,birth_date,nationality\n"


def _custom(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text(HEADER + "\n".join(rows) + "\n", "utf-8")
    return path


def test_load_reports_each_version_and_its_changes(ws: Workspace, tmp_path: Path) -> None:
    old = _custom(
        tmp_path, "v1.csv", ["A,Amadou Ould Baba,Person,1970,ML", "B,Sahel Or SARL,Organization,,"]
    )
    new = _custom(
        tmp_path,
        "v2.csv",
        ["A,Amadou Ould Baba,Person,1971,ML", "C,Hamadou Ag Moussa,Person,1980,NE"],
    )

    first = ws.lists.load(old)
    assert isinstance(first, LoadedList)
    assert (first.list_id, first.source, first.format, first.entries, first.created) == (
        "custom",
        "custom",
        "custom",
        2,
        True,
    )
    assert first.previous_version_id is None
    assert first.counts == ChangeCounts(added=2, removed=0, changed=0)  # first: all added

    second = ws.lists.load(new)
    assert second.previous_version_id == first.version_id
    assert second.diff == EntryChanges(added=["C"], removed=["B"], changed={"A": ["birth_dates"]})
    assert to_jsonable(second, "fr") == {
        "version_id": second.version_id,
        "list_id": "custom",
        "source": "custom",
        "format": "custom",
        "version": None,
        "entries": 2,
        "created": True,
        "previous_version_id": first.version_id,
        "counts": {"added": 1, "removed": 1, "changed": 1},
        "diff": {"added": ["C"], "removed": ["B"], "changed": {"A": ["birth_dates"]}},
    }

    again = ws.lists.load(new)
    assert (again.created, again.version_id, again.counts) == (
        False,
        second.version_id,
        ChangeCounts(0, 0, 0),
    )


def test_load_refuses_a_version_removing_most_entries_unless_forced(
    ws: Workspace, tmp_path: Path
) -> None:
    full = _custom(tmp_path, "full.csv", [f"W{i},Nom Numero {i},Person,," for i in range(6)])
    short = _custom(tmp_path, "short.csv", ["W0,Nom Numero 0,Person,,"])
    ws.lists.load(full)
    with pytest.raises(BadInputError):
        ws.lists.load(short)
    assert len(ws.lists.versions().versions) == 1  # the refusal stored nothing
    forced = ws.lists.load(short, force=True)
    assert forced.counts == ChangeCounts(added=0, removed=5, changed=0)


def test_versions_are_typed_rows_newest_first(ws: Workspace, tmp_path: Path) -> None:
    path = _custom(tmp_path, "liste.csv", ["A,Amadou Ould Baba,Person,1970,ML"])
    ws.lists.load(path, fmt="custom", list_id="veille")
    stored = ws.lists.versions()
    assert isinstance(stored, ListVersions)
    (version,) = stored.versions
    assert isinstance(version, ListVersion)
    assert (version.list_id, version.entry_count, version.file_name) == ("veille", 1, "liste.csv")
    assert to_jsonable(stored, "en") == {
        "versions": [
            {
                "id": version.id,
                "list_id": "veille",
                "source": "custom",
                "format": "custom",
                "version_date": None,
                "file_name": "liste.csv",
                "entry_count": 1,
            }
        ]
    }


def test_list_version_type_is_exported_lazily() -> None:
    import moneytrail.api.lists as lists

    assert lists.ListVersion is ListVersion
