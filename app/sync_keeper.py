"""Keeping the phone in sync by itself (SPEC §6): on start, right after a change is saved,
periodically, and — after a failure — as soon as the back-off allows or a probe finds the
district answering again (the platform's "connected" flag says nothing about the district).

`SyncKeeper.run` is meant for a background thread of its own: the engine talks to the district,
so it must not run on the UI's event loop. `wake` (any thread) makes it sync at its next tick.
`watch`, in a second thread, holds a long poll open so that news reaches an online device
within a second or two instead of at the next periodic sync.
"""

from __future__ import annotations

import threading
from typing import Protocol

from app.ports import Clock
from app.sync import SyncEvent, SyncReport, SyncStatus

PERIOD, TICK, PROBE, WAIT = 300.0, 5.0, 15.0, 25


class Syncable(Protocol):
    def status(self) -> SyncStatus: ...
    def due(self) -> bool: ...
    def sync(self) -> SyncReport: ...
    def reachable(self) -> bool: ...
    def wait_for_news(self, seconds: int) -> bool: ...


class SyncKeeper:
    def __init__(self, engine: Syncable, clock: Clock, period: float = PERIOD,
                 probe_every: float = PROBE) -> None:
        self._engine, self._clock, self._period = engine, clock, period
        self.probe_every = probe_every
        self._last: float | None = None
        self._last_probe: float | None = None
        self._woken = threading.Event()

    def wake(self, event: SyncEvent = "recorded") -> None:
        """A change was saved, or the device was (re-)activated: sync at the next tick
        (listener of `SyncEngine.subscribe`)."""
        if event in ("recorded", "restarted"):
            self._woken.set()

    def step(self) -> bool:
        """Sync if it is time; True when it did."""
        if self._time_to():
            self._woken.clear()
            self._engine.sync()
            self._last = self._clock()
            return True
        return False

    def _time_to(self) -> bool:
        now, status = self._clock(), self._engine.status()
        if status.next_attempt_at is None:  # no failure pending
            return (self._woken.is_set() or self._last is None
                    or now - self._last >= self._period)
        if self._engine.due():
            return True
        return self._probe_says_back(now)

    def _probe_says_back(self, now: float) -> bool:
        """Between back-off retries, a cheap probe every `probe_every` seconds."""
        if self._last_probe is not None and now - self._last_probe < self.probe_every:
            return False
        self._last_probe = now
        return self._engine.reachable()

    def run(self, stop: threading.Event, tick: float = TICK) -> None:
        """Step until `stop` is set: every `tick` seconds, or at once when woken."""
        while not stop.is_set():
            self.step()
            self._woken.wait(tick)
            if stop.is_set():
                return

    def watch(self, stop: threading.Event, seconds: int = WAIT, pause: float = TICK) -> None:
        """Until `stop`: keep a long poll open with the district and sync as soon as it says
        there is news for this device (an approved family card, a sale, new lists). Between
        polls — or while it cannot poll (offline, not activated) — pause a little; the periodic
        sync in `run` stays the fallback. Meant for a second background thread."""
        while not stop.is_set():
            if self._engine.wait_for_news(seconds):
                self._woken.set()
            stop.wait(pause)
