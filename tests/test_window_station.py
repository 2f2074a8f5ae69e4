"""The window device as its screens see it (app/window_station.py): no desk before enrollment,
the desk of the enrolled spot after, the day report, and synced sales older than the retention
period pruned once a day while unsent ones stay."""

from __future__ import annotations

from dataclasses import dataclass

from app.catalog import Catalog
from app.chinatime import china_day
from app.demo import demo_catalog
from app.device_proof import window_signed
from app.keys import KeyPair
from app.sync import SyncEngine
from app.trust import sign_status_list, sign_trust_list
from app.wallet import Wallet
from app.window_enroll import WindowEnrollment, WindowEnrollRefused, WindowGrant
from app.window_station import RETENTION_DAYS, WindowParts, WindowStation
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.fakes import DAY, NOW, Clock
from tests.kit import Kit, phone_text
from tests.window_support import SPOT, Offline


@dataclass
class District:
    """Answers every enrollment code with a grant for 严家花园 and the kit's signed lists."""

    kit: Kit

    def enroll_window(self, server_url: str, code: str, public_key: bytes, signature: bytes,
                      device_name: str) -> WindowGrant:
        if not window_signed(code, public_key, signature):
            raise WindowEnrollRefused("签名不对", "the device's signature does not match",
                                      "invalid_signature")
        root = self.kit.root
        return WindowGrant("w1", "token-w1", SPOT, "严家花园", root.public_raw,
                           sign_trust_list(self.kit.trust(), root),
                           sign_status_list(self.kit.status(), root), NOW)


def station(clock: Clock) -> tuple[WindowStation, DeviceStore, Kit]:
    kit, device = Kit(), in_memory_device()
    device.catalog.replace(*demo_catalog())
    wallet = Wallet(device.keys, device.cards, clock)
    engine = SyncEngine(Offline(), device.outbox, device.sync_cursor, Offline(),
                        lambda: None, clock)
    enrollment = WindowEnrollment(District(kit), wallet, device.trust, device.settings)
    parts = WindowParts(device.trust, Catalog(device.catalog), device.sales, device.overrides,
                        engine, clock)
    return WindowStation(enrollment, parts, "http://district"), device, kit


def sell(made: WindowStation, kit: Kit, clock: Clock, serial: int) -> None:
    phone = KeyPair.generate()
    card = kit.card(kit.claims(serial, holder=phone))
    desk = made.desk()
    assert desk is not None
    desk.sell(desk.scan(phone_text(card, phone, clock.now)), "mudu-4")


def test_before_enrollment_there_is_no_desk_and_after_it_the_spots() -> None:
    clock = Clock()
    made, _, kit = station(clock)
    assert made.desk() is None and made.report() is None and not made.is_enrolled()
    spot = made.enroll("ABCD-EFGH", "http://district")
    assert (spot.spot_id, spot.spot_name) == (SPOT, "严家花园")
    desk = made.desk()
    assert desk is not None and desk.spot_id == SPOT and made.desk() is desk
    sell(made, kit, clock, 100_001)
    report = made.report()
    assert report is not None and (report.count(), report.paid_fen) == (1, 3978)


def test_old_synced_sales_are_pruned_once_a_day_and_unsent_ones_stay() -> None:
    clock = Clock()
    made, device, kit = station(clock)
    made.enroll("ABCD-EFGH", "http://district")
    sell(made, kit, clock, 100_001)  # sent below
    sell(made, kit, clock, 100_003)  # never sent
    sent = device.outbox.pending()[0]
    device.outbox.mark_done(sent.change_id, int(clock.now))  # what a sync delivering it does
    clock.now += (RETENTION_DAYS - 1) * DAY
    made.synced()
    assert len(device.sales.all()) == 2  # not old enough yet
    clock.now += 2 * DAY
    made.synced()
    assert [s.serial for s in device.sales.all()] == [100_003]
    assert device.sales.verify_chain() is None
    assert made.prune(china_day(clock.now)) == 0
