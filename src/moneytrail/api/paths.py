"""``ws.paths``: time-respecting paths between subjects, and counterparties they share.

A thin part over :mod:`moneytrail.trace.paths`. Subjects are named as the analyst writes them
(an account number in any form, an account id, a party's name: all its accounts), resolved by
:mod:`moneytrail.subjects`; accounts in the results carry a label a person reads (the holder's
name, else the number). Example::

    with Workspace.open("enquete", read_only=True) as ws:
        found = ws.paths.between("+223 76 00 00 01", "Awa Traoré", max_hops=3, window_days=30)
        [p.labels for p in found.paths]
        shared = ws.paths.common(["Awa Traoré", "Moussa Diarra", "+22376000020"])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError
from moneytrail.i18n import translate

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.trace.paths import CommonCounterparty, TemporalPath

__all__ = [
    "MAX_WINDOW_DAYS",
    "CommonCounterparties",
    "LabelledCounterparty",
    "LabelledPath",
    "PathsBetween",
    "PathsPart",
]

MAX_WINDOW_DAYS = 36_600  # a century: beyond, a window is a typo, not a choice


@dataclass
class LabelledPath:
    """One time-respecting chain of transactions (:class:`~moneytrail.trace.paths.TemporalPath`)
    with what a person reads for each of its accounts."""

    transaction_ids: list[str]
    accounts: list[str]
    amounts: list[Decimal]
    first_ts: str
    last_ts: str
    labels: list[str]


@dataclass
class PathsBetween:
    """Paths from ``source`` to ``target``, shortest and earliest first; ``complete`` False
    when the bounded search stopped before seeing everything; ``picture`` the file drawn."""

    source: str
    target: str
    complete: bool
    paths: list[LabelledPath]
    picture: str | None = None


@dataclass
class LabelledCounterparty:
    """An account several subjects dealt with (:class:`~moneytrail.trace.paths.
    CommonCounterparty`), with its label (``None``: an account id unknown to the workspace)."""

    account_id: str
    account_number: str | None
    subjects: list[str]
    transactions: int
    total: Decimal
    label: str | None


@dataclass
class CommonCounterparties:
    """Counterparties shared by at least ``minimum`` of ``subjects``, most shared first."""

    subjects: list[str]
    counterparties: list[LabelledCounterparty]


class PathsPart:
    """Paths and shared counterparties in one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def _accounts(self, text: str) -> list[str]:
        from moneytrail.subjects import subject

        return list(subject(self._ws.engine, text).account_ids)

    def between(
        self,
        source: str,
        target: str,
        max_hops: int = 4,
        window_days: float | None = None,
        max_paths: int = 50,
        picture: Path | str | None = None,
        lang: str = "fr",
    ) -> PathsBetween:
        """Chains of at most ``max_hops`` transactions from ``source`` to ``target``, each
        leaving the account the previous one reached, later, and at most ``window_days``
        after it; with ``picture`` (.png or .svg) the accounts on them are drawn, the title
        in ``lang``."""
        from moneytrail.flows.subjects import account_facts
        from moneytrail.trace.paths import temporal_paths

        for option, value in (("max_hops", max_hops), ("max_paths", max_paths)):
            if value < 1:
                raise UsageError("error.flows_bad_number", option=option, value=value)
        if window_days is not None and not (
            math.isfinite(window_days) and 0 < window_days <= MAX_WINDOW_DAYS
        ):
            raise UsageError("error.flows_bad_window", value=str(window_days))
        engine = self._ws.engine
        sources, targets = self._accounts(source), self._accounts(target)
        found = temporal_paths(engine, sources, targets, max_hops, window_days, max_paths)
        on_paths = [a for p in found.paths for a in p.accounts if a]
        facts = account_facts(engine, on_paths)
        labels = {k: v.label for k, v in facts.items()}
        drawn = None
        if picture is not None:
            drawn = str(self._draw(on_paths, Path(picture), source, target, lang))
        paths = [_labelled(p, [labels.get(a, a) for a in p.accounts]) for p in found.paths]
        return PathsBetween(source, target, found.complete, paths, drawn)

    def _draw(self, accounts: list[str], out: Path, source: str, target: str, lang: str) -> Path:
        from moneytrail.flows.widest import route_network
        from moneytrail.network.picture import draw_ego

        title = translate("flows.paths_picture_title", lang, source=source, target=target)
        net = route_network(self._ws.network.graph(), accounts)
        draw_ego(net, out, title, protected=self._ws.protected_paths())
        return out

    def common(self, subjects: Sequence[str], minimum: int = 2) -> CommonCounterparties:
        """Accounts that sent money to or received money from at least ``minimum`` of the
        ``subjects`` (the subjects' own accounts left out)."""
        from moneytrail.flows.subjects import account_facts
        from moneytrail.trace.paths import common_counterparties

        if len(subjects) < 2:
            raise UsageError("error.flows_too_few_subjects")
        if minimum < 1:
            raise UsageError("error.flows_bad_number", option="minimum", value=minimum)
        engine = self._ws.engine
        named = {s: self._accounts(s) for s in subjects}
        found = common_counterparties(engine, named, minimum)
        facts = account_facts(engine, [c.account_id for c in found])
        rows = [
            _counterparty(c, facts[c.account_id].label if c.account_id in facts else None)
            for c in found
        ]
        return CommonCounterparties(list(subjects), rows)


def _labelled(path: TemporalPath, labels: list[str]) -> LabelledPath:
    return LabelledPath(
        path.transaction_ids, path.accounts, list(path.amounts), path.first_ts, path.last_ts, labels
    )


def _counterparty(c: CommonCounterparty, label: str | None) -> LabelledCounterparty:
    return LabelledCounterparty(
        c.account_id, c.account_number, c.subjects, c.transactions, c.total, label
    )
