"""SPEC §6's "nothing is lost", as a Hypothesis state machine over the real district app.

Each history copies a prepared district (three members, the catalogue, each member's phone
activated) and runs two or three phones on disk, each with its own clock (the server's, or a day
or a year off either way), against the district's real app. Steps: members ask for family cards
(auto-approved, so cards travel back by pull), phones sync by hand or when their back-off allows,
the network drops requests, loses replies after the server committed, answers 503, delivers
twice, and delivers held pushes late; phones die (between syncs or in the middle of one, after
the server committed) and come back from disk; the server restarts; the district is backed up,
and restored from its last backup — over its database, or onto an empty one after a lost disk;
the console reprices a ticket or withdraws a family member; time passes.

After every step: each change a phone saved still waits in its outbox or has been applied by
the district — or, while the phone has not yet noticed a restore, is kept as sent to go again —
and nothing was stored twice. At the end of every history the network heals,
every phone syncs until nothing waits and nothing new arrives, and then: every saved change was
answered exactly once (one stored change per saved record, applied; the district holds one
family member per saved request), nothing waits or is parked, and every phone agrees with the
district: its cards are the district's valid cards bound to its key, its family states are the
district's, its catalogue is the district's.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.district_errors import DistrictUnreachable
from app.sync import SyncReport
from district.backup.snapshot import Snapshot
from district.feed import changelog
from tests.sync_machine_support import (
    MEMBERS,
    OFFSETS,
    Fault,
    Handset,
    History,
    PhoneClock,
    Served,
    Template,
    Wire,
    district_view,
    family_names,
    new_history,
    phone_view,
    prepare_template,
    reprice,
    scratch_root,
    settings_for,
    stored_changes,
    withdraw_one,
)

HISTORIES, STEPS = 500, 12
HEAL_ROUNDS = 6
MACHINE_SETTINGS = settings(max_examples=HISTORIES, stateful_step_count=STEPS, deadline=None,
                            derandomize=True, database=None, print_blob=True,
                            suppress_health_check=[HealthCheck.too_slow])

phones = st.integers(min_value=0, max_value=len(MEMBERS) - 1)


class NothingIsLost(RuleBasedStateMachine):
    template: ClassVar[Template]
    served: ClassVar[Served]
    scratch: ClassVar[Path]
    started: ClassVar[int] = 0
    finished: ClassVar[int] = 0
    restores: ClassVar[int] = 0

    def __init__(self) -> None:
        super().__init__()
        NothingIsLost.started += 1
        self.history: History = new_history(self.template, self.served,
                                            self.scratch / f"h{NothingIsLost.started}")
        self.phones: list[Handset] = []
        self.asked = 0
        self.backup: Snapshot | None = None

    # the world -----------------------------------------------------------------------------

    @initialize(offsets=st.lists(st.sampled_from(OFFSETS), min_size=2, max_size=len(MEMBERS)))
    def open_phones(self, offsets: list[float]) -> None:
        clock = self.history.host.clock
        for member_no, offset in zip(MEMBERS, offsets, strict=False):
            wire = Wire(self.history.host)
            self.phones.append(Handset.open(member_no, self.history.phone_folder(member_no),
                                            PhoneClock(clock, offset), wire))

    def phone(self, index: int) -> Handset:
        return self.phones[index % len(self.phones)]

    # steps ---------------------------------------------------------------------------------

    @rule(index=phones, count=st.integers(min_value=1, max_value=3))
    def member_asks_for_family_cards(self, index: int, count: int) -> None:
        phone = self.phone(index)
        for _ in range(count):
            self.asked += 1
            phone.ask(f"家属{self.asked}", str(uuid.UUID(int=self.asked)))  # unique, replayable

    @rule(index=phones)
    def sync_now(self, index: int) -> None:
        _checked(self.phone(index).sync())

    @rule(index=phones)
    def sync_when_due(self, index: int) -> None:
        """What the app's keeper does: sync only when the back-off allows."""
        phone = self.phone(index)
        if phone.engine.due():
            _checked(phone.sync())

    @rule(index=phones, plan=st.lists(st.sampled_from(Fault), min_size=1, max_size=4))
    def network_trouble(self, index: int, plan: list[Fault]) -> None:
        self.phone(index).wire.plan.extend(plan)

    @precondition(lambda self: any(p.wire.held for p in self.phones))
    @rule(pick=st.integers(min_value=0, max_value=20))
    def late_delivery(self, pick: int) -> None:
        holding = [p for p in self.phones if p.wire.held]
        holding[pick % len(holding)].wire.replay(pick)

    @rule(index=phones)
    def phone_dies(self, index: int) -> None:
        self.phone(index).reload()

    @rule()
    def server_restarts(self) -> None:
        self.history.host.restart()

    @rule()
    def district_backs_up(self) -> None:
        self.backup = self.history.host.back_up()

    @precondition(lambda self: self.backup is not None)
    @rule(lost=st.booleans())
    def district_restored_from_backup(self, lost: bool) -> None:
        """The last backup comes back, over the database or onto an empty one (a lost disk):
        what the district acknowledged since is gone from it, and its counters may go back."""
        assert self.backup is not None
        self.history.host.restore(self.backup, lost)
        NothingIsLost.restores += 1

    @rule(seconds=st.integers(min_value=1, max_value=900))
    def time_passes(self, seconds: int) -> None:
        self.history.host.clock.now += seconds

    @rule(ticket=st.integers(min_value=0, max_value=50),
          list_fen=st.integers(min_value=100, max_value=50_000))
    def console_reprices(self, ticket: int, list_fen: int) -> None:
        with self.history.host.district.sessions.begin() as session:
            reprice(session, ticket, list_fen)

    @rule(index=phones, pick=st.integers(min_value=0, max_value=20))
    def console_withdraws_family(self, index: int, pick: int) -> None:
        host = self.history.host
        with host.district.sessions.begin() as session:
            withdraw_one(session, host.keys, self.phone(index).member_no, pick,
                         int(host.clock()))

    # checks --------------------------------------------------------------------------------

    @invariant()
    def every_saved_change_waits_or_was_applied_once(self) -> None:
        """… or, until the phone has noticed a restore of the district, it is kept as sent."""
        if not self.phones:
            return
        with self.history.host.district.sessions() as session:
            everything = stored_changes(session)
            generation = changelog.generation(session)
        for phone in self.phones:
            stored = everything.get(phone.device_id, {})
            waiting = {c.record_id for c in phone.device.outbox.pending()}
            kept = set()
            if phone.device.sync_cursor.load().generation != generation:
                kept = {c.record_id for c in phone.device.outbox.sent()}
            assert all(s == ["applied"] for s in stored.values()), stored
            assert set(stored) <= set(phone.saved)
            assert set(phone.saved) <= waiting | set(stored) | kept, "a saved change was lost"
            assert phone.engine.status().waiting == len(waiting)

    def teardown(self) -> None:
        try:
            if self.phones and not _failing():
                self.heal()
                self.check_agreement()
                NothingIsLost.finished += 1
        finally:
            for phone in self.phones:
                phone.close()
            self.history.close()

    def heal(self) -> None:
        """The network is clean again (late copies arrive first); every phone syncs until
        nothing waits and a sync brings nothing new."""
        for phone in self.phones:
            phone.wire.plan.clear()
            while phone.wire.held:
                phone.wire.replay(0)
        for phone in self.phones:
            _settle(phone)

    def check_agreement(self) -> None:
        with self.history.host.district.sessions() as session:
            everything = stored_changes(session)
            for phone in self.phones:
                stored = everything.get(phone.device_id, {})
                assert stored == {record: ["applied"] for record in phone.saved}
                assert sorted(family_names(session, phone.member_no)) == sorted(
                    phone.saved.values()), "the district holds a request twice, or lost one"
                assert phone.device.outbox.pending() == []
                assert phone.device.outbox.parked() == []
                assert phone.services.wallet.member_card() is not None
                expected = district_view(session, phone.member_no, phone.public_key)
                assert phone_view(phone) == expected


def _checked(report: SyncReport | None) -> None:
    """A sync never raises; the only failure it may report here is an unreachable district."""
    if report is not None and report.error is not None:
        assert isinstance(report.error, DistrictUnreachable), repr(report.error)


def _settle(phone: Handset) -> None:
    for _ in range(HEAL_ROUNDS):
        report = phone.sync()
        assert report is not None and report.error is None, report
        if phone.engine.status().waiting == 0 and report.pulled == 0:
            return
    raise AssertionError(f"{phone.member_no} still has changes after {HEAL_ROUNDS} syncs")


def _failing() -> bool:
    """Whether teardown runs because a step failed (then that failure is the one to see)."""
    return sys.exc_info()[0] is not None


@pytest.fixture(scope="module")
def served(scratch: Path) -> Iterator[Served]:
    app = Served(settings_for(scratch / "unused.db"))
    yield app
    app.close()


@pytest.fixture(scope="module")
def machine_template(scratch: Path, served: Served) -> Template:
    folder = scratch / "template"
    folder.mkdir()
    return prepare_template(folder, served)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="sync-machine-", dir=scratch_root()))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_nothing_is_lost(served: Served, machine_template: Template, scratch: Path) -> None:
    NothingIsLost.served, NothingIsLost.template = served, machine_template
    NothingIsLost.scratch = scratch
    NothingIsLost.started = NothingIsLost.finished = NothingIsLost.restores = 0
    run_state_machine_as_test(NothingIsLost, settings=MACHINE_SETTINGS)
    assert NothingIsLost.finished >= HISTORIES
    assert NothingIsLost.restores >= HISTORIES // 10  # the restore rule did run, and often
