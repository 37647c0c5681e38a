"""The demo: the main job of moneytrail on embedded data, for a new user's first minute.

:func:`build_demo` builds a fresh workspace from the samples shipped inside the package (a
camt.053 bank statement, a mobile-money export, and a bank transfer export read with its column
mapping, with names in Arabic script) plus a generated Sahel scenario (seed 7),
then does what an analyst does first: follows the scenario's starting clue, the ransom
payments of its kidnapping case, forward with FIFO; draws the payer's one-hop money network
and the trace as a Sankey diagram; runs the typology rules and keeps the five strongest
alerts, explained. No network connection, no server. Example::

    from moneytrail.api.demo import build_demo

    done = build_demo("demo-workspace", lang="fr")
    done.trace.total_traced, done.picture.path, done.alerts[0].text

The folder is rebuilt on each call only if an earlier demo made it (a marker file says so):
any other non-empty folder is refused, nothing in it touched.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.api.alerts import AlertView
    from moneytrail.api.flows import SankeyPicture
    from moneytrail.api.network import NetworkPicture
    from moneytrail.api.rules import RulesRun
    from moneytrail.api.workspace import WorkspaceInfo
    from moneytrail.ingest.pipeline import FileOutcome, ProgressFactory
    from moneytrail.trace.model import TraceResult

__all__ = ["MARKER", "DemoOutcome", "build_demo", "sample_files"]

MARKER = ".moneytrail-demo"
"""File that marks a folder as built by the demo (so the next demo may replace it)."""

SCENARIO_SCALE, SCENARIO_SEED, SCENARIO_DAYS = 300, 7, 90
"""The generated scenario beside the samples: small enough to build in seconds."""

TOP_ALERTS = 5


@dataclass
class DemoOutcome:
    """What the demo built and found.

    ``files``: one outcome per file loaded (samples, then the scenario); ``info``: the
    workspace's summary; ``clue``: the ransom payments traced; ``trace``: where their money
    went; ``picture`` and ``sankey``: the two pictures; ``rules``: the run of every shipped
    rule; ``alerts``: the strongest alerts, explained in the language asked.
    """

    path: str
    files: list[FileOutcome]
    info: WorkspaceInfo
    clue: list[str]
    trace: TraceResult
    picture: NetworkPicture
    sankey: SankeyPicture
    rules: RulesRun
    alerts: list[AlertView]

    @property
    def all_loaded(self) -> bool:
        """Whether every file loaded (a face exits with 3 when one was refused)."""
        return all(outcome.status.value == "loaded" for outcome in self.files)


# The shipped samples whose format is detected from their content alone; the bank export
# ``virements_bis_2024-03.csv`` needs its column mapping ``banque_bis.yaml`` (see MAPPED).
DETECTED = ("orange_money_2024-03.csv", "releve_bdm_2024-03.camt053.xml")
MAPPED = ("virements_bis_2024-03.csv", "banque_bis.yaml")


def sample_files() -> list[Path]:
    """The shipped samples read without a mapping (a camt.053 statement, a mobile-money export)."""
    folder = resources.files("moneytrail") / "samples"
    return [Path(str(folder / name)) for name in DETECTED]


def mapped_sample() -> tuple[Path, Path]:
    """The shipped bank export that needs a column mapping, and that mapping."""
    folder = resources.files("moneytrail") / "samples"
    data, mapping = MAPPED
    return Path(str(folder / data)), Path(str(folder / mapping))


def _fresh(out: Path) -> None:
    """Empty ``out`` if an earlier demo built it; refuse any other non-empty folder."""
    from moneytrail.api.workspace import DB_NAME

    if not out.exists():
        return
    if (out / MARKER).exists():
        shutil.rmtree(out)
    elif (out / DB_NAME).exists() or any(out.iterdir()):
        raise UsageError("error.demo_not_demo_dir", path=str(out))


def build_demo(out: Path | str, lang: str, progress: ProgressFactory | None = None) -> DemoOutcome:
    """Build the demo workspace in ``out``; picture titles and alert texts in ``lang``.

    ``progress`` draws the loading of each file (see :meth:`Workspace.ingest`).
    """
    from moneytrail.api.network import NetworkPicture
    from moneytrail.api.workspace import Workspace
    from moneytrail.i18n import translate
    from moneytrail.ingest.base import IngestOptions
    from moneytrail.network.ego import ego_network
    from moneytrail.network.picture import draw_ego
    from moneytrail.synth import INGEST_ORDER, generate
    from moneytrail.synth.config import SynthConfig
    from moneytrail.synth.truth import ransom_clue
    from moneytrail.trace.model import Seed

    folder = Path(out)
    _fresh(folder)
    with Workspace.init(folder) as ws:
        (folder / MARKER).write_text("built by moneytrail demo; safe to delete\n", "utf-8")
        scenario = generate(
            SynthConfig(scale=SCENARIO_SCALE, seed=SCENARIO_SEED, days=SCENARIO_DAYS),
            folder / "scenario",
        )
        files = sample_files() + [scenario.files[kind] for kind in INGEST_ORDER]
        outcomes = ws.ingest(files, progress=progress)
        export, mapping = mapped_sample()
        outcomes += ws.ingest([export], IngestOptions(mapping=mapping), progress)
        summary = ws.info()
        clue = ransom_clue(scenario.files)
        if clue is None:  # pragma: no cover - the seed-7 scenario has its kidnapping case
            raise AssertionError("the demo scenario has no kidnapping case")
        traced = ws.trace(Seed(transactions=clue.payments))
        # The payer's one-hop network, titled for the demo (not by the payer's id).
        ego = ego_network(ws.network.graph(), clue.payer_account, hops=1)
        picture = folder / "reseau_rancon.png"
        title = translate("cli.demo_picture_title", lang)
        draw_ego(ego, picture, title, protected=ws.protected_paths())
        drawn = NetworkPicture(str(picture), ego.graph.num_nodes(), ego.graph.num_edges())
        sankey = ws.flows.sankey(traced, folder / "sankey_rancon.png", lang)
        rules = ws.rules.run()
        alerts = ws.alerts.list(limit=TOP_ALERTS, lang=lang).alerts
    return DemoOutcome(
        path=str(folder),
        files=outcomes,
        info=summary,
        clue=list(clue.payments),
        trace=traced,
        picture=drawn,
        sankey=sankey,
        rules=rules,
        alerts=alerts,
    )
