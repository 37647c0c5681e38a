"""``ws.rules``: the typology rules: their catalogue, a run over the workspace, their quality.

Rules are data (YAML, see docs/detection.md): the shipped library plus any folder of the
analyst's own rules. A run stores the rules' hits as alerts (``ws.alerts``) in one transaction
with its run record, so a run killed half-way keeps nothing and the next one says so. Example::

    with Workspace.open("enquete") as ws:
        done = ws.rules.run(["structuring", "fan_in"], ["structuring.threshold=3000000"])
        done.alerts_new, done.interrupted_runs
        [r.title for r in ws.rules.catalogue(lang="fr")]

``params`` are overrides per rule: ``{"structuring": {"window": "12h"}}`` (values as text or
typed), or the command line's ``"rule.parameter=value"`` texts; each value is checked against
the parameter's declared type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.detect.rules import Rule, RuleOutcome
    from moneytrail.detect.rules.quality import RuleQuality
    from moneytrail.engine.runs import RunRecord

__all__ = ["RuleEntry", "RuleProgress", "RulesPart", "RulesQuality", "RulesRun"]

RuleProgress = Callable[[str], Callable[[float, float], None]]
"""``progress(rule_id)`` -> ``callback(done, total)`` for that rule (the CLI draws bars)."""


@dataclass
class RuleEntry:
    """One rule of the catalogue, its names in the reader's language (``detect rules list``)."""

    id: str
    version: int
    typology: str
    typology_name: str
    title: str
    subject: str
    source: str
    parameters: dict[str, Any]
    references: list[dict[str, Any]]


@dataclass
class RulesRun:
    """What a run of the rules did (``detect run``): per rule outcomes, the totals, the run's
    record id (``job_runs``) and the earlier runs it found interrupted (to warn about)."""

    rules: list[RuleOutcome]
    hits: int
    alerts_new: int
    seconds: float
    job_run_id: str
    interrupted_runs: list[RunRecord]


@dataclass
class RulesQuality:
    """The rule alerts against the workspace's ground-truth labels (``detect quality``)."""

    rules: list[RuleQuality]

    def markdown(self) -> str:
        """The figures as a Markdown table (as docs/typologies.md shows them)."""
        from moneytrail.detect.rules.quality import quality_markdown

        return quality_markdown(self.rules)


class RulesPart:
    """Typology rules over one workspace."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def catalogue(self, folders: Iterable[Path | str] = (), lang: str = "fr") -> list[RuleEntry]:
        """Every rule: the shipped ones, then those of ``folders`` (same id: the folder's wins)."""
        return rule_catalogue(folders, lang)

    def run(
        self,
        rule_ids: Sequence[str | Rule] = (),
        params: Mapping[str, Mapping[str, Any]] | Sequence[str] | None = None,
        folders: Iterable[Path | str] = (),
        progress: RuleProgress | None = None,
    ) -> RulesRun:
        """Run rules (all of the library when ``rule_ids`` is empty; a rule object runs as
        given) and store their hits as alerts; an unknown id or parameter is a usage error."""
        from moneytrail.detect.rules import run_rules

        rules, overrides = chosen_rules(rule_ids, params, folders)
        result = run_rules(self._ws.engine, rules, overrides, progress)
        return RulesRun(
            rules=result.rules,
            hits=result.hits,
            alerts_new=result.alerts_new,
            seconds=round(result.seconds, 3),
            job_run_id=result.job_run_id,
            interrupted_runs=result.interrupted_runs,
        )

    def quality(self) -> RulesQuality:
        """Precision and recall of each rule's alerts against the labels of a synthetic
        scenario (see :mod:`moneytrail.detect.rules.quality`)."""
        from moneytrail.detect.rules.quality import rule_quality

        return RulesQuality(rule_quality(self._ws.engine))


def chosen_rules(
    rule_ids: Sequence[str | Rule],
    params: Mapping[str, Mapping[str, Any]] | Sequence[str] | None,
    folders: Iterable[Path | str],
) -> tuple[list[Rule], Mapping[str, Mapping[str, Any]]]:
    """The rules a run asks for (all of the library when ``rule_ids`` is empty; an unknown id
    is a usage error) and their parameter overrides (a mapping, or ``rule.param=value`` texts),
    the same for every engine."""
    from moneytrail.detect.rules import load_library, parse_overrides, select

    library = load_library([Path(f) for f in folders])
    select(library, [r for r in rule_ids if isinstance(r, str)])  # refuses an unknown id
    rules = [library[r] if isinstance(r, str) else r for r in rule_ids] or list(library.values())
    if params is None or isinstance(params, Mapping):
        return rules, params or {}
    return rules, parse_overrides(list(params), library | {r.id: r for r in rules})


def rule_catalogue(folders: Iterable[Path | str] = (), lang: str = "fr") -> list[RuleEntry]:
    """The rule catalogue without a workspace (``detect rules list`` needs none)."""
    from moneytrail.detect.rules import load_library

    return [
        RuleEntry(
            id=r.id,
            version=r.version,
            typology=r.typology,
            typology_name=r.typology_name.get(lang),
            title=r.title.get(lang),
            subject=r.subject,
            source=r.source,
            parameters={k: p.default for k, p in r.parameters.items()},
            references=[ref.model_dump() for ref in r.references],
        )
        for r in load_library([Path(f) for f in folders]).values()
    ]
