"""Reviewing the cadres' records at the district (district/cadres/review.py, SPEC §10): approve,
return with a comment, reopen an approved record; every decision kept, sent to the cadre's
phone and audited; refused on a revision the reviewer did not see; and two reviewers deciding at
once on two server instances → one decision, the other told."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import select

from app.cadre_wire import RECORD, RecordCopy
from app.duties import Duty, RecordState
from district import audit
from district.cadres import review
from district.cadres.tables import CadreRecord, CadreReview, DutyExemption
from district.cli import staff_commands
from district.errors import Conflict, Forbidden, Invalid
from district.feed import changelog
from district.service import District
from tests.api_support import Server, at_once
from tests.cadre_rows import add_cadre, add_record, new_revision
from tests.console_support import hidden, sign_in
from tests.fakes import NOW

DAY = dt.date(2026, 11, 10)
REVIEWER = review.Reviewer("review", "reviewer")


def _record(district: District, state: str = "submitted", revisions: int = 1) -> str:
    with district.sessions.begin() as session:
        cadre = add_cadre(session, "C001")
        return add_record(session, cadre, Duty.WORK_DAY, DAY, state, revisions=revisions).id


def _copy(district: District, record_id: str) -> RecordCopy:
    """What the cadre's phone pulls about the record."""
    with district.sessions() as session:
        record = session.get(CadreRecord, record_id)
        assert record is not None
        entries = changelog.read(session, [changelog.cadre_scope(record.cadre_id)], 0, 100)
    mine = [e for e in entries if e.entity == RECORD and e.record_id == record_id]
    assert len(mine) == 1
    return RecordCopy.of(record_id, json.loads(mine[0].fields or "{}"))


def test_an_approval_is_kept_sent_to_the_phone_and_audited(district: District) -> None:
    record_id = _record(district)
    with district.sessions.begin() as session:
        review.approve(session, record_id, 1, REVIEWER, NOW)
    copy = _copy(district, record_id)
    assert copy.record is not None  # the revision as submitted, for a phone that lacks it
    assert copy == RecordCopy(record_id, RecordState.APPROVED, 1, None, NOW, copy.record,
                              copy.submitted_at)
    assert (copy.record.duty, copy.record.content) == (Duty.WORK_DAY,
                                                       {"work_done": "装配线上拧螺丝"})
    with district.sessions() as session:
        kept = review.reviews_of(session, record_id)
        entries = audit.recent(session, action="cadre_record.approved")
    assert [(k.decision, k.revision, k.reviewer, k.at) for k in kept] == [
        ("approved", 1, "review", NOW)]
    assert [(e.actor, e.subject) for e in entries] == [("review", record_id)]


def test_returning_needs_a_comment_which_reaches_the_phone(district: District) -> None:
    record_id = _record(district)
    with district.sessions.begin() as session, pytest.raises(Invalid, match="意见"):
        review.return_record(session, record_id, 1, "  ", REVIEWER, NOW)
    with district.sessions.begin() as session:
        review.return_record(session, record_id, 1, "请补充职工反映的内容", REVIEWER, NOW)
    copy = _copy(district, record_id)
    assert (copy.state, copy.comment) == (RecordState.RETURNED, "请补充职工反映的内容")


def test_reopening_an_approved_record_returns_it_with_the_comment(district: District) -> None:
    record_id = _record(district)
    with district.sessions.begin() as session:
        review.approve(session, record_id, 1, REVIEWER, NOW)
    with district.sessions.begin() as session, pytest.raises(Invalid):
        review.reopen(session, record_id, 1, "", REVIEWER, NOW + 60)
    with district.sessions.begin() as session:
        review.reopen(session, record_id, 1, "日期写错了，请更正", REVIEWER, NOW + 60)
        kept = review.reviews_of(session, record_id)
    assert [k.decision for k in kept] == ["approved", "reopened"]
    copy = _copy(district, record_id)
    assert (copy.state, copy.comment, copy.reviewed_at) == (
        RecordState.RETURNED, "日期写错了，请更正", NOW + 60)


def test_only_an_approved_record_can_be_reopened(district: District) -> None:
    record_id = _record(district)
    with district.sessions.begin() as session, pytest.raises(Conflict, match="待审核"):
        review.reopen(session, record_id, 1, "再看看", REVIEWER, NOW)


def test_a_town_clerk_cannot_review(district: District) -> None:
    record_id = _record(district)
    clerk = review.Reviewer("mudu", "town_clerk")
    with district.sessions.begin() as session, pytest.raises(Forbidden):
        review.approve(session, record_id, 1, clerk, NOW)
    with district.sessions() as session:
        assert session.scalars(select(CadreReview)).all() == []


def test_a_revision_pushed_after_the_reviewer_looked_is_not_approved_unseen(
        district: District) -> None:
    record_id = _record(district, state="returned")
    with district.sessions.begin() as session:
        record = session.get(CadreRecord, record_id)
        assert record is not None
        new_revision(session, record, {"work_done": "补充后的内容"}, NOW)
    with district.sessions.begin() as session, pytest.raises(Conflict, match="第 2 版"):
        review.approve(session, record_id, 1, REVIEWER, NOW + 1)
    with district.sessions() as session:
        record = session.get(CadreRecord, record_id)
        assert record is not None and record.state == "submitted"
        assert review.reviews_of(session, record_id) == []


def test_a_decision_taken_is_not_taken_again(district: District) -> None:
    record_id = _record(district)
    with district.sessions.begin() as session:
        review.return_record(session, record_id, 1, "请补照片", REVIEWER, NOW)
    with district.sessions.begin() as session, pytest.raises(Conflict, match="已退回"):
        review.approve(session, record_id, 1, REVIEWER, NOW + 1)


@contextmanager
def _reviewer(server: Server, username: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        assert sign_in(http, username, password).status_code == 303
        yield http


def test_two_reviewers_on_two_instances_deciding_at_once_one_wins_the_other_is_told(
        two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers
    district = first.district
    with district.sessions.begin() as session:
        staff_commands.seed_staff(session, "test", NOW)
        cadre = add_cadre(session, "C001")
        record_id = add_record(session, cadre, Duty.WORK_DAY, DAY).id
    page = f"/console/review/{record_id}"
    with _reviewer(first, "admin", "demo-admin-2014") as a, \
            _reviewer(second, "review", "demo-review-2014") as b:
        forms = [hidden(http.get(page).text, "csrf") for http in (a, b)]
        answers = at_once([
            lambda: a.post(f"{page}/approved", data={"csrf": forms[0], "revision": "1"}),
            lambda: b.post(f"{page}/returned", data={"csrf": forms[1], "revision": "1",
                                                     "comment": "请补充体会"})])
    codes = sorted(r.status_code for r in answers)
    assert codes == [303, 409]
    told = next(r for r in answers if r.status_code == 409)
    assert "另一位审核人员" in told.text and "未做改动" in told.text
    with district.sessions() as session:
        kept = review.reviews_of(session, record_id)
        record = session.get(CadreRecord, record_id)
    assert len(kept) == 1 and record is not None
    assert record.state == {"approved": "approved", "returned": "returned"}[kept[0].decision]
    if kept[0].decision == "approved":  # the loser's comment stays in its form
        assert "请补充体会" in told.text


def test_two_reviewers_marking_one_cell_at_once_leave_one_exemption(
        two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers
    district = first.district
    with district.sessions.begin() as session:
        staff_commands.seed_staff(session, "test", NOW)
        add_cadre(session, "C001")
    cell = "/console/compliance/cell/C001/work_day/2026-10"
    with _reviewer(first, "admin", "demo-admin-2014") as a, \
            _reviewer(second, "review", "demo-review-2014") as b:
        forms = [hidden(http.get(cell).text, "csrf") for http in (a, b)]
        answers = at_once([
            lambda: a.post(cell, data={"csrf": forms[0], "reason": "病假"}),
            lambda: b.post(cell, data={"csrf": forms[1], "reason": "事假"})])
    assert [r.status_code for r in answers] == [303, 303]
    with district.sessions() as session:
        kept = session.scalars(select(DutyExemption)).all()
        said = [e.details for e in audit.recent(session, action="duty_exemption.set")]
    assert len(kept) == 1 and kept[0].reason in ("病假", "事假")
    assert len(said) == 2
