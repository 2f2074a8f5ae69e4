"""The registry, signing keys, signed lists, cards and the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.Column
BIG = sa.BigInteger()


def _registry() -> None:
    op.create_table("district_meta", ID("key", sa.String(64), primary_key=True),
                    ID("value", sa.Text(), nullable=False))
    op.create_table(
        "towns", ID("id", sa.String(16), primary_key=True),
        ID("name", sa.String(64), nullable=False), ID("kind", sa.String(16), nullable=False),
        ID("position", sa.Integer(), nullable=False), ID("serial_lo", BIG, nullable=False),
        ID("serial_hi", BIG, nullable=False), ID("next_serial", BIG, nullable=False))
    op.create_table(
        "unions", ID("id", sa.Integer(), primary_key=True),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=False),
        ID("name", sa.String(128), nullable=False),
        sa.UniqueConstraint("town_id", "name", name="uq_unions_town_name"))
    op.create_table(
        "members", ID("id", sa.Integer(), primary_key=True),
        ID("member_no", sa.String(32), nullable=False, unique=True),
        ID("name", sa.String(64), nullable=False), ID("id_last4", sa.String(4), nullable=False),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=False),
        ID("union_id", sa.Integer(), sa.ForeignKey("unions.id"), nullable=False),
        ID("titles", sa.String(255), nullable=False), ID("status", sa.String(16), nullable=False),
        ID("updated_at", BIG, nullable=False))
    op.create_index("ix_members_union_id", "members", ["union_id"])
    op.create_table(
        "family_members", ID("id", sa.Integer(), primary_key=True),
        ID("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        ID("name", sa.String(64), nullable=False), ID("relation", sa.String(16), nullable=False),
        ID("id_last4", sa.String(4), nullable=False), ID("status", sa.String(16), nullable=False),
        ID("created_at", BIG, nullable=False))
    op.create_index("ix_family_members_member_id", "family_members", ["member_id"])
    op.create_table(
        "cadres", ID("id", sa.Integer(), primary_key=True),
        ID("cadre_no", sa.String(32), nullable=False, unique=True),
        ID("name", sa.String(64), nullable=False), ID("department", sa.String(64), nullable=False))


def _catalog() -> None:
    text = [ID(n, sa.String(64), nullable=False) for n in ("name", "name_en", "company", "town")]
    op.create_table("spots", ID("id", sa.String(32), primary_key=True), *text)
    op.create_table(
        "tickets", ID("id", sa.String(32), primary_key=True),
        ID("name", sa.String(64), nullable=False), ID("name_en", sa.String(64), nullable=False),
        ID("spot_ids", sa.String(255), nullable=False),
        *(ID(n, sa.Integer(), nullable=False)
          for n in ("list_fen", "member_bp", "family_bp", "group_bp", "rounding")))


def _keys_and_lists() -> None:
    op.create_table(
        "signing_keys", ID("id", sa.Integer(), primary_key=True),
        ID("role", sa.String(8), nullable=False),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=True),
        ID("kid", sa.LargeBinary(8), nullable=False, unique=True),
        ID("public_key", sa.LargeBinary(32), nullable=False),
        ID("private_sealed", sa.LargeBinary(), nullable=False),
        ID("not_before", BIG, nullable=False), ID("not_after", BIG, nullable=False),
        ID("created_at", BIG, nullable=False), ID("active", sa.Boolean(), nullable=False))
    op.create_table(
        "signed_lists", ID("id", sa.Integer(), primary_key=True),
        ID("kind", sa.String(8), nullable=False), ID("version", sa.Integer(), nullable=False),
        ID("issued_at", BIG, nullable=False), ID("data", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("kind", "version", name="uq_signed_lists_kind_version"))
    op.create_table("list_heads", ID("kind", sa.String(8), primary_key=True),
                    ID("version", sa.Integer(), nullable=False))


def _cards_and_audit() -> None:
    op.create_table(
        "cards", ID("serial", BIG, primary_key=True, autoincrement=False),
        ID("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        ID("family_id", sa.Integer(), sa.ForeignKey("family_members.id"), nullable=True),
        ID("kind", sa.Integer(), nullable=False), ID("primary_serial", BIG, nullable=True),
        ID("town_id", sa.String(16), sa.ForeignKey("towns.id"), nullable=False),
        ID("issuer_kid", sa.LargeBinary(8), nullable=False),
        ID("holder_key", sa.LargeBinary(32), nullable=True),
        ID("issued_at", BIG, nullable=False), ID("exp", BIG, nullable=False),
        ID("status", sa.String(16), nullable=False), ID("replaced_by", BIG, nullable=True),
        ID("revoked_at", BIG, nullable=True), ID("revoke_reason", sa.String(255), nullable=True),
        ID("cose", sa.LargeBinary(), nullable=False))
    op.create_index("ix_cards_member_id", "cards", ["member_id"])
    op.create_index("ix_cards_status", "cards", ["status"])
    op.create_table(
        "audit_log", ID("id", sa.Integer(), primary_key=True), ID("at", BIG, nullable=False),
        ID("actor", sa.String(64), nullable=False), ID("action", sa.String(32), nullable=False),
        ID("subject", sa.String(128), nullable=False), ID("details", sa.Text(), nullable=False))
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def upgrade() -> None:
    _registry()
    _catalog()
    _keys_and_lists()
    _cards_and_audit()


def downgrade() -> None:
    for table in ("audit_log", "cards", "list_heads", "signed_lists", "signing_keys", "tickets",
                  "spots", "cadres", "family_members", "members", "unions", "towns",
                  "district_meta"):
        op.drop_table(table)
