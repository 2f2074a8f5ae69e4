"""A change id belongs to the device that sent it: `sync_changes` is keyed by (device_id,
change_id), so one device re-sending another's change id gets its own answer, never the other's.

The table is rebuilt (new table, copy, swap) on both engines: SQLite cannot change a primary key
in place, and one way for both keeps the two schemas alike.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()
COLUMNS = ("device_id", "change_id", "scope", "seq", "entity", "record_id", "status", "version",
           "server_copy", "reason", "message", "message_en", "at")


def _table(name: str, key: tuple[str, ...]) -> None:
    op.create_table(
        name, ID("change_id", sa.String(36), nullable=False),
        ID("device_id", sa.String(32), sa.ForeignKey("devices.id"), nullable=False),
        ID("scope", sa.String(32), nullable=False), ID("seq", BIG, nullable=False),
        ID("entity", sa.String(32), nullable=False),
        ID("record_id", sa.String(64), nullable=False),
        ID("status", sa.String(16), nullable=False), ID("version", BIG, nullable=True),
        ID("server_copy", sa.Text(), nullable=True), ID("reason", sa.String(32), nullable=True),
        ID("message", sa.String(255), nullable=True),
        ID("message_en", sa.String(255), nullable=True), ID("at", BIG, nullable=False),
        sa.PrimaryKeyConstraint(*key, name=f"pk_{name}"))


def _rebuild(key: tuple[str, ...]) -> None:
    _table("sync_changes_new", key)
    columns = ", ".join(COLUMNS)
    op.execute(f"INSERT INTO sync_changes_new ({columns}) SELECT {columns} FROM sync_changes")
    op.drop_index("ix_sync_changes_record", "sync_changes")
    op.drop_table("sync_changes")
    op.rename_table("sync_changes_new", "sync_changes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE sync_changes RENAME CONSTRAINT pk_sync_changes_new "
                   "TO pk_sync_changes")
    op.create_index("ix_sync_changes_record", "sync_changes", ["scope", "entity", "record_id"])


def upgrade() -> None:
    _rebuild(("device_id", "change_id"))


def downgrade() -> None:
    _rebuild(("change_id",))
