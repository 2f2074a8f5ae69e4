"""The study meeting's check-in on the cadre's phone (app/meeting_checkin.py, SPEC §10): the
meeting room's pass verified offline with the root key pinned at enrollment and recorded as a
submitted check-in; a forged, stale, other-meeting or out-of-time pass refused on the spot with
words and nothing recorded; a typed short code normalised and recorded "to be verified"; the
district's answer (its copy, or a refusal in its words) shown on the check-in."""

from __future__ import annotations

import datetime as dt

from app.cadre_station import CadreStation
from app.cadre_wire import RECORD, WireRecord, parse_record
from app.duties import CellState, Duty, RecordState
from app.keys import KeyPair
from app.meeting_checkin import CheckinState, MeetingEntry
from app.meeting_pass import PassRefused
from storage.memory import in_memory_device
from tests.cadre_phone_support import CadreDistrict, enrolled_phone
from tests.fakes import NOW, Clock
from tests.meeting_support import LAST_MONTH_ID, LATER_ID, TODAY_ID, pass_text, send_meetings


def phone() -> tuple[CadreDistrict, Clock, CadreStation]:
    """An enrolled cadre's phone that has pulled the meetings."""
    district, clock = CadreDistrict(), Clock()
    station = enrolled_phone(in_memory_device(), district, clock, workers=False)
    send_meetings(district)
    assert station.sync.sync().error is None
    return district, clock, station


def checked(result: MeetingEntry | PassRefused) -> MeetingEntry:
    assert isinstance(result, MeetingEntry), result
    return result


def refused(result: MeetingEntry | PassRefused) -> PassRefused:
    assert isinstance(result, PassRefused), result
    return result


def test_the_screen_lists_this_months_meetings_earliest_first() -> None:
    _district, _clock, station = phone()
    shown = station.checkins.this_month()
    assert [(e.meeting.id, e.meeting.title, e.meeting.place) for e in shown] == [
        (TODAY_ID, "十一月学习例会", "区总工会三楼会议室"),
        (LATER_ID, "十一月专题学习", "职工服务中心")]
    assert shown[0].meeting.day == dt.date(2026, 11, 18) and shown[0].record is None


def test_a_scanned_pass_for_this_meeting_is_a_submitted_check_in_holding_the_token() -> None:
    district, _clock, station = phone()
    text = pass_text(district)
    entry = checked(station.checkins.scan(TODAY_ID, f" {text}\n"))
    record = entry.record
    assert record is not None and entry.state is CheckinState.SCANNED and entry.checked_in
    assert (record.current.duty, record.current.subject, record.current.activity_date) == (
        Duty.STUDY_MEETING, str(TODAY_ID), dt.date(2026, 11, 18))
    assert record.current.content == {"token": text} and not record.editable
    [change] = station.sync.pending()
    assert change.entity == RECORD and change.fields["content"] == {"token": text}
    [row] = [r for r in station.dashboard().month if r.duty is Duty.STUDY_MEETING]
    assert row.state is CellState.SUBMITTED and row.record_id == record.record_id
    # the district's own rule for a pushed record takes it as it is
    wire = parse_record(record.record_id, change.fields, dt.date(2026, 11, 18))
    assert isinstance(wire, WireRecord) and wire.content == {"token": text}
    assert station.sync.sync().error is None
    confirmed = station.checkins.find(TODAY_ID)
    assert confirmed is not None and confirmed.state is CheckinState.CONFIRMED
    # once checked in, a second scan is refused and nothing more is recorded
    again = refused(station.checkins.scan(TODAY_ID, pass_text(district, at=NOW + 30)))
    assert again.reason == "already_checked_in" and "只签到一次" in again.zh
    assert len(district.received) == 1


def test_a_forged_stale_or_other_meetings_pass_is_refused_with_words_and_nothing_recorded(
) -> None:
    district, clock, station = phone()
    checkins = station.checkins
    forged = refused(checkins.scan(TODAY_ID, pass_text(district, root=KeyPair.generate())))
    assert forged.reason == "forged" and "伪造" in forged.zh
    other = refused(checkins.scan(TODAY_ID, pass_text(district, meeting_id=LATER_ID)))
    assert other.reason == "other_meeting" and "另一次例会" in other.zh
    stale = refused(checkins.scan(TODAY_ID, pass_text(district, at=NOW - 600)))
    assert stale.reason == "not_current" and "过期" in stale.zh
    card = refused(checkins.scan(TODAY_ID, "UP1:NOTAMEETING"))
    assert card.reason == "not_a_meeting_code" and "不是学习例会的签到码" in card.zh
    clock.now = NOW + 2 * 3600  # the meeting is over; a pass signed now is outside it
    late = refused(checkins.scan(TODAY_ID, pass_text(district, at=clock.now)))
    assert late.reason == "outside_meeting" and "时间内" in late.zh
    assert station.book.all() == [] and station.sync.pending() == []
    entry = checkins.find(TODAY_ID)
    assert entry is not None and entry.record is None and not entry.checked_in


def test_a_typed_code_is_normalised_and_recorded_to_be_verified_by_the_district() -> None:
    _district, _clock, station = phone()
    wrong = refused(station.checkins.type_code(TODAY_ID, "K7Q"))
    assert wrong.reason == "bad_code" and "6 位" in wrong.zh
    assert refused(station.checkins.type_code(TODAY_ID, "K0Q2XM")).reason == "bad_code"
    entry = checked(station.checkins.type_code(TODAY_ID, " k7q2-xm "))
    assert entry.state is CheckinState.TO_VERIFY
    assert entry.record is not None and entry.record.current.content == {"code": "K7Q2XM"}
    [change] = station.sync.pending()
    assert change.fields["content"] == {"code": "K7Q2XM"}
    assert change.fields["activity_date"] == "2026-11-18"


def test_a_later_or_unknown_meeting_cannot_be_checked_in_yet() -> None:
    _district, _clock, station = phone()
    assert refused(station.checkins.type_code(LATER_ID, "K7Q2XM")).reason == "not_yet"
    assert refused(station.checkins.type_code(99, "K7Q2XM")).reason == "unknown_meeting"
    assert station.book.all() == []
    # last month's meeting is not listed, but a code for it may still be typed (the district
    # decides whether it was shown during the meeting)
    assert checked(station.checkins.type_code(LAST_MONTH_ID, "K7Q2XM")).checked_in


def test_the_districts_refusal_shows_in_its_words_and_the_cadre_may_check_in_again() -> None:
    district, _clock, station = phone()
    checked(station.checkins.type_code(TODAY_ID, "AAAAAA"))
    district.conflict = ("wrong_code", "签到码不对，或不是这次例会时间内显示的",
                         "wrong check-in code, or not one shown during this meeting")
    station.sync.sync()
    entry = station.checkins.find(TODAY_ID)
    assert entry is not None and entry.state is CheckinState.REFUSED and not entry.checked_in
    assert entry.record is not None and entry.record.conflict is not None
    assert "签到码不对" in entry.record.conflict.message
    [row] = [r for r in station.dashboard().month if r.duty is Duty.STUDY_MEETING]
    assert row.state is CellState.DUE and row.conflict  # not checked in; the row says why
    again = checked(station.checkins.scan(TODAY_ID, pass_text(district)))
    assert again.state is CheckinState.SCANNED
    station.sync.sync()
    shown = station.checkins.find(TODAY_ID)
    assert shown is not None and shown.state is CheckinState.CONFIRMED
    assert shown.record is not None and shown.record.state is RecordState.SUBMITTED
    [row] = [r for r in station.dashboard().month if r.duty is Duty.STUDY_MEETING]
    assert row.state is CellState.SUBMITTED
