"""``moneytrail demo``: the main job on the embedded default, for a new user's first minute.

A thin face over :func:`moneytrail.api.demo.build_demo`, which builds a fresh workspace from
the samples shipped inside the package plus a generated Sahel scenario, follows the scenario's
starting clue (the ransom payments of its kidnapping case) forward with FIFO, draws the payer's
one-hop money network to ``OUT/reseau_rancon.png`` and the trace as a Sankey diagram to
``OUT/sankey_rancon.png``, runs the typology rules and keeps the five strongest alerts. This
module prints it all: the files loaded, the workspace's summary, where the money went, the two
pictures and the alerts with their explanation. No network connection, no server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from moneytrail.api.demo import build_demo
from moneytrail.cli.commands import show_info, show_outcome
from moneytrail.cli.common import JsonOpt
from moneytrail.cli.detect_cmd import show_top_alerts
from moneytrail.cli.output import output
from moneytrail.cli.trace_cmd import show as show_trace


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to ``app``."""
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("--out", help="Workspace to (re)build")] = Path(
        "demo-workspace"
    ),
    json_out: JsonOpt = False,
) -> int:
    """Build a demo workspace from the shipped samples / espace de démonstration."""
    out = output(ctx)
    with out.progress(not json_out) as bars:
        done = build_demo(folder, out.lang, bars)
    if json_out:
        out.json(done)
    else:
        out.print(out.tr("cli.demo_title", path=done.path))
        for outcome in done.files:
            show_outcome(out, outcome)
        show_info(out, done.info)
        out.print(out.tr("cli.demo_trace", count=len(done.clue)))
        show_trace(out, done.trace)
        out.print(out.tr("cli.demo_picture", path=done.picture.path))
        out.print(out.tr("flows.sankey_written", path=done.sankey.path))
        show_top_alerts(out, done.rules.hits, done.alerts)
    return 0 if done.all_loaded else 3
