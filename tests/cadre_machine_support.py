"""The world of the cadre records' state machine (`tests/test_cadre_sync_machine.py`), built on
the sync machine's (`tests.sync_machine_support`: the real district app in-process, `Host`,
the faulty `Wire`): a district with one cadre, and that cadre's phone — the cadre station as
main.py builds it over a device store on disk, enrolled with a console code — which can die
(also inside a submit: `DyingRevisions`) and come back from disk. `district_records` reads
what the district holds of the records.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cadre_ports import Revision, RevisionStore
from app.cadre_station import CadreStation
from app.duties import RecordState
from app.sync import SyncEngine, SyncReport
from district.cadres import enrollment
from district.cadres.tables import CadreRecord, CadreRevision
from district.cards.keyring import KeyRing
from district.tables import Cadre
from storage.device import DeviceStore, open_device
from tests.api_support import _prepare
from tests.fakes import NOW, Clock
from tests.sync_machine_support import (
    URL,
    Crash,
    Host,
    PhoneClock,
    Served,
    Wire,
    services_on,
    settings_for,
)

CADRE_NO = "GB0009"


@dataclass(frozen=True)
class CadreTemplate:
    """A district with one cadre and that cadre's phone, enrolled and synced once."""

    database: Path
    phone: Path
    keys: KeyRing


@dataclass(frozen=True)
class Held:
    """A record as the district holds it: its state, newest revision and comment."""

    state: RecordState
    revision: int
    comment: str | None


class DyingRevisions:
    """The phone's revision store, which can be set to die (`Crash`) at its next write: a
    submit then stops after the outbox append, before the revision is locked on the phone."""

    def __init__(self, inner: RevisionStore) -> None:
        self._inner, self.armed = inner, False

    def put(self, revision: Revision) -> None:
        if self.armed:
            raise Crash("before the revision was locked")
        self._inner.put(revision)

    def revisions(self, record_id: str) -> list[Revision]:
        return self._inner.revisions(record_id)

    def all(self) -> list[Revision]:
        return self._inner.all()


@dataclass
class CadrePhone:
    """The cadre's phone on disk; `reload` is the app dying and starting again from disk."""

    folder: Path
    clock: PhoneClock
    wire: Wire
    device: DeviceStore
    station: CadreStation
    revisions: DyingRevisions

    @classmethod
    def open(cls, folder: Path, clock: PhoneClock, wire: Wire) -> CadrePhone:
        device = open_device(folder)
        revisions = DyingRevisions(device.cadre.revisions)
        return cls(folder, clock, wire, device, station_on(device, clock, wire, revisions),
                   revisions)

    @property
    def engine(self) -> SyncEngine:
        return self.station.sync

    def sync(self) -> SyncReport | None:
        """One sync; None when the phone died during it (it is back up from disk)."""
        try:
            return self.engine.sync()
        except Crash:
            self.reload()
            return None

    def submit_and_die(self, record_id: str) -> None:
        """The app dies inside `submit`, once the revision is in the outbox."""
        self.revisions.armed = True
        try:
            self.station.book.submit(record_id)
        except Crash:
            self.reload()
            return
        raise AssertionError("the submit did not write its revision")

    def reload(self) -> None:
        self.device.close()
        self.device = open_device(self.folder)
        self.revisions = DyingRevisions(self.device.cadre.revisions)
        self.station = station_on(self.device, self.clock, self.wire, self.revisions)

    def close(self) -> None:
        self.device.close()


def station_on(device: DeviceStore, clock: PhoneClock, wire: Wire,
               revisions: RevisionStore | None = None) -> CadreStation:
    """The cadre station as main.py builds it (over `revisions` when given)."""
    if revisions is not None:
        device = replace(device, cadre=replace(device.cadre, revisions=revisions))
    station = services_on(device, clock, wire).cadre
    assert isinstance(station, CadreStation)
    return station


def prepare_cadre_template(folder: Path, served: Served) -> CadreTemplate:
    """The members' district with a cadre added, and the cadre's phone enrolled (scrypt and
    the enrollment run once)."""
    database = folder / "district.db"
    district = _prepare(settings_for(database))
    with district.sessions.begin() as session:
        session.add(Cadre(cadre_no=CADRE_NO, name="钱志刚", department="组织部"))
    keys = district.keys()
    district.close()
    host = Host(served, settings_for(database), keys, Clock(NOW + 3600))
    try:
        with host.district.sessions.begin() as session:
            code = enrollment.create_cadre_code(session, CADRE_NO, "test", int(host.clock()),
                                                7).code
        with open_device(folder / "phone") as device:
            station = station_on(device, PhoneClock(host.clock, 0.0), Wire(host))
            station.enroll(code, URL)
            assert station.sync.sync().error is None
    finally:
        host.stop()
    return CadreTemplate(database, folder / "phone", keys)


def copy_template(template: CadreTemplate, served: Served, folder: Path) -> tuple[Host, Path]:
    """A history's own district (a copy of the template's, with its own clock) and phone."""
    folder.mkdir(parents=True)
    database = folder / "district.db"
    shutil.copy(template.database, database)
    shutil.copytree(template.phone, folder / "phone", copy_function=shutil.copy)
    return Host(served, settings_for(database), template.keys, Clock(NOW + 3600)), folder / "phone"


def district_records(session: Session) -> dict[str, Held]:
    return {r.id: Held(RecordState(r.state), r.revision, r.comment)
            for r in session.scalars(select(CadreRecord))}


def district_revisions(session: Session) -> list[tuple[str, int]]:
    """Every kept revision, as (record, revision), once per row."""
    return [(r.record_id, r.revision) for r in session.scalars(select(CadreRevision))]


