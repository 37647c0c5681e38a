"""Workspace schema version and forward migrations.

Migrations are SQL files ``migrations/NNNN_name.sql`` shipped in the package, applied in order,
each in its own transaction, and recorded in ``schema_migrations``. A workspace newer than the code
is refused rather than guessed at: a user's data is never rewritten by an older moneytrail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from moneytrail.engine.base import Engine

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One forward step of the schema."""

    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with this code, oldest first."""
    folder = resources.files("moneytrail.engine") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda m: m.version)


def code_schema_version() -> int:
    """The schema version this code writes."""
    return available_migrations()[-1].version


def current_version(engine: Engine) -> int:
    """Schema version of the database behind ``engine`` (0 when empty)."""
    rows = engine.fetchall(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    )
    if rows[0][0] == 0:
        return 0
    value = engine.fetchall("SELECT max(version) FROM schema_migrations")[0][0]
    return int(value or 0)


def migrate(engine: Engine) -> list[int]:
    """Apply pending migrations; return the versions applied."""
    engine.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    have = current_version(engine)
    target = code_schema_version()
    if have > target:
        raise UsageError("error.workspace_too_new", have=have, supported=target)
    applied = []
    for step in available_migrations():
        if step.version <= have:
            continue
        with engine.transaction():
            for statement in _statements(step.sql):
                engine.execute(statement)
            engine.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [step.version, step.name, datetime.now(UTC).replace(tzinfo=None)],
            )
        applied.append(step.version)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside literals in our files)."""
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
