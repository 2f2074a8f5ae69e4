"""The sync tables: the change log and its cursor counter, pushed changes, and redemptions.

`sync_log.cursor` is taken from the `sync_counter` row inside the writing transaction, so
cursor order is commit order; the log holds only each record's newest entry, found by its
(scope, entity, record_id) index (see `district.sync_log`).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base


class SyncCounter(Base):
    """The cursor counter (one row, "log"): updated in the transaction that writes the log."""

    __tablename__ = "sync_counter"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class SyncLogEntry(Base):
    """A record's newest change, for the devices of `scope` ("public", "member:<id>" or
    "family:<id>")."""

    __tablename__ = "sync_log"
    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    scope: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(BigInteger)
    fields: Mapped[str | None] = mapped_column(Text)


Index("ix_sync_log_scope_cursor", SyncLogEntry.scope, SyncLogEntry.cursor)
Index("ix_sync_log_record", SyncLogEntry.scope, SyncLogEntry.entity, SyncLogEntry.record_id)


class SyncDevice(Base):
    """The highest change sequence number a device has pushed (its row lock serializes pushes)."""

    __tablename__ = "sync_devices"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class SyncChange(Base):
    """A pushed change and the answer it got; the change id makes a repeat a duplicate."""

    __tablename__ = "sync_changes"
    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    scope: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int | None] = mapped_column(BigInteger)
    server_copy: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str | None] = mapped_column(String(255))
    message_en: Mapped[str | None] = mapped_column(String(255))
    at: Mapped[int] = mapped_column(BigInteger)


Index("ix_sync_changes_record", SyncChange.scope, SyncChange.entity, SyncChange.record_id)


class Redemption(Base):
    """A discounted purchase with a member's (or family member's) card at a spot's window.

    A window's sale also keeps the window (`device_id`), its sale id, the China business day,
    the card kind it charged for, its supervisor override, the presentation it took, its hash
    chain as sent, and `flag` when something about it needs a look ("two_windows",
    "over_limit", "unknown_card"). A sale whose serial is unknown has no member.
    """

    __tablename__ = "redemptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family_members.id"))
    card_serial: Mapped[int] = mapped_column(BigInteger)
    spot_id: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[str] = mapped_column(String(32))
    list_fen: Mapped[int]
    paid_fen: Mapped[int]
    at: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(64))
    sale_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    device_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    day: Mapped[int | None]
    kind: Mapped[str | None] = mapped_column(String(8))
    override: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    presentation_id: Mapped[str | None] = mapped_column(String(64))
    sale_hash: Mapped[str | None] = mapped_column(String(128))
    prev_hash: Mapped[str | None] = mapped_column(String(128))
    flag: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[int | None] = mapped_column(BigInteger)


Index("ix_redemptions_card_day", Redemption.card_serial, Redemption.day)
Index("ix_redemptions_day_spot", Redemption.day, Redemption.spot_id)
