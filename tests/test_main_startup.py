"""The card never waits on the district (issue 11.9): nothing on the way to the card talks to the
district. The start-up sync runs on its own thread; here it is stuck inside a district that does
not answer while the card screen is built, and the card shows with the member's name and QR."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import main
from app.activation import Activation
from app.models import Change, DistrictAccess, PullPage, PushResult
from app.sync import SyncEngine
from app.wallet import Wallet
from storage.memory import in_memory_device
from tests.fakes import CODE, MEMBER_NO, NOW, FakeDistrict, FakeSyncServer
from tests.views_support import all_text, has_key
from views.shell import Screen, Shell

STUCK = 60.0  # s: a guard against a test that hangs, never a measure of speed


@dataclass
class HungDistrict(FakeSyncServer):
    """Takes the request and answers nothing until released (a district that hangs)."""

    inside: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def _hang(self) -> None:
        self.inside.set()
        self.release.wait()

    def push(self, access: DistrictAccess, changes: Sequence[Change]) -> list[PushResult]:
        self._hang()
        return super().push(access, changes)

    def pull(self, access: DistrictAccess, cursor: int, limit: int,
             generation: str | None = None) -> PullPage:
        self._hang()
        return super().pull(access, cursor, limit, generation)


def test_the_card_shows_while_the_start_up_sync_hangs_in_the_district() -> None:
    device, clock = in_memory_device(), lambda: float(NOW)
    Activation(FakeDistrict(), Wallet(device.keys, device.cards, clock), device.cards,
               device.trust, device.settings, clock).activate(MEMBER_NO, CODE, "http://d")
    district = HungDistrict()
    services = main.build_services(device, clock, client=FakeDistrict(), transport=district)
    assert isinstance(services.sync, SyncEngine)
    stop = main.start_sync(services.sync, clock)  # as main.run does, before the page opens
    built: list[Screen] = []
    try:
        assert district.inside.wait(STUCK), "the start-up sync never reached the district"
        shell = Shell(services, language="zh", save_language=print, navigate=print)
        worker = threading.Thread(target=lambda: built.append(shell.screen("/card")))
        worker.start()
        worker.join(STUCK)
        assert built, "the card waited for the hanging sync"
        assert not district.release.is_set()  # still hanging when the card was ready
    finally:
        district.release.set()
        stop()
    card = built[0].views[-1]
    assert "李明" in all_text(card) and has_key(card, "qr-countdown")  # the fake district's member
    assert built[0].qr is not None  # the QR panel, ticking once shown
