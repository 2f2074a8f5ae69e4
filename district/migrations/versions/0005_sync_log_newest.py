"""The change log keeps only the newest entry of each record: an index on (scope, entity,
record_id) for the delete that precedes each write, and the older entries already logged go.

Deleting them is safe for every phone: one that had pulled past an old entry has the record's
newer entry still to come or already in hand; one that had not gets just the newest. A
downgrade drops the index; the deleted entries do not come back (nothing needs them).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SUPERSEDED = """
DELETE FROM sync_log WHERE cursor < (
    SELECT MAX(newer.cursor) FROM sync_log AS newer
    WHERE newer.scope = sync_log.scope AND newer.entity = sync_log.entity
      AND newer.record_id = sync_log.record_id)
"""


def upgrade() -> None:
    op.create_index("ix_sync_log_record", "sync_log", ["scope", "entity", "record_id"])
    op.execute(SUPERSEDED)


def downgrade() -> None:
    op.drop_index("ix_sync_log_record", "sync_log")
