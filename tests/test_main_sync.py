"""main.py's sync wiring: the engine reaches the device's repositories through the applier, and
the background thread syncs at start and stops when asked."""

from __future__ import annotations

import threading

import main
from app.activation import Activation
from app.models import DistrictAccess, PullPage, Spot
from app.sync import SyncEngine
from app.wallet import Wallet
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO, NOW, FakeDistrict, FakeSyncServer

SPOT = {"id": "qiyuan", "name": "启园", "name_en": "Qiyuan", "company": "太湖", "town": "东山"}


class SignallingServer(FakeSyncServer):
    """Sets `pulled` when a pull arrives (the background thread reached the district)."""

    def __init__(self) -> None:
        super().__init__()
        self.pulled = threading.Event()

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        page = super().pull(access, cursor, limit, generation)
        self.pulled.set()
        return page


def activated_engine(transport: FakeSyncServer) -> tuple[SyncEngine, Spot | None]:
    device, clock = in_memory_device(), lambda: float(NOW)
    Activation(FakeDistrict(), Wallet(device.keys, device.cards, clock), device.cards,
               device.trust, device.settings, clock).activate(MEMBER_NO, CODE, "http://d")
    services = main.build_services(device, clock, client=FakeDistrict(), transport=transport)
    assert isinstance(services.sync, SyncEngine)
    services.sync.sync()
    return services.sync, next(iter(device.catalog.spots()), None)


def test_the_engine_applies_what_it_pulls_to_the_devices_catalogue() -> None:
    server = FakeSyncServer()
    server.note("spot", "qiyuan", SPOT)
    engine, spot = activated_engine(server)
    assert spot == Spot("qiyuan", "启园", "Qiyuan", "太湖", "东山")
    assert engine.status().online is True


def test_the_background_sync_runs_at_start_and_stops_when_asked() -> None:
    server = SignallingServer()
    engine, _ = activated_engine(server)
    server.pulled.clear()
    stop = main.start_sync(engine, lambda: float(NOW))
    try:
        assert server.pulled.wait(timeout=10)
    finally:
        stop()
    assert not any(t.name == "sync" and t.is_alive() for t in threading.enumerate())
