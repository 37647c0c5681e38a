"""Forward-only migrations of the case store (alembic), run when a store is opened.

Why alembic rather than the workspace's numbered SQL files: the case store runs on two
database systems, and alembic's operations render the right DDL for each. The scripts live in
``moneytrail/cases/migrations/versions``; a store whose revision this code does not know was
migrated by a newer moneytrail and is refused untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.errors import UsageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the store to :func:`head_revision`; refuse one from a newer moneytrail."""
    from alembic import command
    from alembic.script import ScriptDirectory

    config = _config()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    current = current_revision(engine)
    if current is not None and current not in known:
        raise UsageError("cases.error.newer_store", revision=current)
    if current == head_revision():
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
