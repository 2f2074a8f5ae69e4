"""The cadres' "五个一": key enterprises, needy-worker files, cadre enrollment codes, records
with their revisions and reviews, cells marked not applicable, study meetings and check-ins; a
cadre's key enterprise and mentor; a device may be a cadre's phone (one working phone per cadre).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()
TEXT = sa.Text()
ACTIVE_CADRE = "revoked_at IS NULL AND role = 'cadre'"


def _people() -> None:
    op.create_table(
        "key_enterprises", ID("id", sa.Integer(), primary_key=True),
        ID("name", sa.String(100), nullable=False),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=False),
        ID("union_name", sa.String(100), nullable=False))
    with op.batch_alter_table("cadres") as batch:
        batch.add_column(ID("enterprise_id", sa.Integer(), nullable=True))
        batch.add_column(ID("mentor_member_id", sa.Integer(), nullable=True))
        batch.add_column(ID("mentor_name", sa.String(64), nullable=True))
        batch.add_column(ID("left_at", BIG, nullable=True))
        batch.create_foreign_key("fk_cadres_enterprise", "key_enterprises", ["enterprise_id"],
                                 ["id"])
        batch.create_foreign_key("fk_cadres_mentor", "members", ["mentor_member_id"], ["id"])
    op.create_table(
        "needy_workers", ID("id", sa.Integer(), primary_key=True),
        ID("name", sa.String(64), nullable=False), ID("union_name", sa.String(100), nullable=False),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=False),
        ID("phone", sa.String(20), nullable=False), ID("category", sa.String(16), nullable=False),
        ID("household", TEXT, nullable=False), ID("status", sa.String(8), nullable=False),
        ID("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=True),
        ID("created_at", BIG, nullable=False), ID("updated_at", BIG, nullable=False))
    op.create_index("ix_needy_workers_cadre_id", "needy_workers", ["cadre_id"])


def _devices() -> None:
    op.create_table(
        "cadre_codes", ID("id", sa.Integer(), primary_key=True),
        ID("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=False),
        ID("code_hash", sa.LargeBinary(32), nullable=False),
        ID("created_at", BIG, nullable=False), ID("expires_at", BIG, nullable=False),
        ID("used_at", BIG, nullable=True), ID("cancelled_at", BIG, nullable=True),
        ID("created_by", sa.String(64), nullable=False))
    op.create_index("ix_cadre_codes_cadre_id", "cadre_codes", ["cadre_id"])
    op.create_index("ix_cadre_codes_code_hash", "cadre_codes", ["code_hash"])
    with op.batch_alter_table("devices") as batch:
        batch.add_column(ID("cadre_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_devices_cadre", "cadres", ["cadre_id"], ["id"])
    op.create_index("uq_devices_active_cadre", "devices", ["cadre_id"], unique=True,
                    postgresql_where=sa.text(ACTIVE_CADRE), sqlite_where=sa.text(ACTIVE_CADRE))


def _records() -> None:
    op.create_table(
        "cadre_records", ID("id", sa.String(36), primary_key=True),
        ID("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=False),
        ID("duty", sa.String(24), nullable=False), ID("subject", sa.String(32), nullable=False),
        ID("activity_day", sa.Integer(), nullable=False),
        ID("revision", sa.Integer(), nullable=False), ID("state", sa.String(16), nullable=False),
        ID("fields", TEXT, nullable=False), ID("first_submitted_at", BIG, nullable=False),
        ID("submitted_at", BIG, nullable=False), ID("reviewed_at", BIG, nullable=True),
        ID("comment", TEXT, nullable=True), ID("device_id", sa.String(32), nullable=False))
    op.create_index("ix_cadre_records_cadre_duty_day", "cadre_records",
                    ["cadre_id", "duty", "activity_day"])
    op.create_index("ix_cadre_records_state_submitted", "cadre_records",
                    ["state", "submitted_at"])
    op.create_table(
        "cadre_revisions", ID("id", sa.Integer(), primary_key=True),
        ID("record_id", sa.String(36), sa.ForeignKey("cadre_records.id"), nullable=False),
        ID("revision", sa.Integer(), nullable=False),
        ID("activity_day", sa.Integer(), nullable=False), ID("fields", TEXT, nullable=False),
        ID("submitted_at", BIG, nullable=False), ID("device_id", sa.String(32), nullable=False),
        sa.UniqueConstraint("record_id", "revision"))
    op.create_table(
        "cadre_reviews", ID("id", sa.Integer(), primary_key=True),
        ID("record_id", sa.String(36), sa.ForeignKey("cadre_records.id"), nullable=False),
        ID("revision", sa.Integer(), nullable=False),
        ID("decision", sa.String(16), nullable=False), ID("comment", TEXT, nullable=False),
        ID("reviewer", sa.String(64), nullable=False), ID("at", BIG, nullable=False))
    op.create_index("ix_cadre_reviews_record_id", "cadre_reviews", ["record_id"])
    op.create_table(
        "duty_exemptions", ID("id", sa.Integer(), primary_key=True),
        ID("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=False),
        ID("duty", sa.String(24), nullable=False), ID("period_key", sa.String(8), nullable=False),
        ID("subject", sa.String(32), nullable=False), ID("reason", TEXT, nullable=False),
        ID("created_by", sa.String(64), nullable=False), ID("created_at", BIG, nullable=False),
        sa.UniqueConstraint("cadre_id", "duty", "period_key", "subject"))


def _meetings() -> None:
    op.create_table(
        "meetings", ID("id", sa.Integer(), primary_key=True),
        ID("title", sa.String(100), nullable=False), ID("place", sa.String(100), nullable=False),
        ID("starts_at", BIG, nullable=False), ID("ends_at", BIG, nullable=False),
        ID("code_key", sa.LargeBinary(32), nullable=False),
        ID("created_by", sa.String(64), nullable=False), ID("created_at", BIG, nullable=False))
    op.create_table(
        "meeting_checkins", ID("id", sa.Integer(), primary_key=True),
        ID("meeting_id", sa.Integer(), sa.ForeignKey("meetings.id"), nullable=False),
        ID("cadre_id", sa.Integer(), sa.ForeignKey("cadres.id"), nullable=False),
        ID("record_id", sa.String(36), nullable=False, unique=True),
        ID("slot", BIG, nullable=False), ID("method", sa.String(8), nullable=False),
        ID("at", BIG, nullable=False), sa.UniqueConstraint("meeting_id", "cadre_id"))


def upgrade() -> None:
    _people()
    _devices()
    _records()
    _meetings()


def downgrade() -> None:
    for table in ("meeting_checkins", "meetings", "duty_exemptions", "cadre_reviews",
                  "cadre_revisions", "cadre_records", "cadre_codes", "needy_workers"):
        op.drop_table(table)
    op.drop_index("uq_devices_active_cadre", "devices")
    with op.batch_alter_table("devices") as batch:
        batch.drop_constraint("fk_devices_cadre", type_="foreignkey")
        batch.drop_column("cadre_id")
    with op.batch_alter_table("cadres") as batch:
        batch.drop_constraint("fk_cadres_enterprise", type_="foreignkey")
        batch.drop_constraint("fk_cadres_mentor", type_="foreignkey")
        for column in ("enterprise_id", "mentor_member_id", "mentor_name", "left_at"):
            batch.drop_column(column)
    op.drop_table("key_enterprises")
