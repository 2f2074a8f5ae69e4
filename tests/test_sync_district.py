"""The phone's sync engine against a real district on loopback (uvicorn, SQLite and PostgreSQL):
a family request goes up through the outbox, the approved card comes down and verifies, a revoked
card goes, and a network that is down or loses a reply loses and doubles nothing."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import main
from app.activation import Activation
from app.district_access import access_of
from app.district_errors import DistrictUnreachable
from app.family import FamilyCards
from app.models import CardKind, FamilyState
from app.sync import SyncEngine
from app.trust import Status, open_status_list
from app.wallet import Wallet
from district.cards import issuance
from district.cli import demo
from district.feed import publish
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore, open_device
from storage.memory import in_memory_device
from tests.api_support import Server, window
from tests.sync_support import SPOUSE, Network, approve


@dataclass
class SyncPhone:
    device: DeviceStore
    wallet: Wallet
    family: FamilyCards
    network: Network
    engine: SyncEngine

    def ask_for_family(self) -> None:
        self.engine.record("family_request", str(uuid.uuid4()), SPOUSE)


def activated_phone(server: Server, device: DeviceStore | None = None) -> SyncPhone:
    device = device or in_memory_device()
    wallet = Wallet(device.keys, device.cards, server.clock)
    Activation(HttpDistrictClient(), wallet, device.cards, device.trust, device.settings,
               server.clock).activate("WZ1", server.code("WZ1"), server.url)
    return phone_on(server, device)


def phone_on(server: Server, device: DeviceStore) -> SyncPhone:
    """The phone's services over `device` (already activated), as the app builds them."""
    network = Network()
    services = main.build_services(device, server.clock,
                                   client=HttpDistrictClient(transport=network),
                                   transport=HttpSyncTransport(transport=network))
    assert isinstance(services.wallet, Wallet) and isinstance(services.family, FamilyCards)
    assert isinstance(services.sync, SyncEngine)
    return SyncPhone(device, services.wallet, services.family, network, services.sync)


def family_on_server(server: Server, phone: SyncPhone) -> list[dict[str, object]]:
    access = access_of(phone.device.settings.load())
    assert access is not None
    answer = server.http.get("/api/v1/me", headers={
        "Authorization": f"Bearer {access.device_token}"})
    family: list[dict[str, object]] = answer.json()["family"]
    return family


def test_a_family_request_goes_up_and_the_approved_card_comes_down_and_verifies(
        server: Server) -> None:
    phone = activated_phone(server)
    phone.ask_for_family()
    report = phone.engine.sync()
    assert (report.error, report.pushed, phone.engine.status().waiting) == (None, 1, 0)
    [pending] = phone.family.known
    assert (pending.name, pending.state) == ("王喆", FamilyState.PENDING)
    approve(server, "WZ1", pending.number)
    assert phone.engine.sync().error is None
    [card] = phone.wallet.family_cards()
    assert (card.name, card.kind) == ("王喆", CardKind.FAMILY)
    assert phone.family.known[0].state is FamilyState.APPROVED
    verdict = window(server).verify(phone.wallet.qr_text(card.serial), server.clock())
    assert verdict.valid and verdict.kind is CardKind.FAMILY
    with server.district.sessions.begin() as session:
        issuance.revoke(session, server.district.keys(), card.serial, "lost", "clerk",
                        int(server.clock()))
    assert phone.engine.sync().error is None
    assert phone.wallet.family_cards() == [] and phone.wallet.member_card() is not None
    pinned = phone.device.trust.load()
    assert pinned is not None and pinned.status_list is not None
    status = open_status_list(pinned.status_list, pinned.root_public_key)
    assert status.status(card.serial) is Status.REVOKED  # the renewed list came down too


def test_spots_tickets_and_purchases_arrive_for_the_savings_page(server: Server) -> None:
    phone = activated_phone(server)
    with server.district.sessions.begin() as session:
        demo.seed_catalog(session)
    phone.engine.sync()
    ticket = phone.device.catalog.tickets()[0]
    assert len(phone.device.catalog.spots()) == 20
    own = phone.wallet.member_card()
    assert own is not None
    with server.district.sessions.begin() as session:
        card = issuance.get_card(session, own.serial)
        publish.record_redemption(session, card, ticket.spot_ids[0], ticket.id, 8000, 4080,
                                  int(server.clock()), "window:1")
    phone.engine.sync()
    [bought] = phone.device.redemptions.all()
    assert (bought.serial, bought.ticket_name, bought.kind, bought.saved_fen) == (
        own.serial, ticket.name, CardKind.MEMBER, 3920)


def test_offline_the_change_waits_and_then_goes_out_exactly_once(server: Server) -> None:
    phone = activated_phone(server)
    phone.network.down = True
    phone.ask_for_family()
    assert isinstance(phone.engine.sync().error, DistrictUnreachable)
    status = phone.engine.status()
    assert (status.online, status.waiting, status.last_synced_at) == (False, 1, None)
    assert status.next_attempt_at is not None and family_on_server(server, phone) == []
    phone.network.down = False
    server.clock.now = status.next_attempt_at
    assert phone.engine.due() and phone.engine.sync().error is None
    assert phone.engine.status().online and len(family_on_server(server, phone)) == 1
    phone.network.lose_next_push_reply = True
    phone.engine.record("family_request", str(uuid.uuid4()), {**SPOUSE, "name": "陈小明",
                                                              "relation": "子女"})
    assert isinstance(phone.engine.sync().error, DistrictUnreachable)
    assert phone.engine.status().waiting == 1 and len(family_on_server(server, phone)) == 2
    server.clock.now += 300
    assert phone.engine.sync().error is None
    assert phone.engine.status().waiting == 0
    assert [f["name"] for f in family_on_server(server, phone)] == ["王喆", "陈小明"]


def test_a_change_saved_before_the_phone_died_goes_out_once_after_it_restarts(
        server: Server, tmp_path: Path) -> None:
    phone = activated_phone(server, open_device(tmp_path / "phone"))
    phone.network.down = True
    phone.ask_for_family()
    phone.engine.sync()
    phone.device.close()  # the phone dies; only what is on disk remains
    again = phone_on(server, open_device(tmp_path / "phone"))
    try:
        assert again.engine.status().waiting == 1
        assert again.engine.sync().error is None and again.engine.sync().error is None
        assert again.engine.status().waiting == 0
        assert [f["name"] for f in family_on_server(server, again)] == ["王喆"]
        assert again.wallet.member_card() is not None
    finally:
        again.device.close()


def test_an_approved_family_card_reaches_an_online_phone_by_itself(server: Server) -> None:
    """No 立即同步 and no periodic sync (the test's clock stands still): the phone's long poll
    hears of the approval and syncs."""
    phone = activated_phone(server)
    phone.ask_for_family()
    assert phone.engine.sync().error is None
    [pending] = phone.family.known
    stop = main.start_sync(phone.engine, server.clock)
    try:
        time.sleep(1)  # the phone's first sync at start-up is over; its long poll is open
        approve(server, "WZ1", pending.number)
        deadline = time.monotonic() + 30
        while not phone.wallet.family_cards() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop()
    assert [c.name for c in phone.wallet.family_cards()] == ["王喆"]
