"""``moneytrail synth``: write a synthetic Sahel scenario with its ground truth.

The summary lists the files in the order ``moneytrail ingest`` needs them (parties, accounts,
identifiers, then transactions), and the truth files apart.

Example::

    moneytrail synth --scale 2000 --seed 7 --out scenario/
"""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.common import console, print_json, tr
from moneytrail.synth import INGEST_ORDER, SynthResult, generate
from moneytrail.synth.config import SynthConfig


def register(app: typer.Typer) -> None:
    """Attach ``synth`` to ``app``."""
    app.command("synth")(synth)


def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory")],
    scale: Annotated[int, typer.Option("--scale", help="Number of residents")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files)")] = 0,
    days: Annotated[int, typer.Option("--days", help="Days of activity")] = 365,
    start: Annotated[str, typer.Option("--start", help="First day (YYYY-MM-DD)")] = "2025-01-01",
    difficulty: Annotated[float, typer.Option("--difficulty", help="0 easy .. 1 hard")] = 0.5,
    typology_rate: Annotated[
        float, typer.Option("--typology-rate", help="Multiplier of the injection rates")
    ] = 1.0,
    typology: Annotated[
        list[str] | None, typer.Option("--typology", help="Only this typology (repeatable)")
    ] = None,
    sanctions_list: Annotated[
        Path | None, typer.Option("--sanctions-list", help="UN consolidated list XML file")
    ] = None,
    duplicate_rate: Annotated[
        float, typer.Option("--duplicate-rate", help="Share of residents with extra records")
    ] = 0.05,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document on stdout")] = False,
) -> None:
    """Synthetic scenario with ground truth / scénario synthétique avec vérité terrain."""
    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise typer.BadParameter(f"--start: {start!r} is not YYYY-MM-DD") from exc
    if not 0.0 <= difficulty <= 1.0:
        raise typer.BadParameter(f"--difficulty: {difficulty} not in 0..1")
    if not 0.0 <= duplicate_rate <= 1.0:
        raise typer.BadParameter(f"--duplicate-rate: {duplicate_rate} not in 0..1")
    config = SynthConfig(
        scale=scale,
        seed=seed,
        days=days,
        start=first,
        difficulty=difficulty,
        typology_rate=max(0.0, typology_rate),
        typologies=tuple(typology or ()),
        sanctions_list=sanctions_list,
        duplicate_rate=duplicate_rate,
    )
    result = generate(config, out)
    if json_out:
        print_json(summary(result))
    else:
        show(result)


def ingest_command(result: SynthResult) -> str:
    """The ``moneytrail ingest`` command line that loads ``result`` in the right order."""
    files = [shlex.quote(str(result.files[k])) for k in INGEST_ORDER]
    return "moneytrail ingest -w WORKSPACE " + " ".join(files)


def summary(result: SynthResult) -> dict[str, object]:
    """Plain data of ``result`` for ``--json``: files in ingest order, then truth."""
    return {
        "out": str(result.out),
        "ingest_order": [str(result.files[k]) for k in INGEST_ORDER],
        "truth": {k: str(v) for k, v in result.files.items() if k.startswith("truth_")},
        "rows": result.rows,
        "instances": result.instances,
        "seconds": round(result.seconds, 3),
        "ingest_command": ingest_command(result),
    }


def show(result: SynthResult) -> None:
    """Human summary in the CLI's language."""
    total = sum(result.instances.values())
    console.print(
        tr(
            "synth.done",
            out=str(result.out),
            seconds=f"{result.seconds:.1f}",
            transactions=result.rows.get("transactions", 0),
            instances=total,
        )
    )
    console.print(tr("synth.files_title"))
    for kind in INGEST_ORDER:
        console.print(tr("synth.file_line", path=str(result.files[kind]), rows=result.rows[kind]))
    console.print(tr("synth.truth_title"))
    for kind, path in result.files.items():
        if kind.startswith("truth_"):
            console.print(f"  {path}")
    detail = ", ".join(f"{k}={v}" for k, v in result.instances.items())
    console.print(tr("synth.instances_title", detail=detail))
    console.print(tr("synth.ingest_hint", command=ingest_command(result)))
