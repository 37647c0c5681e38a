"""``ws.lists``: versions of sanctions lists kept in a workspace.

A list file loaded into a workspace becomes a *version* of a list (``un``, ``ofac_sdn``...),
so that every screening finding says which version it was made against, and each load reports
what changed since the version stored before it. A version that would remove more than half of
the entries is refused unless ``force=True`` (decision 0124); a list with no entry always is.
Example::

    with Workspace.open("enquete") as ws:
        loaded = ws.lists.load("consolidated.xml")
        loaded.created, loaded.counts.added
        [v.list_id for v in ws.lists.versions().versions]

List files read without a workspace (screen a name, diff two files) are module functions of
:mod:`moneytrail.api.screening`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.screen.diff import ListDiff
    from moneytrail.screen.store import ListVersion

__all__ = [
    "ChangeCounts",
    "EntryChanges",
    "ListVersion",
    "ListVersions",
    "ListsPart",
    "LoadedList",
]


@dataclass
class ChangeCounts:
    """How many entries a version adds, removes and changes."""

    added: int
    removed: int
    changed: int


@dataclass
class EntryChanges:
    """Entry ids added and removed, and the changed ones with the names of their changed fields."""

    added: list[str]
    removed: list[str]
    changed: dict[str, list[str]]


@dataclass
class LoadedList:
    """What ``lists load`` did: the version, whether it was new, and its diff with the latest
    version stored before (a first version: every entry added; the same file again: nothing)."""

    version_id: str
    list_id: str
    source: str
    format: str | None
    version: str | None
    entries: int
    created: bool
    previous_version_id: str | None
    counts: ChangeCounts
    diff: EntryChanges


@dataclass
class ListVersions:
    """The versions stored in a workspace, newest first per list (``lists show``)."""

    versions: list[ListVersion]


def change_counts(diff: ListDiff) -> ChangeCounts:
    """The three counts of a diff."""
    return ChangeCounts(len(diff.added), len(diff.removed), len(diff.changed))


class ListsPart:
    """Sanctions list versions of one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def load(
        self,
        path: Path | str,
        fmt: str | None = None,
        list_id: str | None = None,
        force: bool = False,
    ) -> LoadedList:
        """Read the list file ``path`` (format sniffed unless ``fmt``) and store it as a
        version of ``list_id`` (default: the list's source); loading it again changes nothing.

        Raises :class:`~moneytrail.errors.BadInputError` (nothing stored) for a file that
        cannot be read whole, a list with no entry, or a version removing more than half of the
        latest version's entries without ``force``.
        """
        from moneytrail.screen.lists import load_list
        from moneytrail.screen.store import save_list

        file = Path(path)
        sanctions = load_list(file, fmt)
        saved = save_list(self._ws.engine, sanctions, file, list_id, force=force)
        diff = saved.diff
        return LoadedList(
            version_id=saved.version_id,
            list_id=saved.list_id,
            source=sanctions.source,
            format=sanctions.fmt,
            version=sanctions.version,
            entries=len(sanctions.entries),
            created=saved.created,
            previous_version_id=saved.previous_id,
            counts=change_counts(diff),
            diff=EntryChanges(list(diff.added), list(diff.removed), dict(diff.changed)),
        )

    def versions(self) -> ListVersions:
        """Every stored version, newest first per list."""
        from moneytrail.screen.store import list_versions

        return ListVersions(list_versions(self._ws.engine))


def __getattr__(name: str) -> Any:
    if name == "ListVersion":  # the analytics' own row type, imported on first use
        return importlib.import_module("moneytrail.screen.store").ListVersion
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
