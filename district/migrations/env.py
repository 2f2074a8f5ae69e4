"""Alembic environment: run programmatically by `district.db.migrate` with a connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import district.cadres.tables
import district.feed.tables
import district.phones.tables
import district.registry.tables
import district.staff.tables
import district.sync.tables
import district.windows.tables  # noqa: F401  (these modules' tables join Base.metadata)
from district.tables import Base


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("district migrations run through district.db.migrate(engine)")
run(_connection)
