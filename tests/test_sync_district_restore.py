"""The district restored from a backup, with real devices (SQLite and PostgreSQL, uvicorn on
loopback, phones and windows as the app builds them, `python -m district backup` / `restore` as
an operator runs them): after the backup a window sells three tickets and a phone asks for a
family card, both answered "applied", and the console publishes the spots again (the phone's
cursor moves on); the district is stopped, restored — over its database, or onto an empty one
after the disk was lost — and started again.
Every device then notices: the district again has the three sales and the request, each once;
sales made since get ids of their own on every device; and the phone's pull sees every entry
written after the restore, though their cursors are below the one it had saved."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

import main
from app.models import FamilyState, Sale
from app.sync import SyncEngine
from app.window import WindowDesk
from app.window_station import WindowStation
from district import db
from district.feed import changelog, publish
from district.feed.tables import SyncLogEntry
from district.registry import people
from district.windows.tables import Redemption
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore
from storage.memory import in_memory_device
from tests.api_support import Server
from tests.district_window_support import MUDU_PACKAGE, window_code, with_catalog
from tests.restore_support import Restartable
from tests.sync_support import Network, activated
from views.services import MemberServices


@dataclass
class Device:
    """A phone or a window over an in-memory store, its services built as the app builds them."""

    store: DeviceStore
    services: MemberServices

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

    def synced(self) -> None:
        report = self.sync.sync()
        assert report.error is None, report.error
        assert self.sync.status().waiting == 0


def device(server: Server) -> Device:
    network = Network()
    store = in_memory_device()
    return Device(store, main.build_services(store, server.clock,
                                             client=HttpDistrictClient(transport=network),
                                             transport=HttpSyncTransport(transport=network)))


def sell(till: Device, qr: str, server: Server) -> Sale:
    server.clock.now += 31  # a new QR (a code shown once does not buy twice)
    scanned = till.desk.scan(qr)
    assert scanned.verdict.valid, scanned.verdict.reason
    return till.desk.sell(scanned, MUDU_PACKAGE)


def member_qr(phone: Device) -> str:
    card = phone.services.wallet.member_card()
    assert card is not None
    return phone.services.wallet.qr_text(card.serial)


def database_lost(url: str) -> None:
    """Every table gone, as when the disk holding the database failed."""
    engine = db.make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)
    engine.dispose()


@pytest.mark.parametrize("lost", [False, True], ids=["over-the-database", "onto-an-empty-one"])
def test_after_a_restore_every_device_sends_again_and_pulls_from_the_start(
        restartable: Restartable, db_url: str, tmp_path: Path, lost: bool) -> None:
    server = restartable.start()
    with_catalog(server)
    phone, till, other_till = device(server), device(server), device(server)
    phone.services.activation.activate("WZ1", server.code("WZ1"), server.url)
    till.station.enroll(window_code(server), server.url)
    other_till.station.enroll(window_code(server), server.url)
    stranger = activated(server, "WZ2")  # another member, whose card the other window sees
    for each in (phone, till, other_till):
        each.synced()
    cli, backup = restartable.cli(db_url), tmp_path / "backups" / "district.upbak"
    [made] = cli.run(["backup", "--out", str(backup)])
    assert made.returncode == 0, made.stderr

    sold = [sell(till, member_qr(phone), server) for _ in range(3)]
    till.synced()
    phone.services.family.request("王喆", "配偶", "5208")
    with server.district.sessions.begin() as session:
        publish.catalog_published(session)  # the console publishes the spots again
    phone.synced()
    before = {r.id for r in phone.store.redemptions.all()}
    held = phone.store.sync_cursor.load()
    assert len(before) == 3 and held.generation

    restartable.stop()
    if lost:
        database_lost(restartable.settings.database_url)
    [restored] = cli.run(["restore", str(backup)])
    assert restored.returncode == 0, restored.stderr
    server = restartable.start()

    other_sale = sell(other_till, stranger.text(stranger.answer["card"]), server)
    other_till.synced()  # the stranger's sale takes an id one of the lost sales had
    sold.append(sell(till, member_qr(phone), server))
    till.synced()
    phone.synced()

    with server.district.sessions() as session:
        wz1 = people.member_by_no(session, "WZ1")
        rows = list(session.scalars(select(Redemption).order_by(Redemption.id)))
        family = [(f.name, f.status) for f in people.all_family(session, wz1)]
        logged = list(session.scalars(select(SyncLogEntry.cursor).where(
            SyncLogEntry.entity == "redemption",
            SyncLogEntry.scope == changelog.member_scope(wz1.id))))
        generation = changelog.generation(session)
    mine = [r for r in rows if r.member_id == wz1.id]
    [theirs] = [r for r in rows if r.member_id != wz1.id]
    assert sorted(r.sale_id or "" for r in mine) == sorted(s.id for s in sold)  # each once
    # The stranger's sale took an id one of the phone's lost purchases had (PostgreSQL's
    # sequences go on from where they were when restored over the database) …
    assert theirs.sale_id == other_sale.id
    assert (str(theirs.id) in before) is (lost or db_url.startswith("sqlite"))
    saved = phone.services.savings.summary()
    assert sorted(r.id for r in saved.items) == sorted(str(r.id) for r in mine)  # … not shown
    assert saved.count == 4 and saved.saved_fen == 4 * 3822
    assert family == [("王喆", "pending")]
    assert [(m.name, m.state) for m in phone.services.family.known] == [
        ("王喆", FamilyState.PENDING)]
    # Over the database the log's counter went on from where it was; with the database lost it
    # went back to the backup's, and the entries below the phone's old cursor arrived as well.
    assert (min(logged) <= held.cursor) is lost
    for each in (phone, till, other_till):
        assert each.store.sync_cursor.load().generation == generation != held.generation
    assert till.store.outbox.pending() == [] and len(till.store.outbox.sent()) == 4
