"""The cadre's phone that dies while a record goes out, for tests/test_cadre_push_kill.py (run as
a program, never imported by the app):

    python tests/cadre_push_kill_child.py DATA_DIR BOUNDARY NOW

It opens the device store in DATA_DIR (the cadre's side already enrolled), builds the cadre
station as main.py does with its clock stopped at NOW, starts a work-day diary and types it
(printing `started <record id>`), submits it, syncs, and SIGKILLs itself exactly at BOUNDARY,
printing `dying <boundary> <what it saw>` first:

- "outbox": inside `submit`, once the revision is in the outbox, before it is locked on the
  phone (the screen never said 已提交).
- "submitted": `submit` returned (locked, waiting); nothing was sent.
- "sent": the push request is written to the district on a raw socket; no answer is read.
- "answered": the district answered the push; the answer is not filed.
- "filed": the answer is filed (nothing waits); the pull has not started.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import main
from app.cadre_ports import Revision, RevisionStore
from app.duties import Duty
from app.ports import Outbox, SyncTransport
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.device import DeviceStore, open_device
from tests.sync_kill_child import DieAfterPush, DieBeforePull, SendPushThenDie, die

CONTENT = {"enterprise": "木渎精工机械", "work_done": "跟班装配减速机"}
BOUNDARIES = ("outbox", "submitted", "sent", "answered", "filed")


class DieWhenLocking:
    """The phone's revisions, dying at the first write once armed (the lock after the outbox)."""

    def __init__(self, inner: RevisionStore, outbox: Outbox) -> None:
        self._inner, self._outbox = inner, outbox
        self.armed = False

    def put(self, revision: Revision) -> None:
        if self.armed:
            die("outbox", f"waiting={len(self._outbox.pending())}")
        self._inner.put(revision)

    def revisions(self, record_id: str) -> list[Revision]:
        return self._inner.revisions(record_id)

    def all(self) -> list[Revision]:
        return self._inner.all()


def transport_for(boundary: str, outbox: Outbox) -> SyncTransport:
    if boundary == "sent":
        return HttpSyncTransport(transport=SendPushThenDie(outbox))
    if boundary == "answered":
        return DieAfterPush(outbox)
    if boundary == "filed":
        return DieBeforePull(outbox)
    return HttpSyncTransport()


def run(device: DeviceStore, boundary: str, now: float) -> None:
    outbox = device.cadre.outbox
    revisions = DieWhenLocking(device.cadre.revisions, outbox)
    device = dataclasses.replace(device, cadre=dataclasses.replace(device.cadre,
                                                                   revisions=revisions))
    station = main.cadre_station(device, HttpDistrictClient(), lambda: now, "",
                                 transport_for(boundary, outbox))
    record_id = station.book.start(Duty.WORK_DAY).record_id
    station.book.save(record_id, CONTENT)
    print(f"started {record_id}", flush=True)
    revisions.armed = boundary == "outbox"
    view = station.book.submit(record_id)
    if boundary == "submitted":
        die("submitted", f"waiting={len(outbox.pending())} state={view.state.value}")
    report = station.sync.sync()
    raise AssertionError(f"the sync ended without reaching {boundary}: {report}")


def main_(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("boundary", choices=BOUNDARIES)
    parser.add_argument("now", type=float)
    args = parser.parse_args(argv)
    run(open_device(args.data), args.boundary, args.now)


if __name__ == "__main__":
    main_()
