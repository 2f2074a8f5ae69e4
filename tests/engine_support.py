"""The sync engine (app/sync.py) over hand-written fakes, for the engine's tests: a district that
applies each change once and keeps a log (`tests.fakes.FakeSyncServer`), an applier that keeps
what it is given, and a clock the test moves."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.models import Change, DistrictAccess, Pulled, RecordKey
from app.sync import SyncEngine
from storage.memory import InMemoryOutbox, InMemorySyncCursor
from tests.fakes import Clock, FakeSyncServer

ACCESS = DistrictAccess("http://district.test", "token")


@dataclass
class KeepingApplier:
    """Keeps the newest fields per record, like the phone's repositories (idempotent)."""

    cursor: InMemorySyncCursor
    records: dict[tuple[str, str], dict[str, object] | None] = field(default_factory=dict)
    applied: list[int] = field(default_factory=list)
    cursor_seen: list[int] = field(default_factory=list)
    reapplied: list[str] = field(default_factory=list)
    during: Callable[[], object] = lambda: None  # what the member does while a page is applied

    def apply(self, pulled: Pulled) -> None:
        self.during()
        self.cursor_seen.append(self.cursor.load().cursor)
        self.applied.append(pulled.cursor)
        key = (pulled.entity, pulled.record_id)
        if pulled.op == "tombstone":
            self.records.pop(key, None)
        else:
            self.records[key] = pulled.fields

    def reapply(self, change: Change) -> None:
        self.reapplied.append(change.change_id)
        self.records[(change.entity, change.record_id)] = dict(change.fields)

    def held(self) -> set[RecordKey]:
        return set(self.records)

    def forget(self, key: RecordKey) -> None:
        self.records.pop(key, None)


@dataclass
class Phone:
    """A phone's sync engine over in-memory ports; `restart` builds the engine again."""

    district: FakeSyncServer = field(default_factory=FakeSyncServer)
    outbox: InMemoryOutbox = field(default_factory=InMemoryOutbox)
    cursor: InMemorySyncCursor = field(default_factory=InMemorySyncCursor)
    clock: Clock = field(default_factory=lambda: Clock(1_700_000_000.0))
    rand: float = 0.5
    ids: Iterator[int] = field(default_factory=itertools.count)
    applier: KeepingApplier = field(init=False)
    engine: SyncEngine = field(init=False)

    def __post_init__(self) -> None:
        self.applier = KeepingApplier(self.cursor)
        self.restart()

    def restart(self, page: int = 500) -> None:
        """A new engine over the same outbox and cursor, as after the app is started again."""
        self.engine = SyncEngine(self.district, self.outbox, self.cursor, self.applier,
                                 lambda: ACCESS, self.clock, rand=lambda: self.rand,
                                 new_id=lambda: f"id-{next(self.ids)}", page=page)

    def save(self, n: int) -> Change:
        return self.engine.record("note", f"r-{n}", {"n": n})
