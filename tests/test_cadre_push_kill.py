"""A cadre's phone killed (SIGKILL) at each step of a record's push sends the record exactly
once and then shows the district's state (SPEC §6, §10).

A child process (tests/cadre_push_kill_child.py) opens a real device store whose cadre side the
test enrolled against a district on loopback (SQLite and PostgreSQL), writes a work-day diary,
submits it, syncs, and kills itself at one boundary: inside the submit after the outbox append
(before the phone locked the revision); after the submit; after the push was written to the
district; after the district answered but before the answer was filed; after it was filed but
before the pull. The test then opens the same data folder, builds the phone as main.py does and
syncs until nothing waits: the district keeps revision 1 once, and the phone shows it submitted
and locked. A reviewer returns it: the phone shows the comment and lets the cadre revise; the
revision goes once, and the phone shows it under review.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from app.cadre_book import RecordView
from app.cadre_station import CadreStation
from app.duties import RecordState
from app.sync import SyncEngine
from district.cadres import review
from district.cadres.tables import CadreRecord, CadreRevision
from storage.device import open_device
from tests.api_support import Server
from tests.cadre_push_kill_child import CONTENT
from tests.cadre_sync_support import add_cadre, cadre_code

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "tests" / "cadre_push_kill_child.py"
REVIEWER = review.Reviewer("review", "reviewer")
COMMENT = "请写明工时"

# What the child saw as it died: the state that makes it that boundary and no other.
BOUNDARIES = {"outbox": "dying outbox waiting=1",
              "submitted": "dying submitted waiting=1 state=submitted",
              "sent": "dying sent waiting=1", "answered": "dying answered applied waiting=1",
              "filed": "dying filed waiting=0 cursor="}


@dataclass
class Child:
    """The dying phone: its process and its error output."""

    proc: subprocess.Popen[str]
    err: Path

    def killed(self) -> list[str]:
        """Everything it printed, once it is dead; it must have died by SIGKILL."""
        assert self.proc.stdout is not None
        printed = [line.strip() for line in self.proc.stdout]
        code = self.proc.wait(timeout=60)
        assert code == -signal.SIGKILL, self.err.read_text("utf-8", "replace")
        return printed


@pytest.fixture
def start_child() -> Iterator[list[Child]]:
    children: list[Child] = []
    yield children
    for child in children:
        if child.proc.poll() is None:
            child.proc.kill()
        with child.proc:  # waits, and closes its pipes
            pass


def spawn(children: list[Child], data: Path, boundary: str, now: float) -> Child:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    err = data.parent / f"{boundary}.stderr"
    with err.open("wb") as stderr:  # the child holds its own copy of the file
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data), boundary, repr(now)], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, encoding="utf-8")
    children.append(Child(proc, err))
    return children[-1]


def station_on(data: Path, server: Server) -> Iterator[CadreStation]:
    with open_device(data) as device:
        station = main.build_services(device, server.clock).cadre
        assert isinstance(station, CadreStation)
        yield station


def enroll(server: Server, data: Path) -> None:
    add_cadre(server, workers=0)
    for station in station_on(data, server):
        station.enroll(cadre_code(server), server.url)
        assert station.sync.sync().error is None


def sync_until_quiet(engine: SyncEngine) -> None:
    for _ in range(5):
        report = engine.sync()
        if report.error is None and engine.status().waiting == 0:
            return
    raise AssertionError(f"the phone never got quiet: {report}, {engine.status()}")


def kept(server: Server, record_id: str) -> tuple[list[int], str]:
    """The revisions the district keeps of the record (once each), and its state."""
    with server.district.sessions() as session:
        revisions = [r.revision for r in session.scalars(
            select(CadreRevision).where(CadreRevision.record_id == record_id)
            .order_by(CadreRevision.revision))]
        return revisions, session.get_one(CadreRecord, record_id).state


def shown(station: CadreStation, record_id: str) -> RecordView:
    view = station.book.get(record_id)
    assert view is not None
    assert (view.waiting, view.conflict) == (False, None)
    status = station.sync.status()
    assert (status.waiting, status.parked) == (0, 0)
    return view


def return_it(server: Server, record_id: str) -> None:
    with server.district.sessions.begin() as session:
        review.return_record(session, record_id, 1, COMMENT, REVIEWER, int(server.clock()))


@pytest.mark.parametrize("boundary", list(BOUNDARIES))
def test_a_cadre_phone_killed_while_pushing_a_record_sends_it_exactly_once(
        server: Server, tmp_path: Path, start_child: list[Child], boundary: str) -> None:
    data = tmp_path / "phone"
    enroll(server, data)
    started, last = spawn(start_child, data, boundary, server.clock()).killed()
    record_id = started.removeprefix("started ")
    assert last.startswith(BOUNDARIES[boundary]), last
    for station in station_on(data, server):
        sync_until_quiet(station.sync)
        assert kept(server, record_id) == ([1], "submitted")
        view = shown(station, record_id)
        assert (view.state, view.current.revision, view.editable) == (
            RecordState.SUBMITTED, 1, False)
        assert view.current.content["work_done"] == CONTENT["work_done"]

        return_it(server, record_id)
        sync_until_quiet(station.sync)
        view = shown(station, record_id)
        assert (view.state, view.comment, view.can_revise) == (RecordState.RETURNED, COMMENT,
                                                               True)
        station.book.revise(record_id)
        station.book.save(record_id, {"hours": "6"})
        station.book.submit(record_id)
        sync_until_quiet(station.sync)
        assert kept(server, record_id) == ([1, 2], "submitted")
        view = shown(station, record_id)
        assert (view.state, view.current.revision) == (RecordState.SUBMITTED, 2)
        assert [r.revision for r in view.revisions] == [1, 2]
