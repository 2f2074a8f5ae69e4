"""SPEC §6's "nothing is lost" for the cadres' records (§10), as a Hypothesis state machine
over the real district app (in-process, as `tests/test_sync_machine.py` serves it).

Each history copies a prepared district with one cadre and that cadre's phone, enrolled: the
cadre station as main.py builds it over a device store on disk. Steps: the cadre starts a diary
and types into it (drafts), submits it, revises a returned one; a reviewer approves, returns or
reopens whatever the district holds (as the console does, under the record's lock); the phone
syncs by hand or when its back-off allows, over a network that drops requests, loses replies
after the district committed, answers 503, delivers twice, and delivers held pushes late; the
phone dies (between syncs, in the middle of one, or inside a submit once the revision is in
the outbox) and comes back from disk; the district restarts.

After every step: each revision the phone acknowledged as submitted waits in its outbox or is
kept at the district, once; nothing the district keeps was never submitted (drafts stay on the
phone); and a reviewer's decision stands — the record keeps the decided state at that revision,
and a returned one moves on only by a higher revision. At the end the network heals and the
phone syncs until nothing waits: the district keeps exactly the submitted revisions (and any
sent as the phone died inside a submit), nothing waits, anything refused is a revision the
district holds, shown in words beside the record, and the phone shows every record as the
district holds it (state, revision, the reviewer's comment) — a returned one revisable.

Beside it, a replaced phone: enrolling a new phone revokes the old one, whose unsent record
stays on it, waiting, with 登录已失效 on its sync line — not dropped in silence.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
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

from app.cadre_book import RecordView
from app.cadre_wire import RECORD
from app.district_errors import DistrictUnreachable
from app.duties import Duty, RecordState
from app.models import Change
from app.sync import SyncReport, TokenExpired
from app.sync_text import status_line
from district.cadres import enrollment, review
from tests.cadre_machine_support import (
    CADRE_NO,
    CadrePhone,
    CadreTemplate,
    Held,
    copy_template,
    district_records,
    district_revisions,
    prepare_cadre_template,
)
from tests.sync_machine_support import (
    URL,
    Fault,
    Host,
    PhoneClock,
    Served,
    Wire,
    scratch_root,
    settings_for,
)

HISTORIES, STEPS = 150, 25
HEAL_ROUNDS = 6
MACHINE_SETTINGS = settings(max_examples=HISTORIES, stateful_step_count=STEPS, deadline=None,
                            derandomize=True, database=None, print_blob=True,
                            suppress_health_check=[HealthCheck.too_slow])
REVIEWER = review.Reviewer("review", "reviewer")
WORDS = ("跟班装配", "走访车间", "参加班组会", "整理台账")
picks = st.integers(min_value=0, max_value=20)
_OFFERED = {(RecordState.SUBMITTED, True): review.APPROVED,
            (RecordState.SUBMITTED, False): review.RETURNED,
            (RecordState.APPROVED, False): review.REOPENED}


class RecordsAreNotLost(RuleBasedStateMachine):
    template: ClassVar[CadreTemplate]
    served: ClassVar[Served]
    scratch: ClassVar[Path]
    started: ClassVar[int] = 0
    finished: ClassVar[int] = 0
    decisions: ClassVar[Counter[str]] = Counter()

    def __init__(self) -> None:
        super().__init__()
        RecordsAreNotLost.started += 1
        self.folder = self.scratch / f"h{RecordsAreNotLost.started}"
        self.host: Host
        self.host, phone_folder = copy_template(self.template, self.served, self.folder)
        self.phone = CadrePhone.open(phone_folder, PhoneClock(self.host.clock, 0.0),
                                     Wire(self.host))
        self.records: list[str] = []
        self.submitted: set[tuple[str, int]] = set()  # acknowledged by `submit`
        self.unacknowledged: set[tuple[str, int]] = set()  # the phone died inside `submit`
        self.decided: dict[str, Held] = {}  # the reviewer's last decision on each record

    @initialize(words=st.sampled_from(WORDS))
    def first_diary(self, words: str) -> None:
        """A diary submitted and sent, so that the reviewer has something from the start."""
        self.start_a_diary(words)
        self.submit(0)
        _checked(self.phone.sync())

    # the cadre -----------------------------------------------------------------------------

    @rule(words=st.sampled_from(WORDS))
    def start_a_diary(self, words: str) -> None:
        book = self.phone.station.book
        record_id = book.start(Duty.WORK_DAY).record_id
        book.save(record_id, {"enterprise": "木渎精工机械", "work_done": words})
        self.records.append(record_id)

    @rule(pick=picks, words=st.sampled_from(WORDS))
    def type_into_a_draft(self, pick: int, words: str) -> None:
        if (record_id := self._pick(pick, lambda v: v.editable)) is not None:
            self.phone.station.book.save(record_id, {"work_done": words, "hours": "4"})

    @rule(pick=picks)
    def submit(self, pick: int) -> None:
        if (record_id := self._pick(pick, lambda v: v.editable)) is not None:
            view = self.phone.station.book.submit(record_id)
            self.submitted.add((record_id, view.current.revision))

    @rule(pick=picks)
    def phone_dies_while_submitting(self, pick: int) -> None:
        """After the revision went into the outbox, before it was locked on the phone: the
        screen never said 已提交, the draft is still there, and the revision may still go."""
        if (record_id := self._pick(pick, lambda v: v.editable)) is not None:
            revision = self.phone.station.book.get(record_id)
            assert revision is not None
            self.phone.submit_and_die(record_id)
            self.unacknowledged.add((record_id, revision.current.revision))

    @rule(pick=picks)
    def revise_a_returned_record(self, pick: int) -> None:
        if (record_id := self._pick(pick, lambda v: v.can_revise)) is not None:
            self.phone.station.book.revise(record_id)

    def _pick(self, pick: int, fits: Callable[[RecordView], bool]) -> str | None:
        views = [v for v in self.phone.station.book.all() if fits(v)]
        return views[pick % len(views)].record_id if views else None

    # the reviewer --------------------------------------------------------------------------

    @rule(pick=picks, approve=st.booleans())
    def reviewer_decides(self, pick: int, approve: bool) -> None:
        """On the newest revision the district holds, as the console offers it: a submitted
        record is approved or returned, an approved one reopened (or left alone)."""
        with self.host.district.sessions() as session:
            held = sorted(district_records(session).items())
        if not held:
            return
        record_id, seen = held[pick % len(held)]
        decision = _OFFERED.get((seen.state, approve))
        if decision is None:
            return
        with self.host.district.sessions.begin() as session:
            done = review.decide(session, decision, record_id, seen.revision, "请补充工时",
                                 REVIEWER, int(self.host.clock()))
            self.decided[record_id] = Held(RecordState(done.state), done.revision, done.comment)
        RecordsAreNotLost.decisions[decision] += 1

    # the world -----------------------------------------------------------------------------

    @rule()
    def sync_now(self) -> None:
        _checked(self.phone.sync())

    @rule()
    def sync_when_due(self) -> None:
        if self.phone.engine.due():
            _checked(self.phone.sync())

    @rule(plan=st.lists(st.sampled_from(Fault), min_size=1, max_size=4))
    def network_trouble(self, plan: list[Fault]) -> None:
        self.phone.wire.plan.extend(plan)

    @precondition(lambda self: bool(self.phone.wire.held))
    @rule(pick=picks)
    def late_delivery(self, pick: int) -> None:
        self.phone.wire.replay(pick)

    @rule()
    def phone_dies(self) -> None:
        self.phone.reload()

    @rule()
    def district_restarts(self) -> None:
        self.host.restart()

    @rule(seconds=st.integers(min_value=1, max_value=900))
    def time_passes(self, seconds: int) -> None:
        self.host.clock.now += seconds

    # checks --------------------------------------------------------------------------------

    @invariant()
    def every_submit_waits_or_is_kept_once(self) -> None:
        """… and a revision the district would not take (sent again after the phone died
        inside its submit) is one it already holds, shown beside the record in words."""
        with self.host.district.sessions() as session:
            kept = district_revisions(session)
        twice = [k for k, n in Counter(kept).items() if n > 1]
        assert not twice, f"a revision kept twice: {twice}"
        assert set(kept) <= self.submitted | self.unacknowledged, \
            "the district holds a revision never submitted"
        outbox = self.phone.engine
        waiting = {_sent(c) for c in outbox.pending() if c.entity == RECORD}
        assert self.submitted <= set(kept) | waiting, "a submitted revision was lost"
        for held in outbox.parked():
            assert _sent(held.change) in kept, f"refused and not kept: {held}"
            view = self.phone.station.book.get(held.change.record_id)
            assert view is not None and view.conflict is not None, "refused without words"

    @invariant()
    def a_reviewers_decision_stands(self) -> None:
        with self.host.district.sessions() as session:
            held = district_records(session)
        for record_id, decided in self.decided.items():
            now = held[record_id]
            if now.revision == decided.revision:
                assert now == decided, f"{record_id}: decided {decided}, now {now}"
            else:
                assert now.revision > decided.revision, f"{record_id}: went back to {now}"
                assert decided.state is RecordState.RETURNED, \
                    f"{record_id}: a new revision over {decided.state}"

    def teardown(self) -> None:
        try:
            if not _failing():
                self.heal()
                self.check_agreement()
                RecordsAreNotLost.finished += 1
        finally:
            self.phone.close()
            self.host.stop()
            shutil.rmtree(self.folder, ignore_errors=True)

    def heal(self) -> None:
        self.phone.wire.plan.clear()
        while self.phone.wire.held:
            self.phone.wire.replay(0)
        for _ in range(HEAL_ROUNDS):
            report = self.phone.sync()
            assert report is not None and report.error is None, report
            if self.phone.engine.status().waiting == 0 and report.pulled == 0:
                return
        raise AssertionError(f"the phone still has changes after {HEAL_ROUNDS} syncs")

    def check_agreement(self) -> None:
        with self.host.district.sessions() as session:
            held = district_records(session)
            kept = district_revisions(session)
        assert self.submitted <= set(kept) <= self.submitted | self.unacknowledged
        assert self.phone.engine.pending() == []
        book = self.phone.station.book
        assert sorted(v.record_id for v in book.all()) == sorted(self.records)
        for record_id in self.records:
            view = book.get(record_id)
            assert view is not None
            self.check_record(view, held.get(record_id))

    @staticmethod
    def check_record(view: RecordView, there: Held | None) -> None:
        """The phone shows the district's state of the record, its comment, and lets the cadre
        revise a returned one — or holds a draft the district never had, or a revision of a
        returned record being written."""
        if there is None:
            assert view.state is RecordState.DRAFT and view.editable
        elif view.current.revision > there.revision:
            assert view.current.draft and view.editable
            assert (there.state, view.district) == (RecordState.RETURNED, RecordState.RETURNED)
        else:
            assert (view.state, view.current.revision) == (there.state, there.revision)
            if there.state is RecordState.RETURNED:
                assert view.comment == there.comment
                assert view.can_revise, "a returned record the cadre cannot revise"


def _sent(change: Change) -> tuple[str, int]:
    return change.record_id, int(change.fields["revision"])


def _checked(report: SyncReport | None) -> None:
    """A sync never raises; the only failure it may report here is an unreachable district."""
    if report is not None and report.error is not None:
        assert isinstance(report.error, DistrictUnreachable), repr(report.error)


def _failing() -> bool:
    return sys.exc_info()[0] is not None


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cadre-machine-", dir=scratch_root()))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def served(scratch: Path) -> Iterator[Served]:
    app = Served(settings_for(scratch / "unused.db"))
    yield app
    app.close()


@pytest.fixture(scope="module")
def template(scratch: Path, served: Served) -> CadreTemplate:
    folder = scratch / "template"
    folder.mkdir()
    return prepare_cadre_template(folder, served)


def test_no_record_is_lost_doubled_or_overwritten(served: Served, template: CadreTemplate,
                                                 scratch: Path) -> None:
    RecordsAreNotLost.template = template
    RecordsAreNotLost.served, RecordsAreNotLost.scratch = served, scratch
    RecordsAreNotLost.started = RecordsAreNotLost.finished = 0
    RecordsAreNotLost.decisions = Counter()
    run_state_machine_as_test(RecordsAreNotLost, settings=MACHINE_SETTINGS)
    assert RecordsAreNotLost.finished >= HISTORIES
    decisions = RecordsAreNotLost.decisions
    assert min(decisions[d] for d in (review.APPROVED, review.RETURNED, review.REOPENED)) > 0, \
        decisions  # each kind of decision did happen


def test_a_replaced_phone_keeps_its_unsent_record_and_says_it_is_signed_out(
        served: Served, template: CadreTemplate, scratch: Path) -> None:
    """Enrolling a new phone revokes the old one (SPEC §10): a record submitted on the old
    phone but not yet sent is refused there in words — kept, waiting, 登录已失效 — not dropped;
    the new phone shows what the district has."""
    host, folder = copy_template(template, served, scratch / "replaced")
    old = CadrePhone.open(folder, PhoneClock(host.clock, 0.0), Wire(host))
    new = CadrePhone.open(scratch / "replaced" / "new", PhoneClock(host.clock, 0.0), Wire(host))
    try:
        sent = _submitted(old, WORDS[0])
        _checked(old.sync())
        assert old.engine.pending() == []
        unsent = _submitted(old, WORDS[1])
        with host.district.sessions.begin() as session:
            code = enrollment.create_cadre_code(session, CADRE_NO, "test", int(host.clock()))
        new.station.enroll(code.code, URL)
        report = old.sync()
        assert report is not None and isinstance(report.error, TokenExpired)
        status = old.engine.status()
        assert (status.waiting, status.signed_out) == (1, True)
        assert "登录已失效" in status_line(status, "zh", host.clock())
        view = old.station.book.get(unsent)
        assert view is not None and view.waiting and view.state is RecordState.SUBMITTED
        assert new.engine.sync().error is None
        with host.district.sessions() as session:
            assert set(district_records(session)) == {sent}
        assert [v.record_id for v in new.station.book.all()] == [sent]
    finally:
        old.close()
        new.close()
        host.stop()


def _submitted(phone: CadrePhone, words: str) -> str:
    book = phone.station.book
    record_id = book.start(Duty.WORK_DAY).record_id
    book.save(record_id, {"enterprise": "木渎精工机械", "work_done": words})
    book.submit(record_id)
    return record_id
