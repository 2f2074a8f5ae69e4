"""The push tables: each device's highest pushed sequence number, and every pushed change with
the answer it got (so that a repeat is answered the same, never applied twice)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from district.tables import Base


class SyncDevice(Base):
    """The highest change sequence number a device has pushed (its row lock serializes pushes)."""

    __tablename__ = "sync_devices"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class SyncChange(Base):
    """A pushed change and the answer it got; the device's change id makes a repeat a
    duplicate (another device's change id is another change)."""

    __tablename__ = "sync_changes"
    __table_args__ = (PrimaryKeyConstraint("device_id", "change_id", name="pk_sync_changes"),)
    change_id: Mapped[str] = mapped_column(String(36))
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
