"""The 五个一 dashboard (app/cadre_dashboard.py) over dates: this month's, block's and quarter's
rows with their states from app/duties.py, one visit row per needy worker, overdue rows of
earlier periods on top, a returned record's comment, an exemption's reason, late records
counting for the period of their activity date."""

from __future__ import annotations

import datetime as dt

from app.cadre_station import CadreStation
from app.cadre_wire import EXEMPTION
from app.chinatime import CHINA
from app.duties import CellState, Duty, RecordState
from storage.memory import in_memory_device
from tests.cadre_phone_support import CadreDistrict, enrolled_phone
from tests.fakes import Clock

DIARY = {"enterprise": "苏州精工机械", "work_done": "跟班装配减速机"}


def at(day: dt.date) -> float:
    """Ten in the morning, China time, on `day`."""
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=CHINA).timestamp()


def phone(clock: Clock) -> tuple[CadreStation, CadreDistrict]:
    district = CadreDistrict(now=clock.now)
    return enrolled_phone(in_memory_device(), district, clock), district


def states(station: CadreStation) -> dict[str, CellState]:
    return {row.key: row.state for row in station.dashboard().rows}


def test_on_enrollment_day_every_current_duty_is_due_with_its_last_day() -> None:
    station, _ = phone(Clock(at(dt.date(2026, 11, 18))))
    board = station.dashboard()
    assert board.earlier == ()
    assert [(r.duty, r.due_date) for r in board.month] == [
        (Duty.WORK_DAY, dt.date(2026, 11, 30)), (Duty.MENTOR_CONTACT, dt.date(2026, 11, 30)),
        (Duty.STUDY_MEETING, dt.date(2026, 11, 30))]
    assert [(r.duty, r.period.key, r.due_date) for r in board.block] == [
        (Duty.ENTERPRISE_VISIT, "2026-B6", dt.date(2026, 12, 31))]
    assert sorted(r.subject_name for r in board.quarter) == ["李国庆", "王秀兰", "陈小妹"]
    assert {r.state for r in board.rows} == {CellState.DUE}
    assert board.attention() == 7


def test_a_missed_month_is_overdue_on_top_and_a_late_diary_counts_for_its_own_month() -> None:
    clock = Clock(at(dt.date(2026, 11, 18)))
    station, district = phone(clock)
    clock.now = at(dt.date(2026, 12, 3))
    board = station.dashboard()
    assert [(r.duty, r.period.key, r.state) for r in board.earlier] == [
        (Duty.WORK_DAY, "2026-11", CellState.OVERDUE),
        (Duty.MENTOR_CONTACT, "2026-11", CellState.OVERDUE),
        (Duty.STUDY_MEETING, "2026-11", CellState.OVERDUE)]
    late = station.book.start(Duty.WORK_DAY, activity_date=dt.date(2026, 11, 28))
    station.book.save(late.record_id, DIARY)
    assert states(station)["work_day:2026-11:"] is CellState.OVERDUE  # a draft counts for nothing
    station.book.submit(late.record_id)
    assert "work_day:2026-11:" not in states(station)  # submitted: no longer wants anything
    assert states(station)["work_day:2026-12:"] is CellState.DUE
    station.sync.sync()
    district.review(late.record_id, RecordState.RETURNED, "请写明车间")
    station.sync.sync()
    [returned] = [r for r in station.dashboard().earlier if r.duty is Duty.WORK_DAY]
    assert (returned.state, returned.comment, returned.record_id) == (
        CellState.RETURNED, "请写明车间", late.record_id)
    station.book.revise(late.record_id)
    assert states(station)["work_day:2026-11:"] is CellState.RETURNED  # being revised
    station.book.save(late.record_id, {"workshop": "装配二班"})
    station.book.submit(late.record_id)  # resubmitted, not yet sent: no longer wants anything
    assert "work_day:2026-11:" not in states(station)
    resent = station.book.get(late.record_id)
    assert resent is not None and resent.comment is None and resent.waiting


def test_approved_rows_say_done_and_a_row_opens_its_record_with_a_draft_first() -> None:
    station, district = phone(Clock(at(dt.date(2026, 11, 18))))
    visit = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(visit.record_id, {"way": "电话", "learned": "安全"})
    station.book.submit(visit.record_id)
    station.sync.sync()
    district.review(visit.record_id, RecordState.APPROVED, None)
    station.sync.sync()
    draft = station.book.start(Duty.WORK_DAY)
    rows = {r.key: r for r in station.dashboard().rows}
    assert rows["mentor_contact:2026-11:"].state is CellState.DONE
    assert rows["mentor_contact:2026-11:"].record_id == visit.record_id
    work = rows["work_day:2026-11:"]
    assert (work.state, work.has_draft, work.record_id) == (CellState.DUE, True,
                                                            draft.record_id)


def test_a_visit_counts_for_its_worker_only_and_an_exemption_shows_its_reason() -> None:
    station, district = phone(Clock(at(dt.date(2026, 11, 18))))
    visit = station.book.start(Duty.NEEDY_VISIT, "NW2")
    station.book.save(visit.record_id, {"family_situation": "独居", "help_type": "物资"})
    station.book.submit(visit.record_id)
    district.note(EXEMPTION, "E1", {"duty": "needy_visit", "period": "2026-Q4",
                                    "subject": "NW3", "reason": "已退出帮扶"})
    station.sync.sync()
    rows = {r.subject: r for r in station.dashboard().quarter}
    assert rows["NW1"].state is CellState.DUE
    assert rows["NW2"].state is CellState.SUBMITTED
    assert (rows["NW3"].state, rows["NW3"].reason) == (CellState.NOT_APPLICABLE, "已退出帮扶")


def test_a_year_later_only_the_last_twelve_months_are_shown() -> None:
    clock = Clock(at(dt.date(2025, 1, 10)))
    station, _ = phone(clock)
    clock.now = at(dt.date(2026, 3, 2))
    board = station.dashboard()
    work = [r.period.key for r in board.earlier if r.duty is Duty.WORK_DAY]
    assert work[0] == "2025-03" and work[-1] == "2026-02" and len(work) == 12
    assert [r.state for r in board.earlier][:3] == [CellState.OVERDUE] * 3
    assert board.earlier[0].period.first <= board.earlier[-1].period.first
