"""The background sync schedule (app/sync_keeper.py): on start, every period, and after a failure
only when the back-off allows."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from app.sync import SyncReport, SyncStatus
from app.sync_keeper import SyncKeeper


@dataclass
class FakeEngine:
    clock: list[float]
    retry_at: float | None = None
    synced_at: list[float] = field(default_factory=list)
    stop: threading.Event | None = None

    def status(self) -> SyncStatus:
        return SyncStatus(0, 0, None, self.retry_at, self.retry_at is None)

    def due(self) -> bool:
        return self.retry_at is None or self.clock[0] >= self.retry_at

    def sync(self) -> SyncReport:
        self.synced_at.append(self.clock[0])
        if self.stop is not None:
            self.stop.set()
        return SyncReport()


def test_it_syncs_at_start_then_once_a_period() -> None:
    now = [0.0]
    engine = FakeEngine(now)
    keeper = SyncKeeper(engine, lambda: now[0], period=300)
    for t in (0, 5, 299, 300, 301, 600):
        now[0] = t
        keeper.step()
    assert engine.synced_at == [0, 300, 600]


def test_after_a_failure_it_waits_for_the_backoff_not_the_period() -> None:
    now = [0.0]
    engine = FakeEngine(now)
    keeper = SyncKeeper(engine, lambda: now[0], period=300)
    keeper.step()
    engine.retry_at = 400.0  # the sync failed; the engine backs off until 400
    for t in (300, 399, 400):
        now[0] = t
        keeper.step()
    assert engine.synced_at == [0, 400]


def test_run_steps_until_stopped() -> None:
    stop = threading.Event()
    engine = FakeEngine([0.0], stop=stop)
    SyncKeeper(engine, lambda: 0.0).run(stop, tick=0)
    assert engine.synced_at == [0.0]
