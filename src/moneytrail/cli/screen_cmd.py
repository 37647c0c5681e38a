"""``moneytrail lists …`` and ``moneytrail screen …``: sanctions lists and screening.

Thin face over :mod:`moneytrail.screen`: parse options, call the library, print French/English
text or one JSON document. ``moneytrail screen "NAME"`` is short for ``moneytrail screen name
"NAME"`` (a first word that is not a sub-command is read as the name to screen).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from moneytrail.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    print_json,
    tr,
    workspace_path,
)
from moneytrail.screen.diff import diff_lists
from moneytrail.screen.entry import SanctionsList
from moneytrail.screen.evaluate import cross_validate, evaluate_cases, evaluate_reference
from moneytrail.screen.index import CandidateIndex
from moneytrail.screen.jobs import latest_lists, list_matches, screen_parties, set_status
from moneytrail.screen.lists import FORMATS, load_list
from moneytrail.screen.scorer import Hit, Query
from moneytrail.screen.settings import ScreenSettings
from moneytrail.screen.store import list_versions, save_list
from moneytrail.workspace import Workspace


class _NameFirstGroup(TyperGroup):
    """A group whose first free word, when not a sub-command, is the name to screen."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["name", *args]
        return list(super().parse_args(ctx, args))


lists_app = typer.Typer(help="Sanctions lists / listes de sanctions", no_args_is_help=True)
screen_app = typer.Typer(
    cls=_NameFirstGroup,
    help="Screen names against sanctions lists / filtrage sur les listes de sanctions",
    no_args_is_help=True,
)
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="List format: " + ", ".join(sorted(FORMATS)))
]
SettingsOpt = Annotated[
    Path | None, typer.Option("--settings", help="Screening settings (TOML/YAML)")
]
ThresholdOpt = Annotated[float | None, typer.Option("--threshold", help="Match threshold 0..1")]


def register(app: typer.Typer) -> None:
    """Attach the ``lists`` and ``screen`` groups to ``app``."""
    app.add_typer(lists_app, name="lists")
    app.add_typer(screen_app, name="screen")


def _settings(path: Path | None, threshold: float | None = None) -> ScreenSettings:
    settings = ScreenSettings.from_file(path) if path else ScreenSettings()
    if threshold is not None:
        settings = settings.model_copy(update={"threshold": threshold})
    return settings


@lists_app.command("load")
def lists_load(
    file: Annotated[Path, typer.Argument(help="List file (UN/OFAC/UK/EU/custom/FtM)")],
    fmt: FormatOpt = None,
    list_id: Annotated[
        str | None, typer.Option("--list-id", help="Default: the list source")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Load a list version into the workspace / charger une version de liste."""
    sanctions = load_list(file, fmt)
    with Workspace.open(workspace_path(workspace)) as ws:
        saved = save_list(ws.engine, sanctions, file, list_id)
    diff = saved.diff
    result = {
        "version_id": saved.version_id,
        "list_id": saved.list_id,
        "source": sanctions.source,
        "format": sanctions.fmt,
        "version": sanctions.version,
        "entries": len(sanctions.entries),
        "created": saved.created,
        "previous_version_id": saved.previous_id,
        "diff": None
        if diff is None
        else {"added": diff.added, "removed": diff.removed, "changed": diff.changed},
    }
    if json_out:
        print_json(result)
        return
    key = "cli.screen_list_loaded" if saved.created else "cli.screen_list_already"
    console.print(tr(key, file=str(file), source=sanctions.source, count=len(sanctions.entries)))
    if diff is not None:
        console.print(
            tr(
                "cli.screen_diff_counts",
                added=len(diff.added),
                removed=len(diff.removed),
                changed=len(diff.changed),
            )
        )


@lists_app.command("show")
def lists_show(workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """List versions stored in the workspace / versions de listes chargées."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        versions = list_versions(ws.engine)
    if json_out:
        print_json({"versions": versions})
        return
    for v in versions:
        cells = (v["list_id"], v["version_date"] or "-", v["entry_count"], v["file_name"], v["id"])
        console.print("\t".join(str(c) for c in cells))


@lists_app.command("diff")
def lists_diff(
    old: Annotated[Path, typer.Argument(help="Older list file")],
    new: Annotated[Path, typer.Argument(help="Newer list file")],
    fmt: FormatOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """What changed between two list files / différences entre deux versions."""
    before, after = load_list(old, fmt), load_list(new, fmt)
    diff = diff_lists(before, after)
    summary = diff.as_dict(before, after)
    if json_out:
        print_json(summary)
        return
    console.print(
        tr(
            "cli.screen_diff_counts",
            added=len(diff.added),
            removed=len(diff.removed),
            changed=len(diff.changed),
        )
    )
    for label, items in (
        ("+", summary["added"]),
        ("-", summary["removed"]),
        ("~", summary["changed"]),
    ):
        for item in items:
            console.print(f"{label} {item['entry_id']}\t{item['name']}")


def _hit_dict(hit: Hit, sources: dict[str, str]) -> dict[str, Any]:
    e = hit.entry
    return {
        "source": sources.get(hit.tag, hit.tag),
        "list_version_id": hit.tag,
        "entry_id": e.entry_id,
        "schema": e.schema,
        "name": e.primary_name,
        "matched_name": hit.matched_name,
        "score": round(hit.score, 4),
        "birth_dates": list(e.birth_dates),
        "nationalities": list(e.nationalities),
        "programs": list(e.programs),
        "explanation": hit.explanation(),
    }


@screen_app.command("name")
def screen_name(
    name: Annotated[str, typer.Argument(help="Name to screen")],
    dob: Annotated[
        str | None, typer.Option("--dob", help="Birth date (YYYY, YYYY-MM or YYYY-MM-DD)")
    ] = None,
    country: Annotated[
        list[str] | None, typer.Option("--country", help="ISO country (repeatable)")
    ] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Person | Organization")] = None,
    list_files: Annotated[
        list[Path] | None, typer.Option("--list", help="List file (repeatable)")
    ] = None,
    workspace: WorkspaceOpt = None,
    settings_file: SettingsOpt = None,
    threshold: ThresholdOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Screen one name / filtrer un nom."""
    settings = _settings(settings_file, threshold)
    lists: list[tuple[str, SanctionsList]]
    if list_files:
        lists = [(lst.source, lst) for lst in (load_list(p) for p in list_files)]
    else:
        with Workspace.open(workspace_path(workspace), read_only=True) as ws:
            lists = latest_lists(ws.engine)
    if not lists:
        from moneytrail.errors import UsageError

        raise UsageError("error.screen_need_lists")
    index = CandidateIndex([lst for _, lst in lists], tags=[tag for tag, _ in lists])
    query = Query(name, schema, dob, tuple(c.upper() for c in country or ()))
    hits = index.screen(query, settings)
    sources = {tag: lst.source for tag, lst in lists}
    result = {
        "query": {"name": name, "dob": dob, "countries": list(query.countries), "schema": schema},
        "threshold": settings.threshold,
        "entries_indexed": len(index),
        "hits": [_hit_dict(h, sources) | {"match": h.score >= settings.threshold} for h in hits],
    }
    if json_out:
        print_json(result)
        return
    if not hits:
        console.print(tr("cli.screen_no_hit", name=name))
    for h in hits:
        label = (
            tr("cli.screen_match") if h.score >= settings.threshold else tr("cli.screen_to_review")
        )
        reasons = ", ".join(f["feature"] for f in h.features) or "exact"
        where = f"[{sources[h.tag]} {h.entry.entry_id}]"
        console.print(f"{h.score:.2f}  {label}  {where} {h.matched_name}  ({reasons})")


@screen_app.command("parties")
def screen_parties_cmd(
    workspace: WorkspaceOpt = None,
    settings_file: SettingsOpt = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Processes (default: CPU cores) / processus"),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Screen every party of the workspace / filtrer toutes les parties."""
    import os

    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    settings = _settings(settings_file)
    processes = workers or os.cpu_count() or 1
    with Workspace.open(workspace_path(workspace)) as ws:
        if json_out:
            summary = screen_parties(ws.engine, settings, workers=processes)
        else:
            bars = Progress(
                TextColumn(tr("cli.screen_progress")),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=err_console,
            )
            with bars:
                task = bars.add_task("screen", total=None)
                summary = screen_parties(
                    ws.engine,
                    settings,
                    lambda done, total: bars.update(task, completed=done, total=total),
                    workers=processes,
                )
    if json_out:
        print_json(summary)
    else:
        console.print(
            tr(
                "cli.screen_parties_done",
                parties=summary["parties"],
                distinct=summary["distinct_names"],
                hits=summary["hits"],
                new=summary["matches_new"],
            )
        )


@screen_app.command("matches")
def screen_matches(
    status: Annotated[
        str | None, typer.Option("--status", help="to_review | confirmed | false_positive")
    ] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stored screening findings / résultats de filtrage enregistrés."""
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        matches = list_matches(ws.engine, status)
    if json_out:
        print_json({"matches": matches})
        return
    for m in matches:
        console.print(
            f"{m['score']:.2f}  {m['status']}  {m['query']} -> {m['matched_name']}  {m['id']}"
        )


@screen_app.command("review")
def screen_review(
    match_id: Annotated[str, typer.Argument(help="Finding id")],
    status: Annotated[str, typer.Option("--status", help="confirmed | false_positive | to_review")],
    note: Annotated[str | None, typer.Option("--note", help="Analyst note")] = None,
    analyst: Annotated[str, typer.Option("--by", help="Analyst name")] = "analyst",
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a decision on a finding / décider d'un résultat de filtrage."""
    with Workspace.open(workspace_path(workspace)) as ws:
        set_status(ws.engine, match_id, status, note, analyst)
    if json_out:
        print_json({"id": match_id, "status": status})
    else:
        console.print(tr("cli.screen_review_done", match=match_id, status=status))


@screen_app.command("evaluate-names")
def screen_evaluate(
    cases: Annotated[Path, typer.Argument(help="Labelled pairs CSV (schema,name1,name2,is_match)")],
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="Published run to compare (is_match,predicted_match)"),
    ] = None,
    settings_file: SettingsOpt = None,
    threshold: ThresholdOpt = None,
    errors: Annotated[
        bool, typer.Option("--errors", help="Also list the misclassified pairs")
    ] = False,
    cv: Annotated[
        int | None,
        typer.Option("--cv", min=2, help="K-fold held-out figures / validation croisée"),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Precision, recall, F1 of the name matcher / mesure du rapprochement de noms."""
    result = evaluate_cases(cases, _settings(settings_file, threshold))
    if not errors:
        result.pop("errors")
    if cv is not None:
        result["cross_validation"] = cross_validate(cases, cv)
    if reference is not None:
        result["reference"] = evaluate_reference(reference)
    if json_out:
        print_json(result)
        return
    console.print(
        tr(
            "cli.screen_eval",
            scorer=result["scorer"],
            pairs=result["pairs"],
            p=result["precision"],
            r=result["recall"],
            f1=result["f1"],
            threshold=result["threshold"],
        )
    )
    if cv is not None:
        held = result["cross_validation"]["held_out"]
        console.print(
            tr(
                "cli.screen_eval_cv",
                folds=cv,
                p=held["precision"],
                r=held["recall"],
                f1=held["f1"],
            )
        )
    if reference is not None:
        ref = result["reference"]
        console.print(
            tr(
                "cli.screen_eval_reference",
                pairs=ref["pairs"],
                p=ref["precision"],
                r=ref["recall"],
                f1=ref["f1"],
            )
        )
