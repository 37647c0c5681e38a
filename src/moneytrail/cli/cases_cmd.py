"""``moneytrail case``: open a dossier, assign it, add subjects and evidence, notes, tasks,
move it through the workflow.

Example::

    moneytrail case new "Collecte Tombouctou" --as awa -w enquete
    moneytrail case add D-2026-0001 --alert 3fa2c1d0 --as awa -w enquete
    moneytrail case add D-2026-0001 --trace "+223 76 12 34 56" --hops 4 --as awa -w enquete
    moneytrail case status D-2026-0001 proposed --as awa -w enquete
    moneytrail case status D-2026-0001 disseminated --reason "RD 2026/117" --as moussa
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from moneytrail.api import UsageError, Workspace
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.identity import AsOpt, CasesUrlOpt, open_desk, sign_in
from moneytrail.cli.output import output
from moneytrail.cli.render_cases import show_case, show_cases

if TYPE_CHECKING:
    from moneytrail.api.cases import Actor, CaseDesk

case_app = typer.Typer(help="Cases (dossiers) / dossiers d'enquête", no_args_is_help=True)
RefArg = Annotated[str, typer.Argument(help="Case reference (D-2026-0001) or number")]


def register(app: typer.Typer) -> None:
    """Attach the ``case`` group to ``app``."""
    app.add_typer(case_app, name="case")


@case_app.command("new")
def new_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="Title / intitulé")],
    summary: Annotated[str, typer.Option("--summary", help="What it is about / objet")] = "",
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Open a case / ouvrir un dossier."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        who = sign_in(desk, as_user)
        case = desk.new(who, title, summary, str(workspace_path(workspace).resolve()))
    if json_out:
        out.json(case)
    else:
        out.print(out.tr("case.created", case=case.ref, title=case.title))


@case_app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="Only this status")] = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """The cases you may read / les dossiers que vous pouvez lire."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        listed = desk.list(sign_in(desk, as_user), status)
    if json_out:
        out.json(listed)
    else:
        show_cases(out, listed.cases)


@case_app.command("show")
def show_command(
    ctx: typer.Context,
    ref: RefArg,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """A whole case / un dossier entier."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        case = desk.show(sign_in(desk, as_user), ref)
    if json_out:
        out.json(case)
    else:
        show_case(out, case)


@case_app.command("assign")
def assign_command(
    ctx: typer.Context,
    ref: RefArg,
    member: Annotated[str, typer.Argument(help="Login of the member / identifiant")],
    lead: Annotated[bool, typer.Option("--lead", help="Make them the lead / chef")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Remove / retirer")] = False,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add or remove a member / ajouter ou retirer un membre."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        case = desk.assign(sign_in(desk, as_user), ref, member, lead=lead, remove=remove)
    if json_out:
        out.json(case)
    else:
        key = "case.member_removed" if remove else "case.member_added"
        out.print(out.tr(key, case=case.ref, login=member, members=", ".join(case.members)))


@case_app.command("add")
def add_command(
    ctx: typer.Context,
    ref: RefArg,
    subject: Annotated[str | None, typer.Option("--subject", help="Account or party")] = None,
    alert: Annotated[str | None, typer.Option("--alert", help="Alert id")] = None,
    trace: Annotated[str | None, typer.Option("--trace", help="Trace from this account")] = None,
    screening: Annotated[str | None, typer.Option("--screening", help="Finding id")] = None,
    picture: Annotated[str | None, typer.Option("--picture", help="Network around")] = None,
    resolution: Annotated[str | None, typer.Option("--resolution", help="Party")] = None,
    source: Annotated[str | None, typer.Option("--source", help="SHA256:LINE")] = None,
    hops: Annotated[int | None, typer.Option("--hops", min=0, help="Trace/picture hops")] = None,
    backward: Annotated[bool, typer.Option("--backward", help="Trace backward")] = False,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a subject, or evidence frozen as it is now / ajouter un sujet, ou une pièce figée."""
    out = output(ctx)
    chosen = [v for v in (subject, alert, trace, screening, picture, resolution, source) if v]
    if len(chosen) != 1:
        raise UsageError("cases.error.one_evidence")
    with (
        open_desk(workspace, cases_url) as desk,
        Workspace.open(workspace_path(workspace), read_only=True) as ws,
    ):
        who = sign_in(desk, as_user)
        given = {
            "subject": subject,
            "alert": alert,
            "trace": trace,
            "screening": screening,
            "picture": picture,
            "resolution": resolution,
            "source": source,
        }
        label, added = _add(desk, who, ref, ws, out.lang, given, hops, backward)
    if json_out:
        out.json(added)
    else:
        out.print(out.tr("case.added", case=ref, what=label))


def _add(
    desk: CaseDesk,
    who: Actor,
    ref: str,
    ws: Workspace,
    lang: str,
    given: Mapping[str, str | None],
    hops: int | None,
    backward: bool,
) -> tuple[str, object]:
    """What was added: a label for people, the view for ``--json``."""
    from moneytrail.api import Direction, Seed, TraceSettings

    if given["subject"]:
        view = desk.add_subject(who, ref, ws, str(given["subject"]))
        return f"{view.kind} {view.label}", view
    if given["alert"]:
        item = desk.add_alert(who, ref, ws, str(given["alert"]), lang)
    elif given["trace"]:
        direction = Direction.BACKWARD if backward else Direction.FORWARD
        settings = TraceSettings(direction=direction)
        if hops is not None:
            settings = TraceSettings(direction=direction, max_hops=hops)
        seed = Seed(accounts=(str(given["trace"]),))
        item = desk.add_trace(who, ref, ws, seed, settings, lang)
    elif given["screening"]:
        item = desk.add_screening(who, ref, ws, str(given["screening"]), lang)
    elif given["picture"]:
        item = desk.add_picture(who, ref, ws, str(given["picture"]), hops or 2, lang)
    elif given["resolution"]:
        item = desk.add_resolution(who, ref, ws, str(given["resolution"]), lang)
    else:
        sha, _, line = str(given["source"]).rpartition(":")
        if not sha or not line.isdigit():
            raise UsageError("cases.error.bad_source_ref", value=given["source"])
        item = desk.add_source_row(who, ref, ws, sha, int(line), lang)
    return f"{item.kind} {item.title} (sha256 {item.payload_sha256[:12]})", item


@case_app.command("note")
def note_command(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str, typer.Argument(help="The note / la note")],
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a note / ajouter une note."""
    out = output(ctx)
    with open_desk(workspace, cases_url) as desk:
        number = desk.note(sign_in(desk, as_user), ref, text)
    if json_out:
        out.json({"case": ref, "note": number})
    else:
        out.print(out.tr("case.noted", case=ref, note=number))


@case_app.command("task")
def task_command(
    ctx: typer.Context,
    ref: RefArg,
    text: Annotated[str | None, typer.Argument(help="What to do / à faire")] = None,
    due: Annotated[str | None, typer.Option("--due", help="YYYY-MM-DD")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Assignee login")] = None,
    done: Annotated[int | None, typer.Option("--done", help="Mark task N done")] = None,
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Add a task, or mark one done / ajouter une tâche, ou la marquer faite."""
    out = output(ctx)
    if (text is None) == (done is None):
        raise UsageError("case.task_text_or_done")
    with open_desk(workspace, cases_url) as desk:
        who = sign_in(desk, as_user)
        if done is not None:
            task = desk.complete_task(who, ref, done)
        else:
            task = desk.add_task(who, ref, str(text), due, to)
    if json_out:
        out.json(task)
    else:
        key = "case.task_done" if done is not None else "case.task_added"
        out.print(out.tr(key, case=ref, task=task.id, due=task.due or "-"))


@case_app.command("status")
def status_command(
    ctx: typer.Context,
    ref: RefArg,
    to: Annotated[str, typer.Argument(help="in_analysis | proposed | disseminated | closed")],
    reason: Annotated[str, typer.Option("--reason", help="Why / pourquoi")] = "",
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Move the case one step / faire avancer le dossier d'une étape."""
    _status(ctx, ref, to, reason, as_user, cases_url, workspace, json_out)


@case_app.command("close")
def close_command(
    ctx: typer.Context,
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help="Why / pourquoi")] = "",
    as_user: AsOpt = None,
    cases_url: CasesUrlOpt = None,
    workspace: WorkspaceOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Close without action / classer sans suite."""
    _status(ctx, ref, "closed", reason, as_user, cases_url, workspace, json_out)


def _status(
    ctx: typer.Context,
    ref: str,
    to: str,
    reason: str,
    as_user: str | None,
    cases_url: str | None,
    workspace: object,
    json_out: bool,
) -> None:
    from pathlib import Path

    out = output(ctx)
    folder = workspace if isinstance(workspace, Path) else None
    with open_desk(folder, cases_url) as desk:
        case = desk.set_status(sign_in(desk, as_user), ref, to, reason)
    if json_out:
        out.json(case)
    else:
        out.print(out.tr("case.status_changed", case=case.ref, status=out.tr(f"case.st.{to}")))
