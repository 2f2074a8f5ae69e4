"""Sync: the change log with its cursor counter row, pushed changes, device sequence numbers,
and redemptions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()


def _strings(*names: str, size: int = 32) -> list[sa.Column[str]]:
    return [ID(name, sa.String(size), nullable=False) for name in names]


def upgrade() -> None:
    counter = op.create_table("sync_counter", ID("name", sa.String(16), primary_key=True),
                              ID("value", BIG, nullable=False))
    op.bulk_insert(counter, [{"name": "log", "value": 0}])
    op.create_table(
        "sync_log", ID("cursor", BIG, primary_key=True, autoincrement=False),
        *_strings("scope", "entity"), ID("record_id", sa.String(64), nullable=False),
        ID("op", sa.String(16), nullable=False), ID("version", BIG, nullable=False),
        ID("fields", sa.Text(), nullable=True))
    op.create_index("ix_sync_log_scope_cursor", "sync_log", ["scope", "cursor"])
    op.create_table(
        "sync_devices",
        ID("device_id", sa.String(32), sa.ForeignKey("devices.id"), primary_key=True),
        ID("last_seq", BIG, nullable=False))
    _sync_changes()
    _redemptions()


def _sync_changes() -> None:
    op.create_table(
        "sync_changes", ID("change_id", sa.String(36), primary_key=True),
        ID("device_id", sa.String(32), sa.ForeignKey("devices.id"), nullable=False),
        ID("scope", sa.String(32), nullable=False), ID("seq", BIG, nullable=False),
        ID("entity", sa.String(32), nullable=False),
        ID("record_id", sa.String(64), nullable=False),
        ID("status", sa.String(16), nullable=False), ID("version", BIG, nullable=True),
        ID("server_copy", sa.Text(), nullable=True), ID("reason", sa.String(32), nullable=True),
        ID("message", sa.String(255), nullable=True),
        ID("message_en", sa.String(255), nullable=True), ID("at", BIG, nullable=False))
    op.create_index("ix_sync_changes_record", "sync_changes", ["scope", "entity", "record_id"])


def _redemptions() -> None:
    op.create_table(
        "redemptions", ID("id", sa.Integer(), primary_key=True),
        ID("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        ID("family_id", sa.Integer(), sa.ForeignKey("family_members.id"), nullable=True),
        ID("card_serial", BIG, nullable=False), *_strings("spot_id", "ticket_id"),
        ID("list_fen", sa.Integer(), nullable=False), ID("paid_fen", sa.Integer(), nullable=False),
        ID("at", BIG, nullable=False), ID("source", sa.String(64), nullable=False))
    op.create_index("ix_redemptions_member_id", "redemptions", ["member_id"])


def downgrade() -> None:
    for table in ("redemptions", "sync_changes", "sync_devices", "sync_log", "sync_counter"):
        op.drop_table(table)
