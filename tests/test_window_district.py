"""The window device built as the app builds it, against a real district on loopback (SQLite and
PostgreSQL): enrolled with a console code, it sells to a member with no connection, the sale
reaches the district once and the member's savings page, and a card revoked at the district is
refused at the window after the window's next sync."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

import main
from app.district_errors import DistrictUnreachable
from app.sync import SyncEngine
from app.window import WindowDesk
from app.window_station import WindowStation
from district.cards import issuance
from district.windows import window_devices
from district.windows.tables import Redemption
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.api_support import Server
from tests.district_window_support import MUDU_PACKAGE, MUDU_SPOT, window_code, with_catalog
from tests.sync_support import Network
from views.services import MemberServices


@dataclass
class Device:
    store: DeviceStore
    services: MemberServices
    network: Network

    @property
    def sync(self) -> SyncEngine:
        assert isinstance(self.services.sync, SyncEngine)
        return self.services.sync

    @property
    def station(self) -> WindowStation:
        assert isinstance(self.services.window, WindowStation)
        return self.services.window

    @property
    def desk(self) -> WindowDesk:
        desk = self.station.desk()
        assert desk is not None
        return desk


def device(server: Server) -> Device:
    network, store = Network(), in_memory_device()
    services = main.build_services(store, server.clock,
                                   client=HttpDistrictClient(transport=network),
                                   transport=HttpSyncTransport(transport=network))
    return Device(store, services, network)


def member_qr(phone: Device) -> str:
    card = phone.services.wallet.member_card()
    assert card is not None
    return phone.services.wallet.qr_text(card.serial)


@pytest.fixture
def both(server: Server) -> tuple[Device, Device]:
    with_catalog(server)
    phone, window = device(server), device(server)
    phone.services.activation.activate("WZ1", server.code("WZ1"), server.url)
    window.station.enroll(window_code(server), server.url)
    assert window.sync.sync().error is None  # lists, spots and tickets come down
    return phone, window


def test_an_offline_sale_reaches_the_district_once_and_the_members_savings(
        server: Server, both: tuple[Device, Device]) -> None:
    phone, window = both
    window.network.down = True
    scanned = window.desk.scan(member_qr(phone))
    assert scanned.words.title.zh == "会员 5.1折"
    sale = window.desk.sell(scanned, MUDU_PACKAGE)
    assert isinstance(window.sync.sync().error, DistrictUnreachable)
    window.network.down = False
    window.network.lose_next_push_reply = True
    assert isinstance(window.sync.sync().error, DistrictUnreachable)  # committed, reply lost
    assert window.sync.sync().error is None and window.sync.status().waiting == 0
    with server.district.sessions() as session:
        rows = list(session.scalars(select(Redemption)))
    assert [(r.spot_id, r.ticket_id, r.list_fen, r.paid_fen) for r in rows] == [
        (MUDU_SPOT, MUDU_PACKAGE, 7800, 3978)]
    assert phone.sync.sync().error is None
    summary = phone.services.savings.summary()
    assert [(p.ticket_name, p.saved_fen) for p in summary.items] == [
        ("木渎古镇四景联票", 3822)]
    assert summary.saved_fen == 3822
    assert sale.paid_fen == 3978


def test_a_card_revoked_at_the_district_is_refused_after_the_windows_next_sync(
        server: Server, both: tuple[Device, Device]) -> None:
    phone, window = both
    assert window.desk.scan(member_qr(phone)).verdict.valid
    card = phone.services.wallet.member_card()
    assert card is not None
    with server.district.sessions.begin() as session:
        issuance.revoke(session, server.district.keys(), card.serial, "lost", "clerk",
                        int(server.clock()))
    assert window.desk.scan(member_qr(phone)).verdict.valid  # offline: the old list
    assert window.sync.sync().error is None
    refused = window.desk.scan(member_qr(phone))
    assert refused.words.title.zh == "已注销" and refused.offers == ()


def test_a_window_pulls_no_members_data(server: Server, both: tuple[Device, Device]) -> None:
    _, window = both
    assert window.store.cards.all() == [] and window.store.family.all() == []
    assert window.store.redemptions.all() == []
    assert {s.id for s in window.store.catalog.spots()} >= {MUDU_SPOT}


def test_the_districts_usage_rule_reaches_the_window_by_sync(
        server: Server, both: tuple[Device, Device]) -> None:
    phone, window = both
    assert window.store.settings.load().extra["daily_limit"] == "1"  # logged at enrollment
    with server.district.sessions.begin() as session:
        assert window_devices.publish_rules(session, 2) == 1  # as at start-up with a limit of 2
    assert window.sync.sync().error is None
    window.station.synced()
    for _ in range(2):
        scanned = window.desk.scan(member_qr(phone))
        assert scanned.verdict.valid, scanned.verdict.reason
        window.desk.sell(scanned, MUDU_PACKAGE)
        server.clock.now += 31  # the phone shows a new code every 30 s
    third = window.desk.scan(member_qr(phone))
    assert third.words.title.zh == "今日已优惠"
