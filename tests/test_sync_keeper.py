"""The background sync schedule (app/sync_keeper.py): on start, every period, right after a save,
and after a failure when the back-off allows or a probe finds the district answering."""

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
    answering: bool = False
    probes: list[float] = field(default_factory=list)

    def status(self) -> SyncStatus:
        return SyncStatus(0, 0, None, self.retry_at, self.retry_at is None)

    def due(self) -> bool:
        return self.retry_at is None or self.clock[0] >= self.retry_at

    def wait_for_news(self, seconds: int) -> bool:
        return False

    def reachable(self) -> bool:
        self.probes.append(self.clock[0])
        return self.answering

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


def test_a_saved_change_is_synced_at_the_next_tick_not_a_period_later() -> None:
    now = [0.0]
    engine = FakeEngine(now)
    keeper = SyncKeeper(engine, lambda: now[0], period=300)
    keeper.step()
    now[0] = 10
    assert keeper.step() is False
    keeper.wake("synced")  # a sync's own news wakes nothing
    assert keeper.step() is False
    keeper.wake("recorded")
    assert keeper.step() is True
    now[0] = 15
    keeper.wake("restarted")  # activated: the first sync need not wait for the period
    assert keeper.step() is True
    now[0] = 20
    assert keeper.step() is False
    assert engine.synced_at == [0, 10, 15]


def test_while_backing_off_a_probe_that_finds_the_district_syncs_at_once() -> None:
    now = [0.0]
    engine = FakeEngine(now)
    keeper = SyncKeeper(engine, lambda: now[0], period=300, probe_every=15)
    keeper.step()
    engine.retry_at = 290.0  # five minutes of back-off after failures
    for t in (5, 10, 20, 30):
        now[0] = t
        keeper.step()
    assert engine.probes == [5, 20] and engine.synced_at == [0]
    engine.answering = True
    now[0] = 36
    keeper.step()
    assert engine.synced_at == [0, 36]
