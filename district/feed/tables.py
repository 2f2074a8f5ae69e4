"""The change log's tables: the log itself (each record's newest entry) and its cursor counter.

`district.feed.changelog` takes each cursor from the `sync_counter` row inside the writing
transaction, so cursor order is commit order; the log holds only each record's newest entry,
found by its (scope, entity, record_id) index.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, String, Text
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
