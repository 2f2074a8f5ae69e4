"""The world of the sync state machine (`tests/test_sync_machine.py`): the real district app over
one SQLite file, phones on disk with clocks of their own, and a network that misbehaves.

- `Served` is `district.web.create_app` in Starlette's TestClient, built once; `Host` puts a
  history's District into it, and `restart` drops that District (the engine is disposed) and
  builds it again over the same file; `back_up` takes a backup's snapshot, and `restore` puts
  one back over the database (a new generation) between a stop and a start.
- `Wire` is one phone's network (an `httpx.BaseTransport`): each request takes the next `Fault`
  of its plan — dropped before the server sees it, reply lost after the server committed, a 503,
  delivered twice, held for a late replay, or the phone dying (`Crash`) once the server answered.
- `Handset` is a phone built as `main.build_services` builds it, over `open_device(folder)`; it
  can die and come back from what is on disk.
- `prepare_template` makes, once per session, a district with three members and the catalogue
  and a phone activated for each member; every history copies it (`World.history`).
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

import main
from app.district_access import DEVICE_ID, access_of
from app.models import FamilyMember, FamilyState, Rounding, Spot, Ticket
from app.sync import SyncEngine, SyncReport
from app.wallet import Wallet
from district import db
from district.backup import snapshot
from district.backup.restore import restore
from district.backup.snapshot import Snapshot
from district.cards.keyring import KeyRing
from district.feed import publish
from district.phones import activation, family
from district.registry import people
from district.service import District
from district.settings import Settings
from district.sync.tables import SyncChange
from district.tables import Card, Member
from district.tables import Spot as SpotRow
from district.tables import Ticket as TicketRow
from district.web import create_app
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore, open_device
from tests.api_support import ROWS, _prepare
from tests.district_support import PASSPHRASE
from tests.fakes import NOW, Clock
from views.services import MemberServices

URL = "http://district.test"
MEMBERS = tuple(row.split(",")[0] for row in ROWS)
DAY, YEAR = 86_400.0, 365 * 86_400.0
OFFSETS = (0.0, DAY, -DAY, YEAR, -YEAR)


class Crash(BaseException):
    """The phone dies here (battery out, app killed): nothing after this line runs on it."""


class Fault(enum.Enum):
    CLEAN = "clean"
    DROP = "drop"  # connection refused: the server never sees the request
    LOSE_REPLY = "lose_reply"  # the server committed, the reply is lost
    UNAVAILABLE = "unavailable"  # a proxy answers 503, the server never sees the request
    DOUBLE = "double"  # delivered twice, the phone gets the second answer
    HOLD = "hold"  # a push is dropped now and a copy is delivered later (out of order)
    COPY = "copy"  # a push is delivered now and a copy again later
    CRASH = "crash"  # the server answered, then the phone died before reading it


def settings_for(database: Path) -> Settings:
    return Settings(database.parent / "data", f"sqlite:///{database}", PASSPHRASE,
                    family_limit=1000, family_auto_approve=True)


class Served:
    """The district's real app (`create_app`, built once: FastAPI takes ~70 ms to build its
    routes) in Starlette's TestClient. The District it serves is swapped in by `Host`."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.client = test_client(self.app)
        self.client.__enter__()  # runs the lifespan once

    def close(self) -> None:
        self.client.__exit__(None, None, None)


class Host:
    """One history's district: `served`'s app over this history's database, with its clock
    and the template's unlocked keys (scrypt ran once). A restart drops the District — its
    engine disposed, every pooled connection closed — and builds it again over the same file:
    all the state the app holds (`app.state.district`) starts again from the database."""

    def __init__(self, served: Served, settings: Settings, keys: KeyRing, clock: Clock) -> None:
        self.served, self.settings, self.keys, self.clock = served, settings, keys, clock
        self.restarts = self.restores = 0
        self.district = self._start()

    def _start(self) -> District:
        district = District.open(self.settings, migrate=False)
        district._keys = self.keys
        self.served.app.state.district = district
        self.served.app.state.clock = self.clock
        return district

    def deliver(self, request: httpx.Request) -> httpx.Response:
        """The request as the server answers it (read to the end)."""
        answer = self.served.client.send(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.read())

    def restart(self) -> None:
        self.district.close()
        self.district = self._start()
        self.restarts += 1

    def stop(self) -> None:
        self.district.close()

    def back_up(self) -> Snapshot:
        """A backup of the district as it is now (the snapshot `python -m district backup`
        seals into its file)."""
        return snapshot.take(self.district.engine, int(self.clock()))

    def restore(self, backup: Snapshot, lost: bool) -> None:
        """Stop, restore the backup (as `python -m district restore` does, with the keys
        already unlocked) over the database or — `lost` — onto an empty one, as after a failed
        disk; start again."""
        self.district.close()
        if lost:
            database = Path(self.settings.database_url.removeprefix("sqlite:///"))
            for path in (database, *(database.with_name(database.name + s)
                                     for s in ("-wal", "-shm"))):
                path.unlink(missing_ok=True)
        engine = db.make_engine(self.settings.database_url)
        try:
            restore(engine, backup, lambda _salt: self.keys, int(self.clock()))
        finally:
            engine.dispose()
        self.district = self._start()
        self.restores += 1


def test_client(app: FastAPI) -> Any:
    """Starlette's TestClient (an httpx.Client calling the app in-process). It warns that it
    prefers httpx2, which this project does not use; the warning says nothing about the app."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from starlette.testclient import TestClient
    return TestClient(app, base_url=URL)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


class Wire(httpx.BaseTransport):
    """One phone's network to `host`: request n meets `plan[n]` (clean once the plan is used)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.plan: list[Fault] = []
        self.held: list[httpx.Request] = []
        self.seen: Counter[Fault] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        fault = self.plan.pop(0) if self.plan else Fault.CLEAN
        self.seen[fault] += 1
        return _HANDLERS[fault](self, request)

    def replay(self, index: int) -> None:
        """A held copy arrives late; nobody reads its answer."""
        self.host.deliver(self.held.pop(index % len(self.held)))

    def close(self) -> None:
        """Each call's short-lived httpx.Client closes its transport; the wire stays up."""

    def _clean(self, request: httpx.Request) -> httpx.Response:
        return self.host.deliver(request)

    def _lose_reply(self, request: httpx.Request) -> httpx.Response:
        self.host.deliver(request)
        raise httpx.ReadError("connection reset after the server answered", request=request)

    def _unavailable(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "unavailable"}, request=request)

    def _double(self, request: httpx.Request) -> httpx.Response:
        self.host.deliver(request)
        return self.host.deliver(request)

    def _hold(self, request: httpx.Request) -> httpx.Response:
        if _is_push(request):
            self.held.append(_copy(request))
        return _refused(request)

    def _copy(self, request: httpx.Request) -> httpx.Response:
        if _is_push(request):
            self.held.append(_copy(request))
        return self.host.deliver(request)

    def _crash(self, request: httpx.Request) -> httpx.Response:
        self.host.deliver(request)
        raise Crash(request.url.path)


_HANDLERS: dict[Fault, Callable[[Wire, httpx.Request], httpx.Response]] = {
    Fault.CLEAN: Wire._clean, Fault.DROP: lambda _wire, request: _refused(request),
    Fault.LOSE_REPLY: Wire._lose_reply, Fault.UNAVAILABLE: Wire._unavailable,
    Fault.DOUBLE: Wire._double, Fault.HOLD: Wire._hold, Fault.COPY: Wire._copy,
    Fault.CRASH: Wire._crash,
}


def _is_push(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/sync/push")


def _copy(request: httpx.Request) -> httpx.Request:
    return httpx.Request(request.method, request.url, headers=request.headers,
                         content=request.content)


@dataclass
class PhoneClock:
    """The phone's own clock: the server's time plus an offset it never learns."""

    server: Clock
    offset: float

    def __call__(self) -> float:
        return self.server.now + self.offset


def services_on(device: DeviceStore, clock: PhoneClock, wire: Wire) -> MemberServices:
    return main.build_services(device, clock, client=HttpDistrictClient(transport=wire),
                               transport=HttpSyncTransport(transport=wire))


@dataclass
class Handset:
    """A phone on disk; `saved` holds every family request `record` returned, by record id."""

    member_no: str
    folder: Path
    clock: PhoneClock
    wire: Wire
    device: DeviceStore
    services: MemberServices
    saved: dict[str, str] = field(default_factory=dict)
    crashes: int = 0

    @classmethod
    def open(cls, member_no: str, folder: Path, clock: PhoneClock, wire: Wire) -> Handset:
        device = open_device(folder)
        return cls(member_no, folder, clock, wire, device, services_on(device, clock, wire))

    @property
    def engine(self) -> SyncEngine:
        engine = self.services.sync
        assert isinstance(engine, SyncEngine)
        return engine

    @property
    def device_id(self) -> str:
        return self.device.settings.load().extra[DEVICE_ID]

    @property
    def public_key(self) -> bytes:
        return Wallet(self.device.keys, self.device.cards, self.clock).device_public_key()

    def ask(self, name: str, new_id: str) -> None:
        change = self.engine.record("family_request", new_id,
                                    {"name": name, "relation": "子女", "id_last4": "1234"})
        self.saved[change.record_id] = name

    def sync(self) -> SyncReport | None:
        """One sync; None when the phone died during it (it is back up from disk)."""
        try:
            return self.engine.sync()
        except Crash:
            self.reload()
            return None

    def reload(self) -> None:
        """The phone dies (nothing more is written) and starts again from what is on disk."""
        self.device.close()
        self.device = open_device(self.folder)
        self.services = services_on(self.device, self.clock, self.wire)
        self.crashes += 1

    def close(self) -> None:
        self.device.close()


@dataclass(frozen=True)
class PhoneView:
    """What a phone holds, or what the district says it should hold."""

    cards: frozenset[int]
    family: tuple[FamilyMember, ...]
    spots: tuple[Spot, ...]
    tickets: tuple[Ticket, ...]


def phone_view(phone: Handset) -> PhoneView:
    catalog = phone.device.catalog
    return PhoneView(frozenset(c.serial for c in phone.device.cards.all()),
                     tuple(sorted(phone.services.family.known, key=lambda m: m.number)),
                     tuple(sorted(catalog.spots(), key=lambda s: s.id)),
                     tuple(sorted(catalog.tickets(), key=lambda t: t.id)))


def district_view(session: Session, member_no: str, public_key: bytes) -> PhoneView:
    member = people.member_by_no(session, member_no)
    return PhoneView(_cards_bound(session, member, public_key),
                     tuple(_family_states(session, member)), _spots(session), _tickets(session))


def _cards_bound(session: Session, member: Member, public_key: bytes) -> frozenset[int]:
    """The member's valid cards (own and family) bound to this phone's key."""
    return frozenset(session.scalars(select(Card.serial).where(
        Card.member_id == member.id, Card.holder_key == public_key,
        Card.status == "valid")))


def _family_states(session: Session, member: Member) -> list[FamilyMember]:
    return [FamilyMember(s.number, s.name, s.relation, FamilyState(s.state), s.card_serial)
            for s in family.states(session, member)]


def _spots(session: Session) -> tuple[Spot, ...]:
    return tuple(Spot(s.id, s.name, s.name_en, s.company, s.town or "")
                 for s in session.scalars(select(SpotRow).order_by(SpotRow.id)))


def _tickets(session: Session) -> tuple[Ticket, ...]:
    return tuple(Ticket(t.id, t.name, t.name_en, tuple(x for x in t.spot_ids.split(";") if x),
                        t.list_fen, t.member_bp, t.family_bp, t.group_bp, Rounding(t.rounding))
                 for t in session.scalars(select(TicketRow).order_by(TicketRow.id)))


def stored_changes(session: Session) -> dict[str, dict[str, list[str]]]:
    """The statuses of the stored changes, by device id and record id."""
    rows: dict[str, dict[str, list[str]]] = {}
    for change in session.scalars(select(SyncChange).order_by(SyncChange.seq)):
        rows.setdefault(change.device_id, {}).setdefault(change.record_id, []).append(
            change.status)
    return rows


def family_names(session: Session, member_no: str) -> list[str]:
    member = people.member_by_no(session, member_no)
    return [f.name for f in people.all_family(session, member)]


def reprice(session: Session, ticket_index: int, list_fen: int) -> None:
    """The console changes a ticket's price and publishes the catalogue again."""
    tickets = list(session.scalars(select(TicketRow).order_by(TicketRow.id)))
    tickets[ticket_index % len(tickets)].list_fen = list_fen
    session.flush()
    publish.catalog_published(session)


def withdraw_one(session: Session, keys: KeyRing, member_no: str, pick: int,
                 now: int) -> None:
    """The console withdraws one of the member's family members that is not withdrawn yet."""
    member = people.member_by_no(session, member_no)
    open_ones = [n for n, f in enumerate(people.all_family(session, member), 1)
                 if f.status != people.WITHDRAWN]
    if open_ones:
        family.withdraw_family(session, keys, member_no, open_ones[pick % len(open_ones)],
                               "clerk", now)


@dataclass(frozen=True)
class Template:
    """A district database and one activated phone folder per member, never used directly."""

    database: Path
    phones: dict[str, Path]
    keys: KeyRing


def prepare_template(folder: Path, served: Served) -> Template:
    """Three members, a small catalogue, and each member's phone activated and synced once
    (at the template's time); scrypt runs here once."""
    database = folder / "district.db"
    district = _prepare(settings_for(database))
    with district.sessions.begin() as session:
        _small_catalogue(session)
    keys = district.keys()
    district.close()
    host = Host(served, settings_for(database), keys, Clock(NOW + 3600))
    try:
        phones = {m: _activate(host, m, folder / m) for m in MEMBERS}
    finally:
        host.stop()
    return Template(database, phones, keys)


def _small_catalogue(session: Session) -> None:
    """Two spots and two tickets (a reprice republishes them all, so they are few)."""
    session.add_all([SpotRow(id="S1", name="灵岩山", name_en="Lingyan Hill", company="木渎",
                             town="木渎"),
                     SpotRow(id="S2", name="东山", name_en="Dongshan", company="东山", town="东山"),
                     TicketRow(id="T1", name="灵岩山门票", name_en="Lingyan ticket",
                               spot_ids="S1", list_fen=8000, member_bp=5100, family_bp=7000,
                               group_bp=8000, rounding=int(Rounding.YUAN)),
                     TicketRow(id="T2", name="联票", name_en="Package", spot_ids="S1;S2",
                               list_fen=12000, member_bp=5000, family_bp=7000, group_bp=8000,
                               rounding=int(Rounding.YUAN))])
    session.flush()
    publish.catalog_published(session)


def _activate(host: Host, member_no: str, folder: Path) -> Path:
    with host.district.sessions.begin() as session:
        code = activation.create_activation_code(session, member_no, None, "test",
                                                 int(host.clock()), 7)
    with open_device(folder) as device:
        services = services_on(device, PhoneClock(host.clock, 0.0), Wire(host))
        services.activation.activate(member_no, code, URL)
        engine = services.sync
        assert isinstance(engine, SyncEngine) and engine.sync().error is None
        assert access_of(device.settings.load()) is not None
    return folder


@dataclass
class History:
    """One history's copy of the template: its district, and its phones' folders once opened."""

    folder: Path
    host: Host
    template: Template

    def phone_folder(self, member_no: str) -> Path:
        """A copy of the member's activated phone, made when the history first opens it."""
        folder = self.folder / member_no
        if not folder.exists():
            shutil.copytree(self.template.phones[member_no], folder,
                            copy_function=shutil.copyfile)
        return folder

    def close(self) -> None:
        self.host.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def new_history(template: Template, served: Served, folder: Path) -> History:
    folder.mkdir(parents=True)
    database = folder / "district.db"
    shutil.copyfile(template.database, database)
    host = Host(served, settings_for(database), template.keys, Clock(NOW + 3600))
    return History(folder, host, template)


def scratch_root() -> Path:
    """Where histories live: memory-backed /dev/shm when the system has it (each history
    writes, copies and deletes a few dozen small files), else the temporary directory."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
