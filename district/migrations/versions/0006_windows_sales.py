"""Scenic-spot windows and their sales: a device may belong to a spot instead of a member
(`devices.member_id` nullable, `spot_id`, `seen_at`), one-time window enrollment codes, and
the window's sale kept on its redemption (sale id, window, day, kind, override, presentation,
hash chain, flag; `member_id` nullable for a serial the district does not know).

On SQLite the two tables are rebuilt (batch mode) while `district.db.migrate` has foreign keys
off (other tables point at `devices`); it checks every reference before the commit.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()


def _devices() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.alter_column("member_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(ID("spot_id", sa.String(32), nullable=True))
        batch.add_column(ID("seen_at", BIG, nullable=True))
        batch.create_foreign_key("fk_devices_spot_id_spots", "spots", ["spot_id"], ["id"])
        batch.create_index("ix_devices_spot_id", ["spot_id"])


def _window_codes() -> None:
    op.create_table(
        "window_codes", ID("id", sa.Integer(), primary_key=True),
        ID("spot_id", sa.String(32), sa.ForeignKey("spots.id"), nullable=False),
        ID("code_hash", sa.LargeBinary(32), nullable=False),
        ID("created_at", BIG, nullable=False), ID("expires_at", BIG, nullable=False),
        ID("used_at", BIG, nullable=True), ID("created_by", sa.String(64), nullable=False))
    op.create_index("ix_window_codes_code_hash", "window_codes", ["code_hash"])


def _sale_columns() -> list[sa.Column[object]]:
    return [ID("sale_id", sa.String(32), nullable=True), ID("device_id", sa.String(32),
                                                            nullable=True),
            ID("day", sa.Integer(), nullable=True), ID("kind", sa.String(8), nullable=True),
            ID("override", sa.Boolean(), server_default=sa.false(), nullable=False),
            ID("presentation_id", sa.String(64), nullable=True),
            ID("sale_hash", sa.String(128), nullable=True),
            ID("prev_hash", sa.String(128), nullable=True),
            ID("flag", sa.String(16), nullable=True), ID("received_at", BIG, nullable=True)]


def _redemptions() -> None:
    with op.batch_alter_table("redemptions") as batch:
        batch.alter_column("member_id", existing_type=sa.Integer(), nullable=True)
        for column in _sale_columns():
            batch.add_column(column)
        batch.create_unique_constraint("uq_redemptions_sale_id", ["sale_id"])
        batch.create_foreign_key("fk_redemptions_device_id_devices", "devices", ["device_id"],
                                 ["id"])
        batch.create_index("ix_redemptions_card_day", ["card_serial", "day"])
        batch.create_index("ix_redemptions_day_spot", ["day", "spot_id"])


def upgrade() -> None:
    _devices()
    _window_codes()
    _redemptions()


def downgrade() -> None:
    with op.batch_alter_table("redemptions") as batch:
        for name in ("ix_redemptions_day_spot", "ix_redemptions_card_day"):
            batch.drop_index(name)
        batch.drop_constraint("fk_redemptions_device_id_devices", type_="foreignkey")
        batch.drop_constraint("uq_redemptions_sale_id", type_="unique")
        for column in reversed(_sale_columns()):
            batch.drop_column(column.name)
    op.drop_table("window_codes")
    with op.batch_alter_table("devices") as batch:
        batch.drop_index("ix_devices_spot_id")
        batch.drop_constraint("fk_devices_spot_id_spots", type_="foreignkey")
        batch.drop_column("seen_at")
        batch.drop_column("spot_id")
