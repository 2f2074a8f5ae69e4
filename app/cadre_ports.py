"""What a cadre's phone keeps (SPEC §10), and the ports `storage/` implements for it.

A record is kept as its revisions, every one of them (nothing is overwritten): revision 1 is the
first draft; a submitted revision is locked; when the district returns it, editing makes the
next revision, a draft again. What the district pulls down (the cadre's profile, needy workers,
exemptions, meetings, and its copy of each record: state, revision, comment) is kept as it came,
by entity and id (`PulledStore`), and read into the shapes below by `app.cadre_pulled`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.duties import Duty


@dataclass(frozen=True)
class Revision:
    """One revision of a record as the phone keeps it. `submitted_at` (unix seconds) is None
    while it is a draft; `saved_at` is its last save."""

    record_id: str
    revision: int
    duty: Duty
    subject: str
    activity_date: dt.date
    content: dict[str, Any] = field(default_factory=dict)
    saved_at: int = 0
    submitted_at: int | None = None

    @property
    def draft(self) -> bool:
        return self.submitted_at is None


class RevisionStore(Protocol):
    """Every revision of every record on this phone; `put` (same record and revision →
    replaced) is durable when it returns."""

    def put(self, revision: Revision) -> None: ...
    def revisions(self, record_id: str) -> list[Revision]: ...
    def all(self) -> list[Revision]: ...


class PulledStore(Protocol):
    """What the district sent for the cadre, by entity and id, as it came (`fields`)."""

    def put(self, entity: str, record_id: str, fields: dict[str, Any]) -> None: ...
    def remove(self, entity: str, record_id: str) -> None: ...
    def all(self, entity: str) -> dict[str, dict[str, Any]]: ...
    def keys(self) -> set[tuple[str, str]]: ...
