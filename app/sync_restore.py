"""What a device does when the district has been restored from a backup (SPEC §8).

A restore takes the district back to the backup: what it acknowledged since is gone, and its
log (and the ids it hands out) may start again below where they were. The district then has a
new **generation**, said in every push and pull answer. A device keeps each acknowledged change
a while as sent (30 days, at most 10,000); when an answer brings a generation other than the
one its cursor belongs to, it makes every kept change wait again (those the backup had come
back "duplicate"), starts its pull over from cursor 0, and notes what it holds as stale: what
the pull from the start does not send again is dropped at its end — the restore lost it, or
gave its id to another record. Each step is saved before the next, so a crash repeats it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from app.models import RecordKey, SyncMark
from app.ports import Clock, Outbox, SyncCursor

SENT_DAYS, SENT_KEEP = 30, 10_000  # acknowledged changes kept to send again after a restore
DAY = 86_400


class HeldRecords(Protocol):
    """Every pulled record the device keeps (`held`), and dropping one (`forget`)."""

    def held(self) -> set[RecordKey]: ...
    def forget(self, key: RecordKey) -> None: ...


class Generations:
    def __init__(self, outbox: Outbox, cursor: SyncCursor, records: HeldRecords,
                 clock: Clock) -> None:
        self._outbox, self._cursor, self._records, self._clock = outbox, cursor, records, clock

    def notice(self, generation: str | None) -> bool:
        """The district's generation in an answer; True when it is a new one (a restore)."""
        mark = self._cursor.load()
        if generation is None or generation == mark.generation:
            return False
        if mark.generation is None:  # the first answer that tells: a new or an updated device
            self._cursor.save(replace(mark, generation=generation))
            return False
        self._outbox.resend()
        self._cursor.save(SyncMark(0, mark.synced_at, generation,
                                   frozenset(self._records.held())))
        return True

    def sweep(self) -> None:
        """The pull has reached the end: what is still stale is not the district's any more."""
        mark = self._cursor.load()
        if mark.stale:
            for key in sorted(mark.stale):
                self._records.forget(key)
            self._cursor.save(replace(mark, stale=frozenset()))

    def prune(self) -> None:
        """Sent changes past the retention leave the device."""
        self._outbox.forget_sent(int(self._clock()) - SENT_DAYS * DAY, SENT_KEEP)

    def forget_sent(self) -> None:
        """Another person activated this device: what the last one sent is never sent again."""
        self._outbox.forget_sent(0, 0)
