"""The day a cadre's "五个一" start to count (`cadres.serving_from`, a China day number): the
compliance matrix does not hold a cadre added in November overdue for January. Cadres added
before this migration keep none (every period counts, as before).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cadres") as batch:
        batch.add_column(sa.Column("serving_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cadres") as batch:
        batch.drop_column("serving_from")
