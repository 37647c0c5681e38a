"""``moneytrail lists …`` and ``moneytrail screen …``: sanctions lists and screening.

Thin face over ``ws.lists``, ``ws.screening`` and the list-file functions of
:mod:`moneytrail.api.screening`: parse options, call the library, print French/English text or
one JSON document. ``moneytrail screen "NAME"`` is short for ``moneytrail screen name "NAME"``
(a first word that is not a sub-command is read as the name to screen).

Example::

    moneytrail lists load consolidated.xml -w enquete
    moneytrail screen "Iyad Ag Ghaly" --dob 1958 -w enquete
    moneytrail screen parties -w enquete --workers 2
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from moneytrail.api import Workspace
from moneytrail.api.screening import (
    LIST_FORMATS,
    MATCH_STATUSES,
    diff_list_files,
    evaluate_names,
    name_query,
    screen_name,
    screen_names_file,
    screen_settings,
)
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import output


class _NameFirstGroup(TyperGroup):
    """A group whose first free word, when not a sub-command, is the name to screen."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] == "--names":  # ``screen --names FILE`` is ``screen file FILE``
            args = ["file", *args[1:]]
        elif args and args[0].startswith("--names="):
            args = ["file", args[0].split("=", 1)[1], *args[1:]]
        elif args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["name", *args]
        return list(super().parse_args(ctx, args))


lists_app = typer.Typer(help="Sanctions lists / listes de sanctions", no_args_is_help=True)
screen_app = typer.Typer(
    cls=_NameFirstGroup,
    help="Screen names against sanctions lists / filtrage sur les listes de sanctions",
    no_args_is_help=True,
)
FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="List format: " + ", ".join(LIST_FORMATS))
]
SettingsOpt = Annotated[
    Path | None, typer.Option("--settings", help="Screening settings (TOML/YAML)")
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option("--threshold", help="Match threshold, a number from 0 to 1 (0.8, not 80)"),
]
# More processes than this only adds memory and start-up time on any machine an FIU has; more
# folds than this is leave-one-out on small case files, better asked for explicitly.
MAX_WORKERS = 256
MAX_FOLDS = 100


def register(app: typer.Typer) -> None:
    """Attach the ``lists`` and ``screen`` groups to ``app``."""
    app.add_typer(lists_app, name="lists")
    app.add_typer(screen_app, name="screen")


@lists_app.command("load")
def lists_load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="List file (UN/OFAC/UK/EU/custom/FtM)")],
    fmt: FormatOpt = None,
    list_id: Annotated[
        str | None, typer.Option("--list-id", help="Default: the list source")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Accept a version removing more than half of the entries / accepter une version "
            "qui retire plus de la moitié des entrées",
        ),
    ] = False,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Load a list version into the workspace / charger une version de liste."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        loaded = ws.lists.load(file, fmt, list_id, force=force)
    if json_out:
        out.json(loaded)
        return
    key = "cli.screen_list_loaded" if loaded.created else "cli.screen_list_already"
    out.print(out.tr(key, file=str(file), source=loaded.source, count=loaded.entries))
    counts = loaded.counts
    if not loaded.created:
        out.print(out.tr("cli.screen_same_version_counts"))
    elif loaded.previous_version_id is None:
        out.print(
            out.tr("cli.screen_first_version_counts", list_id=loaded.list_id, added=counts.added)
        )
    else:
        out.print(
            out.tr(
                "cli.screen_diff_counts",
                added=counts.added,
                removed=counts.removed,
                changed=counts.changed,
            )
        )


@lists_app.command("show")
def lists_show(
    ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False
) -> None:
    """List versions stored in the workspace / versions de listes chargées."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        stored = ws.lists.versions()
    if json_out:
        out.json(stored)
        return
    for v in stored.versions:
        cells = (v.list_id, v.version_date or "-", v.entry_count, v.file_name, v.id)
        out.print("\t".join(str(c) for c in cells))


lists_app.command("versions", help="List versions stored in the workspace (= show)")(lists_show)


@lists_app.command("diff")
def lists_diff(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(help="Older list file")],
    new: Annotated[Path, typer.Argument(help="Newer list file")],
    fmt: FormatOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """What changed between two list files / différences entre deux versions."""
    out = output(ctx)
    diff = diff_list_files(old, new, fmt)
    if json_out:
        out.json(diff)
        return
    counts = diff.counts
    out.print(
        out.tr(
            "cli.screen_diff_counts",
            added=counts.added,
            removed=counts.removed,
            changed=counts.changed,
        )
    )
    for label, items in (("+", diff.added), ("-", diff.removed), ("~", diff.changed)):
        for item in items:
            out.print(f"{label} {item.entry_id}\t{item.name}")


@screen_app.command("name")
def screen_name_cmd(
    ctx: typer.Context,
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
    out = output(ctx)
    settings = screen_settings(settings_file, threshold, source="--threshold")
    query = name_query(name, schema, dob, country or [])

    def building() -> None:  # stderr: stdout stays the --json document
        out.warn(out.tr("cli.screen_index_building"))

    if list_files:
        found = screen_name(query, list_files, settings=settings, building=building)
    else:
        with Workspace.open(workspace_path(workspace), read_only=True) as ws:
            found = ws.screening.name(query, settings=settings, building=building)
    if json_out:
        out.json(found)
        return
    if not found.hits:
        out.print(out.tr("cli.screen_no_hit", name=name))
    for hit in found.hits:
        label = out.tr("cli.screen_match") if hit.match else out.tr("cli.screen_to_review")
        reasons = ", ".join(hit.features()) or "exact"
        where = f"[{hit.source} {hit.entry_id}]"
        out.print(f"{hit.score:.2f}  {label}  {where} {hit.matched_name}  ({reasons})")


def _columns(values: list[str] | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for value in values or []:
        for part in value.split(","):
            field, sep, header = part.partition("=")
            if not sep or not field.strip() or not header.strip():
                raise typer.BadParameter(f"--columns: {part!r} is not FIELD=HEADER")
            chosen[field.strip().lower()] = header.strip()
    return chosen


@screen_app.command("file")
def screen_file_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV or XLSX of names / fichier de noms")],
    out: Annotated[Path, typer.Option("--out", "-o", help="results.csv | results.jsonl")],
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            help="FIELD=HEADER,... (name, dob, country, kind, id, identifier) / colonnes",
        ),
    ] = None,
    list_files: Annotated[
        list[Path] | None, typer.Option("--list", help="List file (repeatable)")
    ] = None,
    workspace: WorkspaceOpt = None,
    settings_file: SettingsOpt = None,
    threshold: ThresholdOpt = None,
    every_row: Annotated[
        bool,
        typer.Option("--all", help="Also a line for each row without hit / toutes les lignes"),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, max=MAX_WORKERS, help="Processes / processus"),
    ] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Screen a file of names (also: screen --names FILE) / filtrer un fichier de noms."""
    out_ = output(ctx)
    settings = screen_settings(settings_file, threshold, source="--threshold")
    chosen = _columns(columns)

    def building() -> None:
        out_.warn(out_.tr("cli.screen_index_building"))

    with out_.progress(not json_out) as bars, contextlib.ExitStack() as stack:
        bar = bars(out_.tr("cli.screen_names_progress")) if bars is not None else None
        ws = None
        if not list_files:  # the workspace's latest list versions
            ws = stack.enter_context(Workspace.open(workspace_path(workspace), read_only=True))
        done = screen_names_file(
            file, out, lists=list_files or (), workspace=ws, columns=chosen, settings=settings,
            workers=workers, every_row=every_row, progress=bar, building=building,
        )  # fmt: skip
    if json_out:
        out_.json(done)
        return
    out_.print(
        out_.tr(
            "cli.screen_names_done",
            rows=done.rows,
            distinct=done.distinct_names,
            with_hits=done.rows_with_hits,
            matches=done.matches,
            review=done.to_review,
            out=done.out,
        )
    )


@screen_app.command("parties")
def screen_parties_cmd(
    ctx: typer.Context,
    workspace: WorkspaceOpt = None,
    settings_file: SettingsOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=MAX_WORKERS,
            help="Processes (default: CPU cores) / processus",
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Screen every party of the workspace / filtrer toutes les parties."""
    out = output(ctx)
    settings = screen_settings(settings_file)
    with Workspace.open(workspace_path(workspace)) as ws, out.progress(not json_out) as bars:
        bar = bars(out.tr("cli.screen_progress")) if bars is not None else None
        done = ws.screening.parties(settings, workers, bar)
    for record in done.interrupted_runs:  # stderr: stdout stays the --json document
        out.warn(record.warning(out.lang))
    if json_out:
        out.json(done)
    else:
        out.print(
            out.tr(
                "cli.screen_parties_done",
                parties=done.parties,
                distinct=done.distinct_names,
                hits=done.hits,
                new=done.matches_new,
            )
        )


@screen_app.command("matches")
def screen_matches(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help=" | ".join(MATCH_STATUSES))] = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Stored screening findings / résultats de filtrage enregistrés."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        listed = ws.screening.matches(status)
    if json_out:
        out.json(listed)
        return
    for m in listed.matches:
        out.print(f"{m.score:.2f}  {m.status}  {m.query} -> {m.matched_name}  {m.id}")


@screen_app.command("review")
def screen_review(
    ctx: typer.Context,
    match_id: Annotated[str, typer.Argument(help="Finding id")],
    status: Annotated[str, typer.Option("--status", help="confirmed | false_positive | to_review")],
    note: Annotated[str | None, typer.Option("--note", help="Analyst note")] = None,
    analyst: Annotated[str, typer.Option("--by", help="Analyst name")] = "analyst",
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Record a decision on a finding / décider d'un résultat de filtrage."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace)) as ws:
        decision = ws.screening.decide(match_id, status, note, analyst)
    if json_out:
        out.json(decision)
    else:
        out.print(out.tr("cli.screen_review_done", match=decision.id, status=decision.status))


@screen_app.command("evaluate-names")
def screen_evaluate(
    ctx: typer.Context,
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
        typer.Option(
            "--cv", min=2, max=MAX_FOLDS, help="K-fold held-out figures / validation croisée"
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Precision, recall, F1 of the name matcher / mesure du rapprochement de noms."""
    out = output(ctx)
    settings = screen_settings(settings_file, threshold, source="--threshold")
    result = evaluate_names(cases, settings, errors=errors, folds=cv, reference=reference)
    if json_out:
        out.json(result)
        return
    out.print(
        out.tr(
            "cli.screen_eval",
            scorer=result.scorer,
            pairs=result.pairs,
            p=result.precision,
            r=result.recall,
            f1=result.f1,
            threshold=result.threshold,
        )
    )
    if result.cross_validation is not None:
        held = result.cross_validation.held_out
        out.print(
            out.tr(
                "cli.screen_eval_cv",
                folds=result.cross_validation.folds,
                p=held.precision,
                r=held.recall,
                f1=held.f1,
            )
        )
    if result.reference is not None:
        ref = result.reference
        out.print(
            out.tr(
                "cli.screen_eval_reference",
                pairs=ref.pairs,
                p=ref.precision,
                r=ref.recall,
                f1=ref.f1,
            )
        )
