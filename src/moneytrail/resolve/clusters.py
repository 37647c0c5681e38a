"""Effective clusters: the linker's links, plus analysts' confirmations, minus their rejections.

Why not plain connected components: if an analyst says "A is not B", a chain A-C-B of model links
would still put A and B in one cluster. Here a rejection is a *cannot-link* constraint that always
wins: links are added strongest first (confirmed pairs, then model pairs by decreasing
probability) and a link that would put two rejected parties in one cluster is skipped and
counted as a conflict. The result is deterministic (ties broken by party ids).

>>> clusters([("a", "b", 0.99), ("b", "c", 0.95)], confirmed=[], rejected=[("a", "c")])
({'a': 'a', 'b': 'a'}, 1)
"""

from __future__ import annotations

from collections.abc import Iterable


class _Groups:
    """Union-find keeping, for each root, its members and the parties they must not join."""

    def __init__(self, rejected: Iterable[tuple[str, str]]) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.forbidden: dict[str, set[str]] = {}
        for left, right in rejected:
            self.forbidden.setdefault(self.find(left), set()).add(right)
            self.forbidden.setdefault(self.find(right), set()).add(left)

    def find(self, party: str) -> str:
        if party not in self.parent:
            self.parent[party] = party
            self.members[party] = [party]
            return party
        root = party
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[party] != root:
            self.parent[party], party = root, self.parent[party]
        return root

    def join(self, left: str, right: str) -> bool:
        """Merge the groups of ``left`` and ``right``; False if a rejection forbids it."""
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        banned = self.forbidden.get(a, set())
        if any(m in banned for m in self.members[b]):
            return False
        self.parent[b] = a
        self.members[a] += self.members.pop(b)
        if b in self.forbidden:
            self.forbidden.setdefault(a, set()).update(self.forbidden.pop(b))
        return True


def clusters(
    model_links: Iterable[tuple[str, str, float]],
    confirmed: Iterable[tuple[str, str]],
    rejected: Iterable[tuple[str, str]],
) -> tuple[dict[str, str], int]:
    """``({party: cluster id}, conflicts)`` for parties in clusters of two or more.

    The cluster id is the smallest party id of the cluster (stable while the cluster is).
    """
    banned = {(min(a, b), max(a, b)) for a, b in rejected}
    groups = _Groups((a, b) for a, b in sorted(banned))
    conflicts = 0
    edges: list[tuple[int, float, str, str]] = [
        (0, 0.0, min(a, b), max(a, b)) for a, b in confirmed
    ]
    edges += [(1, -p, min(a, b), max(a, b)) for a, b, p in model_links]
    for _, _, left, right in sorted(edges):
        if (left, right) in banned:
            continue
        if not groups.join(left, right):
            conflicts += 1
    out: dict[str, str] = {}
    for members in groups.members.values():
        if len(members) < 2:
            continue
        label = min(members)
        for member in members:
            out[member] = label
    return out, conflicts
