"""``ws.screening`` and the list-file functions: screen names against sanctions lists.

On a workspace, :class:`ScreeningPart` screens one name against the latest version of every
stored list, screens every party (findings stored ``to_review``), lists the findings and
records the analyst's decision. Without a workspace, module functions screen a name against
list files, diff two list files and measure the name scorer on labelled pairs. Example::

    with Workspace.open("enquete") as ws:
        run = ws.screening.parties(workers=2)
        for finding in ws.screening.matches(status="to_review").matches:
            ...
        ws.screening.decide(finding.id, "false_positive", note="homonyme", by="awa")

    found = screen_name("Iyad Ag Ghaly", ["consolidated.xml"], dob="1958")
    found.hits[0].entry_id

Every result is a dataclass whose :func:`~moneytrail.api.serialize.to_jsonable` form is what
``--json`` prints. The analytics (:mod:`moneytrail.screen`) are imported on first call.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.api.lists import ChangeCounts
from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.api.workspace import Workspace
    from moneytrail.engine.runs import RunRecord
    from moneytrail.screen.entry import SanctionsList
    from moneytrail.screen.index import CandidateIndex
    from moneytrail.screen.jobs import Finding
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings, SettingsError

__all__ = [
    "LIST_FORMATS",
    "MATCH_STATUSES",
    "ChangedEntry",
    "CrossValidation",
    "DiffEntry",
    "Figures",
    "Finding",
    "ListFileDiff",
    "ListSide",
    "MatchDecision",
    "MatchList",
    "MisclassifiedPair",
    "NameEvaluation",
    "NameHit",
    "NameScreening",
    "NamesFileScreened",
    "PartiesScreened",
    "Query",
    "ScreenSettings",
    "ScreenedList",
    "ScreenedQuery",
    "ScreeningPart",
    "SettingsError",
    "StageSeconds",
    "diff_list_files",
    "evaluate_names",
    "name_query",
    "screen_name",
    "screen_names_file",
    "screen_settings",
]

# The names of :data:`moneytrail.screen.lists.FORMATS`, here so that a face can list them
# without importing the loaders (a test checks both agree).
LIST_FORMATS = ("custom", "eu_csv", "eu_xml", "ftm", "ofac_csv", "ofac_xml", "uk_hmt", "un")
# The statuses of a finding (:data:`moneytrail.screen.jobs.STATUSES`, checked by a test too).
MATCH_STATUSES = ("to_review", "confirmed", "false_positive")

Progress = Callable[[int, int], None]
"""``progress(done, total)``: party names screened so far out of all of them."""


# -- settings and queries ------------------------------------------------------------------
def screen_settings(
    path: Path | str | None = None, threshold: float | None = None, *, source: str = "threshold"
) -> ScreenSettings:
    """Settings from a TOML/YAML file (defaults without one), matching from ``threshold``
    when given. A refused value is a :class:`SettingsError` (a usage error) naming the file,
    or ``source`` for the threshold (the CLI passes ``"--threshold"``: "0.8, not 80")."""
    from moneytrail.screen.settings import ScreenSettings

    settings = ScreenSettings.from_file(Path(path)) if path is not None else ScreenSettings()
    if threshold is not None:
        settings = settings.with_threshold(threshold, source=source)
    return settings


def name_query(
    name: str,
    schema: str | None = None,
    dob: str | None = None,
    countries: Iterable[str] = (),
) -> Query:
    """The screened name and its facts, each checked (see
    :func:`moneytrail.screen.scorer.checked_query`): an unreadable date, country or kind is a
    :class:`~moneytrail.errors.UsageError`, never silently ignored."""
    from moneytrail.screen.scorer import checked_query

    return checked_query(name, schema, dob, countries)


# -- one name ------------------------------------------------------------------------------
@dataclass
class ScreenedQuery:
    """The name screened and the facts that corroborate a hit, as read."""

    name: str
    dob: str | None
    countries: list[str]
    schema: str | None


@dataclass
class NameHit:
    """A list entry that scored for the name: where it is listed, its score, and why."""

    source: str
    list_version_id: str
    entry_id: str
    schema: str
    name: str
    matched_name: str
    score: float
    birth_dates: list[str]
    nationalities: list[str]
    programs: list[str]
    explanation: dict[str, Any]
    match: bool  # score at or above the threshold; below it: to review

    def features(self) -> list[str]:
        """The names of the features that fired (``name_variant``, ``dob_match``...)."""
        return [str(f["feature"]) for f in self.explanation.get("features", [])]


@dataclass
class NameScreening:
    """Hits of one name against the lists, best first."""

    query: ScreenedQuery
    threshold: float
    entries_indexed: int
    hits: list[NameHit]


def _screen(
    query: Query,
    index: CandidateIndex,
    sources: dict[str, str],
    settings: ScreenSettings | None,
) -> NameScreening:
    from moneytrail.screen.settings import ScreenSettings

    chosen = settings or ScreenSettings()
    hits = [
        NameHit(
            source=sources.get(hit.tag, hit.tag),
            list_version_id=hit.tag,
            entry_id=hit.entry.entry_id,
            schema=hit.entry.schema,
            name=hit.entry.primary_name,
            matched_name=hit.matched_name,
            score=round(hit.score, 4),
            birth_dates=list(hit.entry.birth_dates),
            nationalities=list(hit.entry.nationalities),
            programs=list(hit.entry.programs),
            explanation=hit.explanation(),
            match=hit.score >= chosen.threshold,
        )
        for hit in index.screen(query, chosen)
    ]
    asked = ScreenedQuery(query.name, query.birth_date, list(query.countries), query.schema)
    return NameScreening(asked, chosen.threshold, len(index), hits)


def files_index(
    lists: Sequence[Path | str], building: Callable[[], None] | None = None
) -> CandidateIndex:
    """The candidate index of list files, read from the screening index cache when these
    files (by SHA-256) were indexed before, else built and stored (see
    :mod:`moneytrail.screen.stored`); ``building()`` is called before a build."""
    from moneytrail.screen.stored import file_source, open_index

    if not lists:
        raise UsageError("error.screen_need_lists")
    paths = [Path(p) for p in lists]
    if not all(path.is_file() for path in paths):
        _load_lists(paths)  # the loader's own refusal: the file named, nothing screened
    sources = [file_source(p) for p in paths]

    def load() -> list[tuple[str, SanctionsList]]:
        loaded = _load_lists(paths)
        return [(lst.source, lst) for lst in loaded]

    return open_index(sources, load, building=building)


def _load_lists(paths: list[Path]) -> list[SanctionsList]:
    # the list readers import followthemoney's model (about a second): only when a list is read
    from moneytrail.screen.lists import load_list

    return [load_list(p) for p in paths]


def _query(
    name: str | Query, schema: str | None, dob: str | None, countries: Iterable[str]
) -> Query:
    return name_query(name, schema, dob, countries) if isinstance(name, str) else name


def screen_name(
    name: str | Query,
    lists: Sequence[Path | str],
    *,
    dob: str | None = None,
    countries: Iterable[str] = (),
    schema: str | None = None,
    settings: ScreenSettings | None = None,
    building: Callable[[], None] | None = None,
) -> NameScreening:
    """Screen one name against list files (no workspace); ``name`` may be a checked
    :func:`name_query` already, the facts are then read from it. The files' index is built
    once and kept in the cache directory (``building()`` is called when it must be built)."""
    query = _query(name, schema, dob, countries)
    return _screen(query, files_index(lists, building), {}, settings)


# -- a file of names -----------------------------------------------------------------------
@dataclass
class NamesFileScreened:
    """What ``screen --names FILE`` did: rows read, distinct names screened, lines written."""

    file: str
    out: str
    rows: int
    distinct_names: int
    lines: int
    rows_with_hits: int
    matches: int
    to_review: int
    threshold: float
    entries_indexed: int
    seconds: float


def screen_names_file(
    path: Path | str,
    out: Path | str,
    *,
    lists: Sequence[Path | str] = (),
    workspace: Workspace | None = None,
    columns: dict[str, str] | None = None,
    settings: ScreenSettings | None = None,
    workers: int | None = 1,
    every_row: bool = False,
    progress: Progress | None = None,
    building: Callable[[], None] | None = None,
) -> NamesFileScreened:
    """Screen every row of a CSV/XLSX file of names against list files (``lists``) or the
    lists stored in ``workspace``, writing the hits to ``out`` (``.csv`` or ``.jsonl``).

    The file is read and checked whole first: a wrong row refuses it (``file:line: field:
    reason``) before anything is screened or written. ``columns`` maps fields (``name``,
    ``dob``, ``country``, ``kind``, ``id``, ``identifier``) to headers the file uses;
    ``progress(done, total)`` counts rows screened."""
    import time

    from moneytrail.screen.names_file import read_names
    from moneytrail.screen.names_run import distinct_chunks, screen_rows, write_results
    from moneytrail.screen.settings import ScreenSettings

    started = time.perf_counter()
    target = Path(out)
    if target.suffix.lower() not in (".csv", ".jsonl"):
        raise UsageError("error.screen_names_out", path=str(target))
    rows = read_names(Path(path), columns)
    sources: dict[str, str] = {}
    if workspace is not None and not lists:
        from moneytrail.screen.jobs import workspace_index

        index, sources = workspace_index(workspace.engine, building)
        if not sources:
            raise UsageError("error.screen_no_lists")
    else:
        index = files_index(lists, building)
    chosen = settings or ScreenSettings()
    processes = workers or os.cpu_count() or 1
    results = screen_rows(index, rows, chosen, processes, progress)
    counts = write_results(target, results, chosen, sources, every_row)
    return NamesFileScreened(
        file=str(path),
        out=str(target),
        rows=len(rows),
        distinct_names=sum(len(c) for c in distinct_chunks(rows)),
        threshold=chosen.threshold,
        entries_indexed=len(index),
        seconds=round(time.perf_counter() - started, 2),
        **counts,
    )


# -- two list files ------------------------------------------------------------------------
@dataclass
class ListSide:
    """One of the two files compared: its source, version and number of entries."""

    source: str
    version: str | None
    entries: int


@dataclass
class DiffEntry:
    """An entry added or removed, by id and primary name."""

    entry_id: str
    name: str


@dataclass
class ChangedEntry:
    """An entry in both files whose ``fields`` changed."""

    entry_id: str
    name: str
    fields: list[str]


@dataclass
class ListFileDiff:
    """What changed between two files of a list (``lists diff``)."""

    old: ListSide
    new: ListSide
    counts: ChangeCounts
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[ChangedEntry]


def diff_list_files(old: Path | str, new: Path | str, fmt: str | None = None) -> ListFileDiff:
    """Entries added, removed and changed from the list file ``old`` to ``new``."""
    from moneytrail.api.lists import change_counts
    from moneytrail.screen.diff import diff_lists
    from moneytrail.screen.lists import load_list

    before, after = load_list(Path(old), fmt), load_list(Path(new), fmt)
    diff = diff_lists(before, after)
    old_by, new_by = before.by_id(), after.by_id()
    return ListFileDiff(
        old=ListSide(before.source, before.version, diff.old_count),
        new=ListSide(after.source, after.version, diff.new_count),
        counts=change_counts(diff),
        added=[DiffEntry(i, new_by[i].primary_name) for i in diff.added],
        removed=[DiffEntry(i, old_by[i].primary_name) for i in diff.removed],
        changed=[ChangedEntry(i, new_by[i].primary_name, f) for i, f in diff.changed.items()],
    )


# -- the scorer measured -------------------------------------------------------------------
@dataclass
class Figures:
    """Confusion counts on labelled pairs and the figures derived from them."""

    pairs: int
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f1: float


@dataclass
class MisclassifiedPair:
    """A labelled pair the scorer got wrong at the threshold."""

    name1: str
    name2: str
    truth: bool
    score: float


@dataclass
class CrossValidation:
    """Held-out figures: threshold and score constants chosen on the other folds."""

    scorer: str
    folds: int
    seed: int
    held_out: Figures
    chosen: list[dict[str, float]]


@dataclass
class NameEvaluation:
    """Precision, recall and F1 of the name scorer on a labelled pairs file; the misclassified
    pairs, cross-validated figures and a published run's figures when asked (else ``None``)."""

    scorer: str
    threshold: float
    pairs: int
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f1: float
    errors: list[MisclassifiedPair] | None = None
    cross_validation: CrossValidation | None = None
    reference: Figures | None = None


def _figures(data: dict[str, Any]) -> Figures:
    return Figures(**{name: data[name] for name in Figures.__dataclass_fields__})


def evaluate_names(
    cases: Path | str,
    settings: ScreenSettings | None = None,
    *,
    errors: bool = False,
    folds: int | None = None,
    reference: Path | str | None = None,
) -> NameEvaluation:
    """Score every pair of a cases CSV (``schema,name1,name2,is_match``) at the threshold;
    ``errors``: list the misclassified pairs; ``folds``: k-fold held-out figures; ``reference``:
    the figures of a published run (``is_match,predicted_match``) on the same pairs."""
    from moneytrail.screen.evaluate import cross_validate, evaluate_cases, evaluate_reference

    if folds is not None and folds < 2:
        raise UsageError("error.screen_folds_too_few", folds=folds)
    data = evaluate_cases(Path(cases), settings)
    result = NameEvaluation(
        scorer=data["scorer"], threshold=data["threshold"], **vars(_figures(data))
    )
    if errors:
        result.errors = [MisclassifiedPair(**e) for e in data["errors"]]
    if folds is not None:
        cv = cross_validate(Path(cases), folds)
        result.cross_validation = CrossValidation(
            cv["scorer"], cv["folds"], cv["seed"], _figures(cv["held_out"]), cv["chosen"]
        )
    if reference is not None:
        result.reference = _figures(evaluate_reference(Path(reference)))
    return result


# -- the workspace part --------------------------------------------------------------------
@dataclass
class ScreenedList:
    """A list version the parties were screened against."""

    version_id: str
    source: str
    entries: int


@dataclass
class StageSeconds:
    """Wall time of the two stages: distinct names, then facts per party."""

    names: float
    parties: float


@dataclass
class PartiesScreened:
    """What ``screen parties`` did. ``interrupted_runs``: earlier screenings killed half-way
    (they kept nothing); a face warns about each (:meth:`RunRecord.warning`)."""

    parties: int
    names: int
    distinct_names: int
    hits: int
    matches_new: int
    seconds: StageSeconds
    lists: list[ScreenedList]
    scorer: str
    threshold: float
    workers: int
    job_run_id: str
    interrupted_runs: list[RunRecord]


@dataclass
class MatchList:
    """Stored findings, best score first (``screen matches``)."""

    matches: list[Finding]


@dataclass
class MatchDecision:
    """The decision recorded on a finding (``screen review``)."""

    id: str
    status: str
    note: str | None
    by: str


class ScreeningPart:
    """Screening of one workspace: its parties against its stored lists, and the findings."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def name(
        self,
        name: str | Query,
        *,
        dob: str | None = None,
        countries: Iterable[str] = (),
        schema: str | None = None,
        settings: ScreenSettings | None = None,
        building: Callable[[], None] | None = None,
    ) -> NameScreening:
        """Screen one name against the latest version of every list stored here (their index
        is built once per set of list versions and kept in the cache directory)."""
        from moneytrail.screen.jobs import workspace_index

        query = _query(name, schema, dob, countries)
        index, sources = workspace_index(self._ws.engine, building)
        if not sources:
            raise UsageError("error.screen_need_lists")
        return _screen(query, index, sources, settings)

    def parties(
        self,
        settings: ScreenSettings | None = None,
        workers: int | None = 1,
        progress: Progress | None = None,
    ) -> PartiesScreened:
        """Screen every party (name and aliases, with its facts) against the latest version of
        every list, each distinct name once over ``workers`` processes (``None``: one per CPU
        core); new hits are stored as findings ``to_review``, decided ones are never reset."""
        from moneytrail.screen.jobs import screen_parties
        from moneytrail.screen.settings import ScreenSettings

        processes = workers or os.cpu_count() or 1
        done = screen_parties(
            self._ws.engine, settings or ScreenSettings(), progress, workers=processes
        )
        return PartiesScreened(
            parties=done["parties"],
            names=done["names"],
            distinct_names=done["distinct_names"],
            hits=done["hits"],
            matches_new=done["matches_new"],
            seconds=StageSeconds(**done["seconds"]),
            lists=[ScreenedList(**lst) for lst in done["lists"]],
            scorer=done["scorer"],
            threshold=done["threshold"],
            workers=done["workers"],
            job_run_id=done["job_run_id"],
            interrupted_runs=list(done["interrupted_runs"]),
        )

    def matches(self, status: str | None = None) -> MatchList:
        """Stored findings (only those of ``status`` when given: see :data:`MATCH_STATUSES`)."""
        from moneytrail.screen.jobs import list_matches

        return MatchList(list_matches(self._ws.engine, status))

    def decide(
        self, match_id: str, status: str, note: str | None = None, by: str = "analyst"
    ) -> MatchDecision:
        """Record ``by``'s decision on a finding (``confirmed``, ``false_positive`` or back to
        ``to_review``) with a note; who and when are kept with it."""
        from moneytrail.screen.jobs import set_status

        set_status(self._ws.engine, match_id, status, note, by)
        return MatchDecision(match_id, status, note, by)


_LAZY = {
    "Finding": "moneytrail.screen.jobs",
    "Query": "moneytrail.screen.scorer",
    "ScreenSettings": "moneytrail.screen.settings",
    "SettingsError": "moneytrail.screen.settings",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
