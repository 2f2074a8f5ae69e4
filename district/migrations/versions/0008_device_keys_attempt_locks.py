"""One key per working device and one phone per person, enforced by the database; attempt
locks; cancelled activation codes.

- `attempt_locks`: a row per member number, user name or address that tried a code or a
  password, locked by every attempt before it counts failures (`district.db.lock_attempts`).
- `activation_codes.cancelled_at`: a newer code for the same person cancels the older ones.
- Unique partial indexes over the devices that work (`revoked_at` empty): a public key belongs
  to one device; a member has one phone, and so has each family member. A database that
  already breaks them (a key copied from another member's QR code, or two phones activated at
  once) is repaired first: of the working devices sharing a key the first enrolled stays (its
  owner's), then of a person's working phones the newest stays (as 补办 would have left it).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ACTIVE = "revoked_at IS NULL"
UNIQUE = (("uq_devices_active_public_key", "public_key", ACTIVE),
          ("uq_devices_active_member", "member_id", f"{ACTIVE} AND role = 'member'"),
          ("uq_devices_active_family", "family_id", f"{ACTIVE} AND role = 'family'"))
devices = sa.table("devices", sa.column("id", sa.String()), sa.column("public_key"),
                   sa.column("member_id"), sa.column("family_id"), sa.column("role"),
                   sa.column("created_at"), sa.column("revoked_at"))


def _working(*where: sa.ColumnElement[bool]) -> list[sa.Row[tuple[object, ...]]]:
    query = sa.select(devices.c.id, devices.c.public_key, devices.c.member_id,
                      devices.c.family_id, devices.c.role).where(
        devices.c.revoked_at.is_(None), *where).order_by(devices.c.created_at, devices.c.id)
    return list(op.get_bind().execute(query))


def _revoke(ids: Iterable[str]) -> None:
    now = int(time.time())
    for device_id in ids:
        op.get_bind().execute(sa.update(devices).where(devices.c.id == device_id)
                              .values(revoked_at=now))


def _all_but(rows: list[sa.Row[tuple[object, ...]]], group: int, keep_last: bool) -> list[str]:
    """The ids to revoke so that one row per value of column `group` stays."""
    kept: dict[object, str] = {}
    extra: list[str] = []
    for row in rows:
        if row[group] in kept and not keep_last:
            extra.append(str(row[0]))
            continue
        if row[group] in kept:
            extra.append(kept[row[group]])
        kept[row[group]] = str(row[0])
    return extra


def _repair() -> None:
    """A copied key first (its owner keeps it), then each person's newest phone."""
    _revoke(_all_but(_working(), 1, keep_last=False))
    _revoke(_all_but(_working(devices.c.role == "member"), 2, keep_last=True))
    _revoke(_all_but(_working(devices.c.role == "family"), 3, keep_last=True))


def upgrade() -> None:
    op.create_table("attempt_locks", sa.Column("key", sa.String(100), primary_key=True),
                    sa.Column("touched_at", sa.BigInteger(), nullable=False))
    op.create_index("ix_attempt_locks_touched_at", "attempt_locks", ["touched_at"])
    with op.batch_alter_table("activation_codes") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.BigInteger(), nullable=True))
    _repair()
    for name, column, where in UNIQUE:
        op.create_index(name, "devices", [column], unique=True,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, _column, _where in UNIQUE:
        op.drop_index(name, "devices")
    with op.batch_alter_table("activation_codes") as batch:
        batch.drop_column("cancelled_at")
    op.drop_index("ix_attempt_locks_touched_at", "attempt_locks")
    op.drop_table("attempt_locks")
