"""``moneytrail demo``: the main job on the embedded default, for a new user's first minute.

Builds a fresh workspace from the samples shipped inside the package (a camt.053 bank statement
and a mobile-money export) plus a generated Sahel scenario (``moneytrail.synth``, seed 7), prints
its summary, then follows the scenario's starting clue — the ransom payments of its
kidnapping case — forward with FIFO, prints where the money went, and draws the payer's
one-hop money network to ``OUT/reseau_rancon.png`` and the trace as a Sankey diagram to
``OUT/sankey_rancon.png``; finally runs the typology rules and prints the five strongest
alerts with their explanation. No network connection, no server.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from moneytrail.cli.commands import show_info, show_outcome
from moneytrail.cli.common import console, print_json, progress_bars, state, tr
from moneytrail.cli.detect_cmd import show_top_alerts
from moneytrail.cli.trace_cmd import show as show_trace
from moneytrail.detect.rules.alerts import list_alerts
from moneytrail.errors import UsageError
from moneytrail.flows.sankey import write_trace_sankey
from moneytrail.ingest.base import IngestOptions
from moneytrail.network.ego import ego_network
from moneytrail.network.picture import draw_ego
from moneytrail.synth import INGEST_ORDER, generate
from moneytrail.synth.config import SynthConfig
from moneytrail.trace.model import Seed
from moneytrail.workspace import DB_NAME, Workspace

MARKER = ".moneytrail-demo"


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to ``app``."""
    app.command("demo")(demo)


def sample_files() -> list[Path]:
    """The sample files shipped in ``moneytrail/samples`` (sorted by name)."""
    folder = resources.files("moneytrail") / "samples"
    return sorted(
        (Path(str(entry)) for entry in folder.iterdir() if not entry.name.startswith((".", "_"))),
        key=lambda p: p.name,
    )


def demo(
    out: Annotated[Path, typer.Option("--out", help="Workspace to (re)build")] = Path(
        "demo-workspace"
    ),
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> int:
    """Build a demo workspace from the shipped samples / espace de démonstration."""
    if out.exists():
        if not (out / MARKER).exists():
            if (out / DB_NAME).exists() or any(out.iterdir()):
                raise UsageError("error.demo_not_demo_dir", path=str(out))
        else:
            shutil.rmtree(out)
    with Workspace.init(out) as ws:
        (out / MARKER).write_text("built by moneytrail demo; safe to delete\n", encoding="utf-8")
        scenario = generate(SynthConfig(scale=300, seed=7, days=90), out / "scenario")
        files = sample_files() + [scenario.files[kind] for kind in INGEST_ORDER]
        with progress_bars(not json_out) as bars:
            outcomes = ws.ingest(files, IngestOptions(), bars)
        summary = ws.info()
        clue = ws.engine.fetchall(
            "SELECT subject_id FROM read_parquet(?) WHERE role = 'ransom_split'"
            " AND instance_id = (SELECT min(instance_id) FROM read_parquet(?)"
            "  WHERE typology = 'kidnap_ransom') ORDER BY subject_id",
            [str(scenario.files["truth_members"]), str(scenario.files["truth_instances"])],
        )
        traced = ws.trace(Seed(transactions=tuple(r[0] for r in clue)))
        payer = ws.engine.fetchall(
            "SELECT src_account_id FROM transactions WHERE id = ?", [clue[0][0]]
        )[0][0]
        picture = out / "reseau_rancon.png"
        draw_ego(
            ego_network(ws.network(), str(payer), hops=1), picture, tr("cli.demo_picture_title")
        )
        sankey = out / "sankey_rancon.png"
        write_trace_sankey(ws.engine, traced, sankey, state.lang)
        detected = ws.detect()
        top_alerts = list_alerts(ws.engine, limit=5)
    if json_out:
        print_json({"files": outcomes, "info": summary, "trace": traced, "alerts": top_alerts})
    else:
        console.print(tr("cli.demo_title", path=str(out)))
        for outcome in outcomes:
            show_outcome(outcome)
        show_info(summary)
        console.print(tr("cli.demo_trace", count=len(clue)))
        show_trace(traced)
        console.print(tr("cli.demo_picture", path=str(picture)))
        console.print(tr("flows.sankey_written", path=str(sankey)))
        show_top_alerts(detected, top_alerts, summary.reporting_currency)
    return 0 if all(o.status.value == "loaded" for o in outcomes) else 3
