"""District staff accounts, their sign-in sessions and attempts; an index on member names.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()


def upgrade() -> None:
    op.create_table(
        "staff", ID("id", sa.Integer(), primary_key=True),
        ID("username", sa.String(32), nullable=False, unique=True),
        ID("password_hash", sa.String(255), nullable=False),
        ID("role", sa.String(16), nullable=False),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=True),
        ID("active", sa.Boolean(), nullable=False), ID("created_at", BIG, nullable=False))
    op.create_table(
        "staff_sessions", ID("id", sa.Integer(), primary_key=True),
        ID("token_hash", sa.String(64), nullable=False, unique=True),
        ID("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        ID("csrf", sa.String(64), nullable=False), ID("created_at", BIG, nullable=False),
        ID("expires_at", BIG, nullable=False), ID("ended_at", BIG, nullable=True))
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "staff_login_attempts", ID("id", sa.Integer(), primary_key=True),
        ID("username", sa.String(64), nullable=False), ID("ip", sa.String(64), nullable=False),
        ID("at", BIG, nullable=False), ID("ok", sa.Boolean(), nullable=False))
    op.create_index("ix_staff_login_attempts_username_at", "staff_login_attempts",
                    ["username", "at"])
    op.create_index("ix_staff_login_attempts_ip_at", "staff_login_attempts", ["ip", "at"])
    op.create_index("ix_members_name", "members", ["name"])


def downgrade() -> None:
    op.drop_index("ix_members_name", "members")
    for table in ("staff_login_attempts", "staff_sessions", "staff"):
        op.drop_table(table)
