"""Keeping the phone in sync by itself (SPEC §6): on start, periodically, and — after a failure —
as soon as the back-off allows (each retry is the probe that finds the server reachable again).

`SyncKeeper.run` is meant for a background thread of its own: the engine talks to the district,
so it must not run on the UI's event loop.
"""

from __future__ import annotations

import threading
from typing import Protocol

from app.ports import Clock
from app.sync import SyncReport, SyncStatus

PERIOD, TICK = 300.0, 5.0


class Syncable(Protocol):
    def status(self) -> SyncStatus: ...
    def due(self) -> bool: ...
    def sync(self) -> SyncReport: ...


class SyncKeeper:
    def __init__(self, engine: Syncable, clock: Clock, period: float = PERIOD) -> None:
        self._engine, self._clock, self._period = engine, clock, period
        self._last: float | None = None

    def step(self) -> bool:
        """Sync if it is time; True when it did. Never earlier than the back-off allows."""
        now = self._clock()
        if self._engine.status().next_attempt_at is not None:
            time_to = self._engine.due()
        else:
            time_to = self._last is None or now - self._last >= self._period
        if time_to:
            self._engine.sync()
            self._last = now
        return time_to

    def run(self, stop: threading.Event, tick: float = TICK) -> None:
        """Step every `tick` seconds until `stop` is set."""
        while not stop.is_set():
            self.step()
            stop.wait(tick)
