"""moneytrail's library API: the one surface every face (CLI, web, notebooks) calls.

Everything a user can do from the command line is a method here, and returns a typed result
(a dataclass) whose JSON form (:func:`moneytrail.api.serialize.to_jsonable`) is what ``--json``
prints. Faces import this package only (a contract checked by the test suite,
``.importlinter``); analytics, engines and storage stay behind it. See docs/api.md.

Example::

    from moneytrail.api import Seed, Workspace

    with Workspace.open("enquete") as ws:
        ws.ingest(["releve.xml"])
        result = ws.trace(Seed(accounts=("+223 76 12 34 56",)))
        metrics = ws.network.metrics(top=10)

Names are resolved on first use (``__getattr__``) so that ``import moneytrail.api`` costs
almost nothing: the CLI imports it to print ``--help``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from moneytrail.errors import (
    BadInputError,
    MachineRefusedError,
    Message,
    MoneytrailError,
    Problem,
    UsageError,
)
from moneytrail.i18n import LANGS, default_lang, translate

if TYPE_CHECKING:  # pragma: no cover - names for the type checker, loaded lazily at run time
    from moneytrail.api.demo import DemoOutcome, build_demo
    from moneytrail.api.offline import (
        ExerciseGrade,
        NewExercise,
        SynthConfig,
        SynthOutcome,
        grade_exercise,
        new_exercise,
        synth,
    )
    from moneytrail.api.workspace import Workspace, WorkspaceInfo
    from moneytrail.ingest.base import IngestOptions
    from moneytrail.ingest.pipeline import FileOutcome, Status
    from moneytrail.trace.model import (
        Direction,
        EndpointKind,
        Policy,
        Seed,
        TraceResult,
        TraceSettings,
    )

# Public name -> module that defines it (imported on first use).
_LAZY = {
    "Workspace": "moneytrail.api.workspace",
    "WorkspaceInfo": "moneytrail.api.workspace",
    "IngestOptions": "moneytrail.ingest.base",
    "FileOutcome": "moneytrail.ingest.pipeline",
    "Status": "moneytrail.ingest.pipeline",
    "Seed": "moneytrail.trace.model",
    "TraceSettings": "moneytrail.trace.model",
    "TraceResult": "moneytrail.trace.model",
    "Policy": "moneytrail.trace.model",
    "Direction": "moneytrail.trace.model",
    "EndpointKind": "moneytrail.trace.model",
    "synth": "moneytrail.api.offline",
    "SynthConfig": "moneytrail.api.offline",
    "SynthOutcome": "moneytrail.api.offline",
    "new_exercise": "moneytrail.api.offline",
    "NewExercise": "moneytrail.api.offline",
    "grade_exercise": "moneytrail.api.offline",
    "ExerciseGrade": "moneytrail.api.offline",
    "build_demo": "moneytrail.api.demo",
    "DemoOutcome": "moneytrail.api.demo",
}

__all__ = [
    "LANGS",
    "BadInputError",
    "DemoOutcome",
    "Direction",
    "EndpointKind",
    "ExerciseGrade",
    "FileOutcome",
    "IngestOptions",
    "MachineRefusedError",
    "Message",
    "MoneytrailError",
    "NewExercise",
    "Policy",
    "Problem",
    "Seed",
    "Status",
    "SynthConfig",
    "SynthOutcome",
    "TraceResult",
    "TraceSettings",
    "UsageError",
    "Workspace",
    "WorkspaceInfo",
    "build_demo",
    "default_lang",
    "grade_exercise",
    "new_exercise",
    "synth",
    "translate",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'moneytrail.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
