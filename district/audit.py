"""The audit log: every action of the district goes through `record` (who, what, when, details)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from district.tables import AuditEntry

Details = Mapping[str, object]


def record(session: Session, actor: str, action: str, subject: str, details: Details,
           now: int) -> AuditEntry:
    """Add an entry in the caller's transaction: it commits or rolls back with the action."""
    entry = AuditEntry(at=now, actor=actor, action=action, subject=subject,
                       details=json.dumps(dict(details), ensure_ascii=False, sort_keys=True))
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 100, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally of one action."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def details_of(entry: AuditEntry) -> dict[str, object]:
    loaded = json.loads(entry.details)
    return loaded if isinstance(loaded, dict) else {}
