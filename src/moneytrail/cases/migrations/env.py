"""alembic environment: the connection comes from :func:`moneytrail.cases.migrate.upgrade`."""

from __future__ import annotations

from alembic import context

from moneytrail.cases.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
