"""A phone killed (SIGKILL) at each step boundary of a sync loses and doubles nothing (SPEC §6).

A child process (tests/sync_kill_child.py) opens a real device store that the test activated
against a district on loopback (SQLite and PostgreSQL), records a family request, syncs and
kills itself exactly at one boundary: after the outbox write; after the push was written to the
district; after the district answered but before the answer was filed; after it was filed but
before the pull; after a pulled page was stored but before its cursor was saved. The test then
opens the same data folder, builds the phone as main.py does and syncs until nothing waits:
the request reached the district exactly once, nothing waits or is parked, the phone knows the
family member, and once approved exactly one family card comes down.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

import main
from app.activation import Activation
from app.district_access import access_of
from app.models import FamilyState
from app.sync import SyncEngine
from app.wallet import Wallet
from district.phones import family
from district.registry import people
from district.sync.tables import SyncChange
from remote.district_http import HttpDistrictClient
from storage.device import open_device
from tests.api_support import Server
from tests.sync_kill_child import FIELDS
from tests.sync_support import approve
from views import MemberServices

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "tests" / "sync_kill_child.py"
NAME = FIELDS["name"]


@dataclass
class Child:
    """The dying phone: its process, what it printed, and its error output."""

    proc: subprocess.Popen[str]
    err: Path

    def line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def go_on(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def killed(self) -> list[str]:
        """Its remaining output, once it is dead; it must have died by SIGKILL."""
        assert self.proc.stdout is not None
        rest = [line.strip() for line in self.proc.stdout]
        code = self.proc.wait(timeout=60)
        assert code == -signal.SIGKILL, self.err.read_text("utf-8", "replace")
        return rest


@pytest.fixture
def start_child() -> Iterator[list[Child]]:
    children: list[Child] = []
    yield children
    for child in children:
        if child.proc.poll() is None:
            child.proc.kill()
        with child.proc:  # waits, and closes its pipes
            pass


def spawn(children: list[Child], data: Path, boundary: str, now: float,
          record_id: str) -> Child:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    err = data.parent / f"{boundary}.stderr"
    with err.open("wb") as stderr:  # the child holds its own copy of the file
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data), boundary, repr(now), record_id], cwd=ROOT,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            encoding="utf-8")
    children.append(Child(proc, err))
    return children[-1]


def activate(server: Server, data: Path) -> None:
    with open_device(data) as device:
        wallet = Wallet(device.keys, device.cards, server.clock)
        Activation(HttpDistrictClient(), wallet, device.cards, device.trust, device.settings,
                   server.clock).activate("WZ1", server.code("WZ1"), server.url)


def engine_of(services: MemberServices) -> SyncEngine:
    assert isinstance(services.sync, SyncEngine)
    return services.sync


def sync_until_quiet(services: MemberServices) -> None:
    """Sync until a sync ends without error and nothing waits (a few rounds at most)."""
    engine = engine_of(services)
    for _ in range(5):
        report = engine.sync()
        if report.error is None and engine.status().waiting == 0:
            return
    raise AssertionError(f"the phone never got quiet: {report}, {engine.status()}")


def district_family(server: Server) -> list[family.FamilyState]:
    with server.district.sessions.begin() as session:
        member = people.member_by_no(session, "WZ1")
        return [f for f in family.states(session, member) if f.name == NAME]


def pushed_rows(server: Server, record_id: str) -> list[str]:
    with server.district.sessions.begin() as session:
        rows = session.scalars(select(SyncChange).where(SyncChange.record_id == record_id))
        return [row.status for row in rows]


def known_states(services: MemberServices) -> list[FamilyState]:
    return [m.state for m in services.family.known if m.name == NAME]


def family_card_names(services: MemberServices) -> list[str]:
    return [card.name for card in services.wallet.family_cards()]


def assert_arrived_once(server: Server, services: MemberServices, record_id: str) -> int:
    """What the member would notice: sent once, nothing waits, the phone shows the request.
    Returns the family member's number."""
    status = engine_of(services).status()
    assert (status.waiting, status.parked) == (0, 0)
    [held] = district_family(server)
    assert pushed_rows(server, record_id) == ["applied"]
    assert len(known_states(services)) == 1, services.family.known
    return held.number


# What the child saw as it died: the state that makes it that boundary and no other.
PUSH_BOUNDARIES = {"outbox": "dying outbox waiting=1 seq=1", "sent": "dying sent waiting=1",
                   "answered": "dying answered applied waiting=1",
                   "filed": "dying filed waiting=0 cursor=0"}


@pytest.mark.parametrize("boundary", list(PUSH_BOUNDARIES))
def test_a_phone_killed_while_pushing_sends_its_request_exactly_once(
        server: Server, tmp_path: Path, start_child: list[Child], boundary: str) -> None:
    data, record_id = tmp_path / "phone", str(uuid.uuid4())
    activate(server, data)
    child = spawn(start_child, data, boundary, server.clock(), record_id)
    [last] = child.killed()
    assert last == PUSH_BOUNDARIES[boundary], last
    with open_device(data) as device:
        services = main.build_services(device, server.clock)
        sync_until_quiet(services)
        number = assert_arrived_once(server, services, record_id)
        approve(server, "WZ1", number)
        sync_until_quiet(services)
        assert family_card_names(services) == [NAME]
        assert known_states(services) == [FamilyState.APPROVED]


def pulled_after(server: Server, device_token: str, cursor: int) -> list[object]:
    """What the district still has for this phone after `cursor`."""
    answer = server.http.get("/api/v1/sync/pull", params={"cursor": cursor},
                             headers={"Authorization": f"Bearer {device_token}"})
    changes: list[object] = answer.json()["changes"]
    return changes


def test_a_phone_killed_between_a_stored_page_and_its_cursor_holds_each_card_once(
        server: Server, tmp_path: Path, start_child: list[Child]) -> None:
    data, record_id = tmp_path / "phone", str(uuid.uuid4())
    activate(server, data)
    child = spawn(start_child, data, "page", server.clock(), record_id)
    first = child.line().split()
    assert first[0] == "synced" and first[2:] == ["error=None", "family_cards=-",
                                                  f"known={NAME}:pending"], first
    [held] = district_family(server)
    approve(server, "WZ1", held.number)  # so a family card travels down in the next page
    child.go_on()
    [last] = child.killed()
    dying, cursor_at_death = last.rsplit(" cursor=", 1)
    assert dying == f"dying page family_cards={NAME} known={NAME}:approved", last
    with open_device(data) as device:
        assert device.sync_cursor.load().cursor == int(first[1]) < int(cursor_at_death)
        services = main.build_services(device, server.clock)
        sync_until_quiet(services)
        assert_arrived_once(server, services, record_id)
        assert family_card_names(services) == [NAME]
        assert known_states(services) == [FamilyState.APPROVED]
        serials = [card.serial for card in device.cards.all()]
        assert len(serials) == len(set(serials)) == 2  # the member's card and the family card
        moved_to = device.sync_cursor.load().cursor
        access = access_of(device.settings.load())
        assert access is not None and moved_to >= int(cursor_at_death)
        assert pulled_after(server, access.device_token, moved_to) == []
