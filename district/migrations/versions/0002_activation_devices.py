"""Activation codes, member devices and failed activation attempts (the member API).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()


def _member_refs() -> list[sa.Column[int]]:
    return [ID("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
            ID("family_id", sa.Integer(), sa.ForeignKey("family_members.id"), nullable=True)]


def upgrade() -> None:
    op.create_table(
        "activation_codes", ID("id", sa.Integer(), primary_key=True), *_member_refs(),
        ID("code_hash", sa.LargeBinary(32), nullable=False),
        ID("created_at", BIG, nullable=False), ID("expires_at", BIG, nullable=False),
        ID("used_at", BIG, nullable=True), ID("created_by", sa.String(64), nullable=False))
    op.create_index("ix_activation_codes_member_id", "activation_codes", ["member_id"])
    op.create_table(
        "devices", ID("id", sa.String(32), primary_key=True), *_member_refs(),
        ID("role", sa.String(16), nullable=False), ID("name", sa.String(64), nullable=False),
        ID("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        ID("public_key", sa.LargeBinary(32), nullable=False),
        ID("created_at", BIG, nullable=False), ID("revoked_at", BIG, nullable=True))
    op.create_index("ix_devices_member_id", "devices", ["member_id"])
    op.create_table(
        "activation_attempts", ID("id", sa.Integer(), primary_key=True),
        ID("member_no", sa.String(32), nullable=False), ID("client", sa.String(64), nullable=False),
        ID("at", BIG, nullable=False))
    op.create_index("ix_activation_attempts_member_no_at", "activation_attempts",
                    ["member_no", "at"])
    op.create_index("ix_activation_attempts_client_at", "activation_attempts", ["client", "at"])


def downgrade() -> None:
    for table in ("activation_attempts", "devices", "activation_codes"):
        op.drop_table(table)
