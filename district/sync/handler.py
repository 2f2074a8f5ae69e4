"""What a sync handler is given and gives back: the pushing device (`Pusher`), the outcome of one
change (`Outcome`: applied, duplicate, conflict or rejected, with the server's copy and the reason
in words), and the handler itself with the rows it must lock first."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.models import WireChange
from district.cards.keyring import KeyRing
from district.feed import changelog

APPLIED, DUPLICATE, CONFLICT, REJECTED = "applied", "duplicate", "conflict", "rejected"


@dataclass(frozen=True)
class Pusher:
    """The pushing device, and what its handlers may need (keys, settings, the clock)."""

    device_id: str
    role: str
    member_id: int | None  # None for a window
    scope: str
    now: int
    keys: Callable[[], KeyRing]
    family_limit: int = 4
    family_auto_approve: bool = False
    spot_id: str | None = None  # a window's spot
    daily_limit: int = 1  # discounted tickets per card per spot per day
    cadre_id: int | None = None  # a cadre's phone's cadre


@dataclass(frozen=True)
class Outcome:
    status: str
    version: int | None = None
    server_copy: dict[str, Any] | None = None
    reason: str | None = None
    message: str | None = None
    message_en: str | None = None
    entry: changelog.Entry | None = None  # the log entry whose version the change gets

    def as_dict(self, change_id: str) -> dict[str, Any]:
        return {"change_id": change_id, "status": self.status, "version": self.version,
                "server_copy": self.server_copy, "reason": self.reason,
                "message": self.message, "message_en": self.message_en}


def _no_locks(_session: Session, _changes: Sequence[WireChange]) -> None:
    """Most records lock nothing shared beyond their own rows."""


@dataclass(frozen=True)
class Handler:
    """Applies one entity's changes; `schema` is the newest schema version it understands.
    `lock` takes, before any change of the batch runs, the shared rows the batch's changes of
    this entity will lock, in one global order (so two devices naming the same rows in another
    order wait for each other instead of deadlocking)."""

    schema: int
    apply: Callable[[Session, Pusher, WireChange], Outcome]
    lock: Callable[[Session, Sequence[WireChange]], None] = _no_locks


def rejected(reason: str, zh: str, en: str) -> Outcome:
    return Outcome(REJECTED, reason=reason, message=zh, message_en=en)


Handlers = Mapping[str, Handler]
