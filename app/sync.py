"""The device's side of sync (SPEC §6): an outbox pushed in batches, a log pulled by cursor.

`SyncEngine.record` appends a change to the outbox (durable before it returns, so the UI may then
say "saved"). `SyncEngine.sync` pushes what waits, in batches of at most 100, and files each
answer: applied or duplicate → done; conflict or rejected → parked for the member, blocking
nothing else; "seq_not_increasing" → the same change again under a new id and a higher seq.
Then it pulls page by page: apply the page, re-apply unsent changes to the records it touched,
and only then save the cursor — so a crash in between means the page is applied again, which
appliers make harmless. Network faults and 5xx back off exponentially with full jitter, forever.

Acknowledged changes are kept a while as sent; every answer's generation goes to
`app.sync_restore.Generations`, which, when the district has been restored from a backup, makes
them wait again and starts the pull over (a second push and pull then follow in the same sync).

Listeners (`subscribe`) hear "recorded" after a change is saved and "restarted" after a new
activation or enrollment (the keeper syncs at once), and "synced" after every sync attempt (the
screens redraw the status line) — on the thread that did it.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from app.district_errors import DistrictRefused, DistrictUnreachable
from app.models import (
    Change,
    DistrictAccess,
    ParkedChange,
    Pulled,
    PullPage,
    PushResult,
    SyncMark,
)
from app.ports import Clock, Outbox, SyncCursor, SyncTransport, SyncWaiter
from app.sync_restore import Generations, HeldRecords

BATCH, PAGE = 100, 500
BACKOFF_BASE, BACKOFF_CAP = 2.0, 300.0
DONE = frozenset({"applied", "duplicate"})
PARK = frozenset({"conflict", "rejected"})
SEQ_NOT_INCREASING = "seq_not_increasing"
MAX_PUSH_ROUNDS = 40  # seq doubles per re-numbering: enough to pass any server seq < 2^39
MAX_RESTORES = 3  # new generations followed within one sync (a district restored twice …)
OTHER_PERSON = "other_person"
SyncEvent = Literal["recorded", "synced", "restarted"]
Listener = Callable[[SyncEvent], None]


class TokenExpired(DistrictRefused):
    """The district no longer accepts this phone's token (HTTP 401): activate again."""

    def __init__(self) -> None:
        super().__init__("本机的登录已失效，请重新激活会员证；待发送的内容仍保留在本机",
                         "This phone's sign-in has expired. Activate your card again; what "
                         "waits to be sent stays on this phone.", "unauthorized")


class Applier(HeldRecords, Protocol):
    """Puts pulled entries into the device's repositories. Applying one twice must be harmless.
    `held` names every pulled record the device keeps; `forget` drops one (after a restore of
    the district, what the new generation does not send again)."""

    def apply(self, pulled: Pulled) -> None: ...
    def reapply(self, change: Change) -> None: ...


def backoff_delay(attempt: int, rand: Callable[[], float]) -> float:
    """Seconds before retry number `attempt` (1 = the first failure): full jitter over
    `min(cap, base · 2^(attempt-1))`, with `rand()` uniform in [0, 1)."""
    ceiling = BACKOFF_CAP if attempt > 10 else min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return rand() * ceiling


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows. `online` is None before the first attempt."""

    waiting: int
    parked: int
    last_synced_at: int | None
    next_attempt_at: float | None
    online: bool | None
    signed_out: bool = False


@dataclass(frozen=True)
class SyncReport:
    """What one `sync()` did; `error` is the failure that stopped it, if any."""

    pushed: int = 0
    parked: int = 0
    pulled: int = 0
    error: Exception | None = None


@dataclass
class _Tally:
    pushed: int = 0
    parked: int = 0
    pulled: int = 0

    def report(self, error: Exception | None = None) -> SyncReport:
        return SyncReport(self.pushed, self.parked, self.pulled, error)


class SyncEngine:
    def __init__(self, transport: SyncTransport, outbox: Outbox, cursor: SyncCursor,
                 applier: Applier, access: Callable[[], DistrictAccess | None], clock: Clock,
                 rand: Callable[[], float] = random.random,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
                 batch: int = BATCH, page: int = PAGE) -> None:
        self._transport, self._outbox, self._cursor = transport, outbox, cursor
        self._applier, self._access, self._clock = applier, access, clock
        self._rand, self._new_id, self._batch, self._page = rand, new_id, batch, page
        self._attempt = 0
        self._next_at: float | None = None
        self._online: bool | None = None
        self._signed_out = False
        self._generations = Generations(outbox, cursor, applier, clock)
        self._running = threading.Lock()  # "sync now" and the periodic sync never overlap
        self._numbering = threading.Lock()  # a seq is taken and used by one thread at a time
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear "recorded" and "synced"; returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _tell(self, event: SyncEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def record(self, entity: str, record_id: str, fields: dict[str, Any], *, op: str = "upsert",
               schema: int = 1, base_version: int | None = None) -> Change:
        """Append a change to the outbox; it is durable when this returns."""
        with self._numbering:
            change = Change(self._new_id(), self._outbox.next_seq(), entity, record_id, op,
                            base_version, schema, dict(fields), int(self._clock()))
            self._outbox.append(change)
        self._tell("recorded")
        return change

    def pending(self) -> list[Change]:
        return self._outbox.pending()

    def parked(self) -> list[ParkedChange]:
        """Changes the district would not take, with its reason, for the member to see."""
        return self._outbox.parked()

    def dismiss(self, change_id: str) -> None:
        """The member has seen a parked change: it leaves the phone."""
        self._outbox.discard(change_id)
        self._tell("synced")

    def reachable(self) -> bool:
        """Whether the district answers now (a cheap probe; False when not activated)."""
        access = self._access()
        return access is not None and self._transport.probe(access.server_url)

    def restart(self, *, other_person: bool) -> None:
        """A new activation: pull this device's scope from the start. When another person
        activated, what the last one left unsent is parked, never sent under the new name."""
        with self._running:
            self._restart(other_person)
        self._tell("restarted")

    def _restart(self, other_person: bool) -> None:
        self._cursor.save(SyncMark(generation=self._cursor.load().generation))
        if other_person:
            for change in self._outbox.pending():
                self._outbox.park(change.change_id, OTHER_PERSON,
                                  "这条内容属于本机以前激活的会员，未发送",
                                  "This belongs to the member who used this phone before; "
                                  "it was not sent")
            self._generations.forget_sent()
        self._attempt, self._next_at, self._signed_out = 0, None, False

    def wait_for_news(self, seconds: int) -> bool:
        """Hold a long poll open until the district has something for this device (True), or
        `seconds` pass or it cannot be asked (False: offline, not activated, a transport that
        cannot wait). Never raises; call it off the UI loop."""
        access = self._access()
        if access is None or self._online is not True or not isinstance(self._transport,
                                                                          SyncWaiter):
            return False
        mark = self._cursor.load()
        try:
            return self._transport.wait(access, mark.cursor, mark.generation, seconds)
        except (DistrictUnreachable, DistrictRefused):
            return False

    def due(self) -> bool:
        """Whether a retry after failures may run now (always, once a sync has succeeded)."""
        return self._next_at is None or self._clock() >= self._next_at

    def status(self) -> SyncStatus:
        return SyncStatus(len(self._outbox.pending()), len(self._outbox.parked()),
                          self._cursor.load().synced_at, self._next_at, self._online,
                          self._signed_out)

    def sync(self) -> SyncReport:
        """Push, then pull. Never raises for the district's faults: they are in the report.
        Call it off the UI loop (it talks to the district); one sync runs at a time."""
        with self._running:
            report = self._sync()
        self._tell("synced")
        return report

    def _sync(self) -> SyncReport:
        access = self._access()
        if access is None:
            return SyncReport()
        tally = _Tally()
        try:
            self._push_all(access, tally)
            if self._pull_all(access, tally):  # a restore noticed: send again, pull its answers
                self._push_all(access, tally)
                self._pull_all(access, tally)
        except DistrictUnreachable as exc:
            self._failed()
            return tally.report(exc)
        except DistrictRefused as exc:
            self._online, self._signed_out = True, isinstance(exc, TokenExpired)
            return tally.report(exc)
        self._succeeded()
        return tally.report()

    def _failed(self) -> None:
        self._attempt += 1
        self._online = False
        self._next_at = self._clock() + backoff_delay(self._attempt, self._rand)

    def _succeeded(self) -> None:
        self._attempt, self._next_at, self._online, self._signed_out = 0, None, True, False
        mark = self._cursor.load()
        self._cursor.save(replace(mark, synced_at=int(self._clock())))
        self._generations.prune()

    # push --------------------------------------------------------------------------------------

    def _push_all(self, access: DistrictAccess, tally: _Tally) -> None:
        """Every pending change in batches; re-numbered ones, and those sent again after a
        restore, go out in the next round."""
        for _ in range(MAX_PUSH_ROUNDS):
            waiting = self._outbox.pending()
            again = False
            for start in range(0, len(waiting), self._batch):
                batch = waiting[start:start + self._batch]
                results = self._transport.push(access, batch)
                again |= self._generations.notice(
                    next((r.generation for r in results if r.generation), None))
                for change, result in zip(batch, results, strict=True):
                    again |= self._file(change, result, tally)
            if not again:
                return

    def _file(self, change: Change, result: PushResult, tally: _Tally) -> bool:
        """Act on one answer; True when the change was re-numbered to be sent again."""
        if result.status in DONE:
            self._outbox.mark_done(change.change_id, int(self._clock()))
            tally.pushed += 1
        elif result.reason == SEQ_NOT_INCREASING:
            with self._numbering:
                seq = self._outbox.next_seq(at_least=2 * change.seq + 1)
                self._outbox.requeue(change.change_id,
                                     replace(change, change_id=self._new_id(), seq=seq))
            return True
        else:
            self._outbox.park(change.change_id, result.reason or result.status,
                              result.message or "", result.message_en or "")
            tally.parked += 1
        return False

    # pull --------------------------------------------------------------------------------------

    def _pull_all(self, access: DistrictAccess, tally: _Tally) -> bool:
        """Page by page: apply, re-apply unsent changes, then save the cursor; at the end, drop
        what a new generation did not send again. True when a new generation was noticed."""
        noticed = 0
        while noticed <= MAX_RESTORES:
            mark = self._cursor.load()
            page = self._transport.pull(access, mark.cursor, self._page, mark.generation)
            if self._generations.notice(page.generation):
                noticed += 1
                continue
            if page.start_over:  # and yet the same generation: a confused district
                break
            self._store(page, self._cursor.load())  # the generation may have been learnt
            tally.pulled += len(page.changes)
            if not page.more:
                self._generations.sweep()
                break
            if page.next_cursor <= mark.cursor:
                break
        return noticed > 0

    def _store(self, page: PullPage, mark: SyncMark) -> None:
        for entry in page.changes:
            self._applier.apply(entry)
        touched = {(entry.entity, entry.record_id) for entry in page.changes}
        for change in _touching(self._outbox.pending(), touched):
            self._applier.reapply(change)
        cursor, stale = max(mark.cursor, page.next_cursor), mark.stale - touched
        if (cursor, stale) != (mark.cursor, mark.stale):
            self._cursor.save(replace(mark, cursor=cursor, stale=stale))


def _touching(changes: Sequence[Change], touched: set[tuple[str, str]]) -> list[Change]:
    return [c for c in changes if (c.entity, c.record_id) in touched]
