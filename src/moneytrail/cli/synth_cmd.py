"""``moneytrail synth``: write a synthetic Sahel scenario with its ground truth.

The summary lists the files in the order ``moneytrail ingest`` needs them (parties, accounts,
identifiers, then transactions), and the truth files apart.

Example::

    moneytrail synth --scale 2000 --seed 7 --out scenario/
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api import offline
from moneytrail.api.offline import SynthOutcome
from moneytrail.cli.common import JsonOpt
from moneytrail.cli.output import Output, output
from moneytrail.cli.values import count, fraction, positive


def register(app: typer.Typer) -> None:
    """Attach ``synth`` to ``app``."""
    app.command("synth")(synth)


def synth(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory")],
    scale: Annotated[
        int,
        typer.Option(
            "--scale", parser=count("--scale", 10, 10_000_000), help="Number of residents"
        ),
    ] = 1000,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            parser=count("--seed", 0, 2**32 - 1),
            help="Random seed (same seed, same files)",
        ),
    ] = 0,
    days: Annotated[
        int, typer.Option("--days", parser=count("--days", 1, 3_660), help="Days of activity")
    ] = 365,
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD)")] = "2025-01-01",
    difficulty: Annotated[
        float,
        typer.Option("--difficulty", parser=fraction("--difficulty"), help="0 easy .. 1 hard"),
    ] = 0.5,
    typology_rate: Annotated[
        float,
        typer.Option(
            "--typology-rate",
            parser=positive("--typology-rate", 1_000.0),
            help="Multiplier of the injection rates",
        ),
    ] = 1.0,
    typology: Annotated[
        list[str] | None, typer.Option("--typology", help="Only this typology (repeatable)")
    ] = None,
    sanctions_list: Annotated[
        Path | None, typer.Option("--sanctions-list", help="UN consolidated list XML file")
    ] = None,
    duplicate_rate: Annotated[
        float,
        typer.Option(
            "--duplicate-rate",
            parser=fraction("--duplicate-rate"),
            help="Share of residents with extra records",
        ),
    ] = 0.05,
    cash_sources: Annotated[
        bool,
        typer.Option(
            "--cash-sources",
            help="Also write a ransom's mobile-money export, hawala ledgers and border"
            " declarations (CSV templates) / aussi les registres hawala et déclarations",
        ),
    ] = False,
    fresh_periods: Annotated[
        int,
        typer.Option(
            "--fresh-periods",
            parser=count("--fresh-periods", 1, 366),
            help="Cut the days into N periods whose schemes use other people each"
            " / N périodes, chacune avec ses propres criminels",
        ),
    ] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Synthetic scenario with ground truth / scénario synthétique avec vérité terrain."""
    printer = output(ctx)
    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise typer.BadParameter(f"--start: {start!r} is not YYYY-MM-DD") from exc
    config = offline.SynthConfig(
        scale=scale,
        seed=seed,
        days=days,
        start=first,
        difficulty=difficulty,
        typology_rate=max(0.0, typology_rate),
        typologies=tuple(typology or ()),
        sanctions_list=sanctions_list,
        duplicate_rate=duplicate_rate,
        cash_sources=cash_sources,
        fresh_periods=fresh_periods,
    )
    made = offline.synth(config, out)
    if json_out:
        printer.json(made)
    else:
        show(printer, made)


def show(out: Output, made: SynthOutcome) -> None:
    """Human summary in the run's language: files in ingest order, truth apart, the command."""
    out.print(
        out.tr(
            "synth.done",
            out=made.out,
            seconds=f"{made.seconds:.1f}",
            transactions=made.rows.get("transactions", 0),
            instances=sum(made.instances.values()),
        )
    )
    out.print(out.tr("synth.files_title"))
    for path, rows in made.files_to_load():
        out.print(out.tr("synth.file_line", path=path, rows=rows))
    out.print(out.tr("synth.truth_title"))
    for path in made.truth.values():
        out.print(f"  {path}")
    detail = ", ".join(f"{k}={v}" for k, v in made.instances.items())
    out.print(out.tr("synth.instances_title", detail=detail))
    out.print(out.tr("synth.ingest_hint", command=made.ingest_command))
