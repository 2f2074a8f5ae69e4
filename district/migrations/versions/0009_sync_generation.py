"""The district's sync generation: a random id in `district_meta` ("sync_generation") that every
restore from a backup replaces, so each device notices the restore, pulls from the start and
sends again what it had sent since the backup (`district.feed.changelog.generation`).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

META = sa.table("district_meta", sa.column("key", sa.String), sa.column("value", sa.Text))
KEY = "sync_generation"


def upgrade() -> None:
    op.execute(META.delete().where(META.c.key == KEY))
    op.execute(META.insert().values(key=KEY, value=secrets.token_hex(8)))


def downgrade() -> None:
    op.execute(META.delete().where(META.c.key == KEY))
