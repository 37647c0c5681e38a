"""Workspace and ingest commands: ``init``, ``info``, ``ingest``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from moneytrail.api import Message, Workspace
from moneytrail.api.ingest import format_names
from moneytrail.cli.common import JsonOpt, WorkspaceOpt, workspace_path
from moneytrail.cli.output import Output, output

if TYPE_CHECKING:
    from moneytrail.api import WorkspaceInfo
    from moneytrail.api.ingest import FileOutcome


def register(app: typer.Typer) -> None:
    """Attach the commands of this module to ``app``."""
    app.command("init")(init)
    app.command("info")(info)
    app.command("ingest")(ingest)


def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Directory of the new workspace")],
    json_out: JsonOpt = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="duckdb (one file, default) or spark (Parquet tables, docs/scale.md)"
        ),
    ] = "duckdb",
    master: Annotated[
        str | None,
        typer.Option("--master", help="Spark only: the cluster's master URL (else local[2])"),
    ] = None,
) -> None:
    """Create a workspace / créer un espace de travail."""
    out = output(ctx)
    with Workspace.init(directory, engine=engine, master=master) as ws:
        summary = ws.info()
    if json_out:
        out.json(summary)
    else:
        out.print(out.tr("cli.init_done", path=str(directory), version=summary.schema_version))


def info(ctx: typer.Context, workspace: WorkspaceOpt = None, json_out: JsonOpt = False) -> None:
    """Summary of a workspace / résumé d'un espace de travail."""
    out = output(ctx)
    with Workspace.open(workspace_path(workspace), read_only=True) as ws:
        summary = ws.info()
    if json_out:
        out.json(summary)
        return
    show_info(out, summary)


def show_info(out: Output, summary: WorkspaceInfo) -> None:
    """Print a workspace summary as tables."""
    tr, console = out.tr, out.console
    console.print(tr("cli.info_title", path=summary.path, version=summary.schema_version))
    counts = Table(title=tr("cli.info_counts"))
    counts.add_column(tr("cli.col_table"))
    counts.add_column(tr("cli.col_rows"), justify="right")
    for name, count in summary.counts.items():
        counts.add_row(tr(f"table.{name}"), f"{count:,}".replace(",", " "))
    console.print(counts)
    if summary.first_transaction:
        console.print(
            tr("cli.info_range", first=summary.first_transaction, last=summary.last_transaction)
        )
    if summary.currencies:
        cur = Table(title=tr("cli.info_currencies"))
        cur.add_column(tr("cli.col_currency"))
        cur.add_column(tr("cli.col_transactions"), justify="right")
        cur.add_column(tr("cli.col_total"), justify="right")
        for row in summary.currencies:
            cur.add_row(row["currency"], str(row["transactions"]), row["total"])
        console.print(cur)
    if summary.channels:
        ch = Table(title=tr("cli.info_channels"))
        ch.add_column(tr("cli.col_channel"))
        ch.add_column(tr("cli.col_transactions"), justify="right")
        for row in summary.channels:
            ch.add_row(tr(f"channel.{row['channel']}"), str(row["transactions"]))
        console.print(ch)
    if summary.sources:
        src = Table(title=tr("cli.info_sources"))
        for key in ("col_path", "col_format", "col_ok", "col_rejected", "col_when"):
            src.add_column(tr(f"cli.{key}"))
        for row in summary.sources:
            src.add_row(
                row["path"],
                row["format"],
                str(row["rows_ok"]),
                str(row["rows_rejected"]),
                row["ingested_at"][:19],
            )
        console.print(src)


def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files to load")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Force a format: " + ", ".join(format_names())),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Column mapping (YAML) for tabular files")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a whole file if any row is bad")
    ] = False,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Zone of timestamps without offset (IANA name)")
    ] = "UTC",
    country: Annotated[
        str | None, typer.Option("--country", help="Default ISO country (national phone numbers)")
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Currency when the file has none")
    ] = None,
    namespace: Annotated[
        str | None, typer.Option("--namespace", help="Id scope of a benchmark data set")
    ] = None,
    goaml_profile: Annotated[
        str | None,
        typer.Option(
            "--goaml-profile",
            help="goAML country profile (default: the first shipped profile the report fits)",
        ),
    ] = None,
    retry_rejected: Annotated[
        bool,
        typer.Option(
            "--retry-rejected",
            help="Load again a file already loaded whose rows were rejected"
            " / recharger un fichier dont des lignes ont été rejetées",
        ),
    ] = False,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help="Memory the load may use before spilling to disk (e.g. 1GiB, 4GB)"
            " / mémoire avant débordement sur disque",
        ),
    ] = "1GiB",
    json_out: JsonOpt = False,
) -> int:
    """Load files into the workspace / charger des fichiers."""
    from moneytrail.api.ingest import IngestOptions, Status

    out = output(ctx)
    options = IngestOptions(
        format=fmt,
        mapping=mapping,
        strict=strict,
        timezone=timezone,
        country=country,
        currency=currency,
        namespace=namespace,
        retry_rejected=retry_rejected,
        memory_limit=memory_limit,
        extra={"goaml_profile": goaml_profile} if goaml_profile else {},
    )
    if fmt is not None and fmt not in format_names():
        raise typer.BadParameter(
            out.tr("error.format_unknown", format=fmt, known=", ".join(format_names()))
        )
    with Workspace.open(workspace_path(workspace)) as ws, out.progress(not json_out) as bars:
        outcomes = ws.ingest(files, options, bars)
    if json_out:
        out.json({"files": outcomes})
    else:
        for outcome in outcomes:
            show_outcome(out, outcome)
    if any(o.status is Status.FAILED for o in outcomes):
        return 1
    return 3 if any(o.status is Status.REFUSED for o in outcomes) else 0


def show_outcome(out: Output, outcome: FileOutcome) -> None:
    """One file's result in words, with its first problems, warnings and conflicts."""
    from moneytrail.api.ingest import Status

    tr, console = out.tr, out.console
    if outcome.status is Status.LOADED:
        console.print(
            tr(
                "cli.ingest_loaded",
                path=outcome.path,
                format=outcome.format,
                ok=outcome.rows_ok,
                rejected=outcome.rows_rejected,
                tx=outcome.inserted.get("transactions", 0),
                accounts=outcome.inserted.get("accounts", 0),
                parties=outcome.inserted.get("parties", 0),
                identifiers=outcome.inserted.get("identifiers", 0),
                labels=outcome.inserted.get("labels", 0),
                present=outcome.already_present,
                seconds=f"{outcome.seconds:.1f}",
            )
        )
    elif outcome.status is Status.UNCHANGED:
        console.print(tr("cli.ingest_unchanged", path=outcome.path, source=outcome.source_id))
    else:
        key = outcome.error_key or "error.file_refused"
        out.warn(out.text(Message(key, {"file": outcome.path, **outcome.error_params})))
    if outcome.conflicts:
        out.warn(tr("cli.ingest_conflicts", path=outcome.path, count=outcome.conflicts))
    for warning in outcome.warnings[:10]:
        out.warn("  ! " + out.text(warning))
    if len(outcome.warnings) > 10:
        more = len(outcome.warnings) - 10
        out.warn("  ! " + tr("error.more_problems", count=more))
    for problem in outcome.problems[:10]:
        out.warn("  " + out.text(problem))
    if len(outcome.problems) > 10 or outcome.rows_rejected > len(outcome.problems[:10]):
        more = max(outcome.rows_rejected, len(outcome.problems)) - min(10, len(outcome.problems))
        if more > 0:
            out.warn("  " + tr("error.more_problems", count=more))
