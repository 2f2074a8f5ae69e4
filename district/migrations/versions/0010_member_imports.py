"""Member imports started in the console: the uploaded file's check, its staged rows until they
are written, and its progress; one import writes at a time (`writing` is unique).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()
TEXT = sa.Text()


def upgrade() -> None:
    op.create_table(
        "member_imports", ID("id", sa.String(32), primary_key=True),
        ID("actor", sa.String(64), nullable=False), ID("town_id", sa.String(16), nullable=True),
        ID("file_name", sa.String(255), nullable=False), ID("created_at", BIG, nullable=False),
        ID("state", sa.String(16), nullable=False), ID("stage", sa.String(16), nullable=False),
        ID("done", sa.Integer(), nullable=False), ID("total", sa.Integer(), nullable=False),
        ID("heartbeat", BIG, nullable=False),
        ID("writing", sa.Integer(), nullable=True, unique=True),
        ID("rows", sa.Integer(), nullable=False), ID("layout", TEXT, nullable=False),
        ID("preview", TEXT, nullable=False), ID("problems", TEXT, nullable=False),
        ID("problem_count", sa.Integer(), nullable=False),
        ID("staged", sa.LargeBinary(), nullable=True), ID("report", TEXT, nullable=False),
        ID("error", TEXT, nullable=False))
    op.create_index("ix_member_imports_created_at", "member_imports", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_member_imports_created_at", "member_imports")
    op.drop_table("member_imports")
