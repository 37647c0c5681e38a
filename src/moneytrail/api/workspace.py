"""The :class:`Workspace` facade: one directory, one database, every capability.

``Workspace.init(path)`` creates it, ``Workspace.open(path)`` opens it (migrating the schema
forward), then ``ws.ingest(...)``, ``ws.info()``, ``ws.trace(...)``. The other capabilities
hang off the same object as namespaced parts, as splink hangs its parts off a Linker:

=================  ==========================================================================
``ws.network``     graph, metrics, exports, pictures, shortest and widest paths, brokers
``ws.paths``       time-respecting paths between subjects, shared counterparties
``ws.flows``       pictures of traced money (Sankey)
``ws.resolution``  entity resolution: run, pairs, analysts' decisions, clusters
``ws.lists``       sanctions list versions: load, list, diff
``ws.screening``   screen the workspace's parties, review the findings
``ws.rules``       typology rules: catalogue, run, quality
``ws.alerts``      alerts of rules and models: list, show, decide
``ws.model``       scoring model: train, evaluate, score
``ws.export``      hand the workspace over (FollowTheMoney)
``ws.conflicts``   transactions two sources tell differently
=================  ==========================================================================

Each part is a small object over the same engine, created on first use (its module is
imported then, so opening a workspace stays cheap). The facade holds no analytics itself: it
wires the engine to pure functions and returns their typed results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from moneytrail.engine import open_engine
from moneytrail.engine.schema import code_schema_version, current_version, migrate
from moneytrail.errors import BadInputError, UsageError
from moneytrail.files.outputs import ProtectedPaths, protected_from

if TYPE_CHECKING:
    # Engines, readers and analytics are imported when a workspace is opened or a part is
    # used, never when a face merely imports the facade (``moneytrail --help`` stays fast).
    from moneytrail.api.alerts import AlertsPart
    from moneytrail.api.conflicts import ConflictsPart
    from moneytrail.api.export import ExportPart
    from moneytrail.api.flows import FlowsPart
    from moneytrail.api.goaml_reports import GoamlPart
    from moneytrail.api.lists import ListsPart
    from moneytrail.api.model import ModelPart
    from moneytrail.api.network import NetworkPart
    from moneytrail.api.paths import PathsPart
    from moneytrail.api.resolution import ResolutionPart
    from moneytrail.api.rules import RulesPart
    from moneytrail.api.screening import ScreeningPart
    from moneytrail.engine.base import Engine
    from moneytrail.ingest.base import IngestOptions
    from moneytrail.ingest.pipeline import FileOutcome, ProgressFactory
    from moneytrail.trace.model import Seed as TraceSeed
    from moneytrail.trace.model import TraceResult, TraceSettings

DB_NAME = "workspace.duckdb"


def _engine_marker(folder: Path) -> dict[str, Any] | None:
    """The folder's engine marker (a Spark workspace), ``None`` for a DuckDB one."""
    from moneytrail.engine.spark_store import read_marker

    return read_marker(folder) if folder.is_dir() else None


# The canonical tables ``info`` counts, in the order it shows them (declared in
# moneytrail.model.tables).
CANONICAL_TABLES = (
    "sources",
    "parties",
    "identifiers",
    "accounts",
    "transactions",
    "labels",
    "quarantine",
)


@dataclass
class WorkspaceInfo:
    """Summary of a workspace, as ``moneytrail info`` shows it."""

    path: str
    schema_version: int
    counts: dict[str, int]
    first_transaction: str | None
    last_transaction: str | None
    currencies: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    reporting_currency: str = "XOF"


class Workspace:
    """An investigation workspace on disk."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    # -- life cycle -------------------------------------------------------------------------
    @classmethod
    def init(
        cls, path: Path | str, *, engine: str = "duckdb", master: str | None = None
    ) -> Workspace:
        """Create a workspace in ``path`` (created if missing); an existing one is just opened.

        Refuses a non-empty directory that is not a workspace, so that nothing the user already
        had there is touched. ``engine="spark"`` makes a folder of Parquet tables that Spark
        runs (``master``: the cluster's URL, kept in its ``spark.conf``; decision 0135); the
        folder remembers its engine, so ``open`` needs no option.
        """
        folder = Path(path)
        db = folder / DB_NAME
        if engine not in ("duckdb", "spark"):
            raise UsageError("error.spark_engine_unknown", engine=engine)
        if folder.exists() and not folder.is_dir():
            raise UsageError("error.workspace_not_dir", path=str(folder))
        made = db.exists() or _engine_marker(folder) is not None
        if folder.exists() and not made and any(folder.iterdir()):
            raise UsageError("error.workspace_dir_not_empty", path=str(folder))
        if not made and engine == "spark":
            from moneytrail.api.spark import init_spark_workspace

            init_spark_workspace(folder, master)
            return cls.open(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if not made:
            open_engine(db).close()
        return cls.open(folder)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Workspace:
        """Open the workspace in ``path`` and bring its schema up to date."""
        folder = Path(path)
        db = folder / DB_NAME
        marker = _engine_marker(folder)
        if marker is not None and marker.get("kind") == "spark":
            from moneytrail.api.spark import check_spark_schema

            check_spark_schema(folder)
            return cls(folder, open_engine(folder, kind="spark", read_only=read_only))
        if marker is not None:
            raise UsageError("error.spark_engine_unknown", engine=str(marker.get("kind")))
        if not db.is_file():
            raise UsageError("error.workspace_missing", path=str(folder))
        if db.stat().st_size == 0:  # never made by moneytrail: DuckDB would start it afresh
            raise BadInputError("error.workspace_damaged", path=str(db), detail="0 bytes")
        # The engine turns a busy, damaged or too new database file into the library's errors.
        engine = open_engine(db, read_only=read_only)
        try:
            have, code = current_version(engine), code_schema_version()
            if have > code:
                raise UsageError("error.workspace_too_new", have=have, supported=code)
            if not read_only:
                migrate(engine)
            elif have != code:
                # A workspace from an older moneytrail is brought forward once, in a short
                # write session (each migration is one transaction), then read as asked.
                engine.close()
                with cls.open(folder):
                    pass
                engine = open_engine(db, read_only=True)
        except BaseException:
            engine.close()
            raise
        return cls(folder, engine)

    @property
    def engine_kind(self) -> str:
        """``"duckdb"`` or ``"spark"``: what runs this workspace's SQL."""
        return "spark" if self.engine.dialect.name == "spark" else "duckdb"

    def _not_on_spark(self, what: str) -> None:
        """Refuse, with a usage error naming it, what does not run on Spark yet."""
        if self.engine_kind == "spark":
            raise UsageError("error.spark_not_yet", what=what)

    def close(self) -> None:
        """Release the database file."""
        self.engine.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def protected_paths(self) -> ProtectedPaths:
        """What no output of a command may overwrite: see :mod:`moneytrail.files.outputs`."""
        db = self.path / DB_NAME
        cases = self.path / "cases.sqlite"  # the case store beside it (decision 0128)
        companions = [Path(f"{db}.wal"), cases, Path(f"{cases}-wal"), Path(f"{cases}-shm")]
        companions.append(Path(f"{cases}.audit-key"))
        folders = [Path(f"{db}.tmp"), Path(f"{db}.trace-index"), self.path / "models"]
        sources = self.engine.fetchall("SELECT sha256, size_bytes FROM sources")
        return protected_from([db, *companions], folders, [(str(s), int(n)) for s, n in sources])

    # -- settings ---------------------------------------------------------------------------
    @property
    def reporting_currency(self) -> str:
        """Currency in which ``transactions.amount_reporting`` is expressed (XOF by default)."""
        rows = self.engine.fetchall("SELECT value FROM settings WHERE key = 'reporting_currency'")
        return str(rows[0][0]) if rows else "XOF"

    # -- capabilities -----------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[Path | str],
        options: IngestOptions | None = None,
        progress: ProgressFactory | None = None,
    ) -> list[FileOutcome]:
        """Load files; see :mod:`moneytrail.ingest.pipeline`. One outcome per file."""
        from moneytrail.ingest.base import IngestOptions
        from moneytrail.ingest.pipeline import ingest_files

        if self.engine_kind == "spark":
            from moneytrail.api.spark import ingest_on_spark
            from moneytrail.engine.spark_engine import SparkEngine

            assert isinstance(self.engine, SparkEngine)
            return ingest_on_spark(
                self.engine,
                [Path(p) for p in paths],
                options or IngestOptions(),
                self.reporting_currency,
                progress,
            )
        return ingest_files(
            self.engine,
            [Path(p) for p in paths],
            options or IngestOptions(),
            self.reporting_currency,
            progress,
        )

    def trace(self, seed: TraceSeed, settings: TraceSettings | None = None) -> TraceResult:
        """Follow the money from ``seed``; see :func:`moneytrail.trace.trace`.

        The seed names things as the analyst writes them (:mod:`moneytrail.subjects`): an
        account by id or number in any written form (``"+223 76 12 34 56"``, ``"76 12 34 56"``,
        an IBAN with spaces), a party by id or name, a transaction by id or by the source's
        own reference (``"OM2400300004"``). An unknown name is a :class:`UsageError` naming it.
        """
        from moneytrail.trace import trace
        from moneytrail.trace.seeds import resolve_seed

        if self.engine_kind == "spark":  # the reached sub-graph, traced on the driver
            from moneytrail.api.spark_trace import trace_on_spark
            from moneytrail.engine.spark_engine import SparkEngine

            assert isinstance(self.engine, SparkEngine)
            return trace_on_spark(self.engine, seed, settings)
        return trace(self.engine, resolve_seed(self.engine, seed), settings)

    # -- parts (see the module docstring) -------------------------------------------------
    @cached_property
    def network(self) -> NetworkPart:
        """The money network: ``ws.network.metrics()``, ``.export()``, ``.picture()``...
        (on Spark the graph is aggregated by the executors, its metrics computed on the
        driver: docs/scale.md)."""
        from moneytrail.api.network import NetworkPart

        return NetworkPart(self)

    @cached_property
    def paths(self) -> PathsPart:
        """Time-respecting paths and shared counterparties: ``ws.paths.between(a, b)``."""
        self._not_on_spark("paths")
        from moneytrail.api.paths import PathsPart

        return PathsPart(self)

    @cached_property
    def flows(self) -> FlowsPart:
        """Pictures of traced money: ``ws.flows.sankey(result, "rancon.svg", lang)``."""
        from moneytrail.api.flows import FlowsPart

        return FlowsPart(self)

    @cached_property
    def resolution(self) -> ResolutionPart:
        """Entity resolution: ``ws.resolution.run()``, ``.pairs()``, ``.decide()``..."""
        self._not_on_spark("resolution")
        from moneytrail.api.resolution import ResolutionPart

        return ResolutionPart(self)

    @cached_property
    def lists(self) -> ListsPart:
        """Sanctions list versions: ``ws.lists.load(path)``, ``.versions()``."""
        self._not_on_spark("lists")
        from moneytrail.api.lists import ListsPart

        return ListsPart(self)

    @cached_property
    def screening(self) -> ScreeningPart:
        """Screening of the workspace's parties: ``ws.screening.parties()``, ``.matches()``."""
        self._not_on_spark("screening")
        from moneytrail.api.screening import ScreeningPart

        return ScreeningPart(self)

    @cached_property
    def rules(self) -> RulesPart:
        """Typology rules: ``ws.rules.run()``, ``.catalogue()``, ``.quality()``."""
        from moneytrail.api.rules import RulesPart

        if self.engine_kind == "spark":
            from moneytrail.api.spark import SparkRulesPart

            return SparkRulesPart(self)
        return RulesPart(self)

    @cached_property
    def alerts(self) -> AlertsPart:
        """Alerts of rules and models: ``ws.alerts.list()``, ``.show(id)``, ``.decide()``."""
        self._not_on_spark("alerts")
        from moneytrail.api.alerts import AlertsPart

        return AlertsPart(self)

    @cached_property
    def model(self) -> ModelPart:
        """The scoring model: ``ws.model.train()``, ``.evaluate()``, ``.score(name)``."""
        from moneytrail.api.model import ModelPart

        if self.engine_kind == "spark":
            from moneytrail.api.spark_features import _spark_model_part

            part: ModelPart = _spark_model_part()(self)
            return part

        return ModelPart(self)

    @cached_property
    def export(self) -> ExportPart:
        """Hand the workspace over: ``ws.export.ftm("entites.jsonl")``."""
        self._not_on_spark("export")
        from moneytrail.api.export import ExportPart

        return ExportPart(self)

    @cached_property
    def conflicts(self) -> ConflictsPart:
        """Transactions two sources tell differently: ``ws.conflicts.list()``, ``.decide()``."""
        self._not_on_spark("conflicts")
        from moneytrail.api.conflicts import ConflictsPart

        return ConflictsPart(self)

    @cached_property
    def goaml(self) -> GoamlPart:
        """goAML reports read into the workspace: ``ws.goaml.reports(indicator="SPT")``."""
        self._not_on_spark("goaml")
        from moneytrail.api.goaml_reports import GoamlPart

        return GoamlPart(self)

    def _schema_version(self) -> int:
        if self.engine_kind == "spark":
            from moneytrail.api.spark import spark_schema_version

            return spark_schema_version(self.path)
        return current_version(self.engine)

    def info(self) -> WorkspaceInfo:
        """Counts, date range, currencies, channels and sources of the workspace."""
        e = self.engine
        counts = {
            t: int(e.fetchall(f"SELECT count(*) FROM {t}")[0][0])  # noqa: S608 - fixed names
            for t in CANONICAL_TABLES
        }
        first, last = e.fetchall("SELECT min(ts), max(ts) FROM transactions")[0]
        currencies = [
            {"currency": c, "transactions": int(n), "total": str(s)}
            for c, n, s in e.fetchall(
                "SELECT currency, count(*), sum(amount) FROM transactions"
                " GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        ]
        channels = [
            {"channel": c, "transactions": int(n)}
            for c, n in e.fetchall(
                "SELECT channel, count(*) FROM transactions GROUP BY 1 ORDER BY 2 DESC, 1"
            )
        ]
        sources = [
            {
                "id": sid,
                "path": p,
                "format": f,
                "rows_ok": int(ok),
                "rows_rejected": int(bad),
                "ingested_at": at.isoformat(),
            }
            for sid, p, f, ok, bad, at in e.fetchall(
                "SELECT id, path, format, rows_ok, rows_rejected, ingested_at FROM sources"
                " ORDER BY ingested_at, id"
            )
        ]
        return WorkspaceInfo(
            path=str(self.path),
            schema_version=self._schema_version(),
            counts=counts,
            first_transaction=first.isoformat() if first else None,
            last_transaction=last.isoformat() if last else None,
            currencies=currencies,
            channels=channels,
            sources=sources,
            reporting_currency=self.reporting_currency,
        )
