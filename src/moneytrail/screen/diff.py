"""What changed between two versions of a list: added, removed and changed entries.

Why: a compliance officer must re-screen the customer base against what is *new* the day a list
is updated, and an FIU must tell banks which designations were lifted. Entries are compared by
their list id; an entry is "changed" when any field differs, and the diff names those fields.

Example::

    >>> from moneytrail.screen.entry import ListEntry, SanctionsList
    >>> old = SanctionsList("un", [ListEntry("1", "Person", ("A",))])
    >>> changed, added = ListEntry("1", "Person", ("A", "B")), ListEntry("2", "Person", ("C",))
    >>> new = SanctionsList("un", [changed, added])
    >>> d = diff_lists(old, new)
    >>> (d.added, d.removed, d.changed)
    (['2'], [], {'1': ['names']})
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from moneytrail.screen.entry import ListEntry, SanctionsList

COMPARED = tuple(f.name for f in fields(ListEntry) if f.name != "entry_id")
# A new version may remove at most this share of the previous version's entries without
# ``force``: more is a truncated file or another list far more often than a real delisting
# (decision 0124).
MAX_REMOVED_SHARE = 0.5


@dataclass
class ListDiff:
    """Entry ids added, removed, and changed (with the names of the fields that changed)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    old_count: int = 0
    new_count: int = 0

    def counts(self) -> dict[str, int]:
        """How many entries were added, removed and changed."""
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }

    def removes_most(self) -> bool:
        """Whether more than :data:`MAX_REMOVED_SHARE` of the old entries would disappear.

        >>> ListDiff(removed=["1", "2"], old_count=3).removes_most()
        True
        >>> ListDiff(removed=["1"], old_count=2).removes_most()
        False
        """
        return len(self.removed) > MAX_REMOVED_SHARE * self.old_count

    def as_dict(self, old: SanctionsList, new: SanctionsList) -> dict[str, Any]:
        """JSON-ready summary with the primary names, for ``lists diff --json``."""
        old_by, new_by = old.by_id(), new.by_id()
        return {
            "old": {"source": old.source, "version": old.version, "entries": self.old_count},
            "new": {"source": new.source, "version": new.version, "entries": self.new_count},
            "counts": self.counts(),
            "added": [{"entry_id": i, "name": new_by[i].primary_name} for i in self.added],
            "removed": [{"entry_id": i, "name": old_by[i].primary_name} for i in self.removed],
            "changed": [
                {"entry_id": i, "name": new_by[i].primary_name, "fields": f}
                for i, f in self.changed.items()
            ],
        }


def changed_fields(old: ListEntry, new: ListEntry) -> list[str]:
    """Names of the fields whose values differ between two versions of one entry."""
    return [name for name in COMPARED if getattr(old, name) != getattr(new, name)]


def diff_lists(old: SanctionsList, new: SanctionsList) -> ListDiff:
    """Compare two versions of a list by entry id (order of entries in the files is ignored)."""
    old_by, new_by = old.by_id(), new.by_id()
    result = ListDiff(old_count=len(old_by), new_count=len(new_by))
    result.added = [i for i in new_by if i not in old_by]
    result.removed = [i for i in old_by if i not in new_by]
    for entry_id, entry in new_by.items():
        before = old_by.get(entry_id)
        if before is not None and before != entry:
            result.changed[entry_id] = changed_fields(before, entry)
    return result
