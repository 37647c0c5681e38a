"""The :class:`Workspace` facade: one directory, one DuckDB database, every capability.

``Workspace.init(path)`` creates it, ``Workspace.open(path)`` opens it (migrating the schema
forward), then ``ws.ingest(...)``, ``ws.info()``... Later capabilities hang off the same object
(``ws.trace``, ``ws.network``, ``ws.detect``, ``ws.screen``) as splink hangs its parts off a
Linker. The facade holds no analytics itself; it wires the engine to pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from moneytrail.engine.base import Engine
from moneytrail.engine.duckdb_engine import DuckDBEngine
from moneytrail.engine.schema import code_schema_version, current_version, migrate
from moneytrail.errors import UsageError
from moneytrail.ingest.base import IngestOptions
from moneytrail.ingest.pipeline import FileOutcome, ProgressFactory, ingest_files

if TYPE_CHECKING:
    from moneytrail.detect.model.alerts import ScoreOutcome
    from moneytrail.detect.rules import Rule, RuleProgress, RuleRunResult
    from moneytrail.network.graph import MoneyNetwork
    from moneytrail.resolve import Resolver
    from moneytrail.screen.settings import ScreenSettings
    from moneytrail.trace.model import Seed as TraceSeed
    from moneytrail.trace.model import TraceResult, TraceSettings

DB_NAME = "workspace.duckdb"
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
    def init(cls, path: Path | str) -> Workspace:
        """Create a workspace in ``path`` (created if missing); an existing one is just opened.

        Refuses a non-empty directory that is not a workspace, so that nothing the user already
        had there is touched.
        """
        folder = Path(path)
        db = folder / DB_NAME
        if folder.exists() and not folder.is_dir():
            raise UsageError("error.workspace_not_dir", path=str(folder))
        if folder.exists() and not db.exists() and any(folder.iterdir()):
            raise UsageError("error.workspace_dir_not_empty", path=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        if not db.exists():
            DuckDBEngine(db).close()
        return cls.open(folder)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Workspace:
        """Open the workspace in ``path`` and bring its schema up to date."""
        folder = Path(path)
        db = folder / DB_NAME
        if not db.exists():
            raise UsageError("error.workspace_missing", path=str(folder))
        try:
            engine = DuckDBEngine(db, read_only=read_only)
        except Exception as exc:  # duckdb raises IOException when another process holds it
            raise UsageError("error.workspace_locked", path=str(folder), detail=str(exc)) from exc
        if not read_only:
            migrate(engine)
        elif current_version(engine) != code_schema_version():
            engine.close()
            raise UsageError("error.workspace_needs_migration", path=str(folder))
        return cls(folder, engine)

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
        return ingest_files(
            self.engine,
            [Path(p) for p in paths],
            options or IngestOptions(),
            self.reporting_currency,
            progress,
        )

    def trace(self, seed: TraceSeed, settings: TraceSettings | None = None) -> TraceResult:
        """Follow the money from ``seed``; see :func:`moneytrail.trace.trace`."""
        from moneytrail.trace import trace

        return trace(self.engine, seed, settings)

    def screen(self, settings: ScreenSettings | None = None, workers: int = 1) -> dict[str, Any]:
        """Screen every party against the latest loaded lists; see
        :func:`moneytrail.screen.jobs.screen_parties` (matches become findings to review).

        ``workers`` > 1 spreads the distinct names over that many processes (the CLI uses the
        CPU count); 1 keeps everything in this process, which is what a library caller expects.
        """
        from moneytrail.screen.jobs import screen_parties
        from moneytrail.screen.settings import ScreenSettings

        return screen_parties(self.engine, settings or ScreenSettings(), workers=workers)

    def score(self, model: str) -> ScoreOutcome:
        """Apply saved model ``model`` to every transaction and store its explained alerts;
        see :func:`moneytrail.detect.model.score_workspace`."""
        from moneytrail.detect.model.alerts import score_workspace

        return score_workspace(self.engine, self.path, model)

    def detect(
        self,
        rules: Sequence[Rule] | None = None,
        params: dict[str, dict[str, Any]] | None = None,
        progress: RuleProgress | None = None,
    ) -> RuleRunResult:
        """Run typology rules (all shipped rules by default) and store their alerts; see
        :func:`moneytrail.detect.rules.run_rules`."""
        from moneytrail.detect.rules import load_library, run_rules

        chosen = list(load_library().values()) if rules is None else list(rules)
        return run_rules(self.engine, chosen, params or {}, progress)

    def resolve(self) -> Resolver:
        """Entity resolution (linker, analyst decisions, clusters); see
        :mod:`moneytrail.resolve`: ``ws.resolve().run()``."""
        from moneytrail.resolve import Resolver

        return Resolver(self.engine)

    def network(self) -> MoneyNetwork:
        """The money network of the workspace; see :func:`moneytrail.network.build_graph`."""
        from moneytrail.network.graph import build_graph

        return build_graph(self.engine, self.reporting_currency)

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
                " GROUP BY 1 ORDER BY 2 DESC"
            )
        ]
        channels = [
            {"channel": c, "transactions": int(n)}
            for c, n in e.fetchall(
                "SELECT channel, count(*) FROM transactions GROUP BY 1 ORDER BY 2 DESC"
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
                " ORDER BY ingested_at"
            )
        ]
        return WorkspaceInfo(
            path=str(self.path),
            schema_version=current_version(e),
            counts=counts,
            first_transaction=first.isoformat() if first else None,
            last_transaction=last.isoformat() if last else None,
            currencies=currencies,
            channels=channels,
            sources=sources,
            reporting_currency=self.reporting_currency,
        )
