"""A cadre's phone, as main.py builds it and over HTTP, checks in at a study meeting of the real
district (uvicorn, SQLite and PostgreSQL): the meeting arrives by sync; the room's pass (as the
console's screen issues it) is verified on the phone with the root key it pinned at enrollment,
pushed, verified again and kept by the district, whose copy then shows the check-in confirmed;
a wrong typed code is refused by the district in its words on the phone, and the right code
then checks in."""

from __future__ import annotations

from sqlalchemy import select

import main
from app.cadre_station import CadreStation
from app.card import slot_of
from app.meeting_checkin import CheckinState, MeetingEntry
from app.meeting_pass import short_code
from district.cadres.tables import MeetingCheckin
from remote.district_http import HttpDistrictClient
from remote.sync_http import HttpSyncTransport
from storage.memory import in_memory_device
from tests.api_support import Server
from tests.cadre_sync_support import OTHER, add_cadre, cadre_code
from tests.meeting_support import district_meeting, room_pass


def phone_of(server: Server, cadre_no: str) -> CadreStation:
    station = main.cadre_station(in_memory_device(), HttpDistrictClient(), server.clock,
                                 server.url, HttpSyncTransport())
    station.enroll(cadre_code(server, cadre_no), server.url)
    return station


def entry_of(station: CadreStation, meeting_id: int) -> MeetingEntry:
    found = station.checkins.find(meeting_id)
    assert found is not None
    return found


def test_a_scanned_pass_is_verified_on_the_phone_and_again_by_the_district(
        server: Server) -> None:
    add_cadre(server)
    held = district_meeting(server)
    station = phone_of(server, "GB001")
    assert station.sync.sync().error is None
    assert [e.meeting.title for e in station.checkins.this_month()] == ["十一月学习例会"]
    done = station.checkins.scan(held.id, room_pass(server, held))
    assert isinstance(done, MeetingEntry) and done.state is CheckinState.SCANNED
    report = station.sync.sync()
    assert report.error is None and report.parked == 0, report
    assert entry_of(station, held.id).state is CheckinState.CONFIRMED
    with server.district.sessions() as session:
        [kept] = session.scalars(select(MeetingCheckin)).all()
        assert (kept.meeting_id, kept.method) == (held.id, "qr")


def test_a_wrong_code_is_refused_in_the_districts_words_then_the_right_one_counts(
        server: Server) -> None:
    add_cadre(server, OTHER, "李芳")
    held = district_meeting(server)
    station = phone_of(server, OTHER)
    station.sync.sync()
    assert isinstance(station.checkins.type_code(held.id, "AAAAAA"), MeetingEntry)
    station.sync.sync()
    refused = entry_of(station, held.id)
    assert refused.state is CheckinState.REFUSED and refused.record is not None
    assert refused.record.conflict is not None and "签到码不对" in refused.record.conflict.message
    right = short_code(held.code_key, held.id, slot_of(server.clock())).lower()
    typed = station.checkins.type_code(held.id, f"{right[:3]} {right[3:]}")
    assert isinstance(typed, MeetingEntry) and typed.state is CheckinState.TO_VERIFY
    assert station.sync.sync().error is None
    assert entry_of(station, held.id).state is CheckinState.CONFIRMED
    with server.district.sessions() as session:
        assert [r.method for r in session.scalars(select(MeetingCheckin))] == ["code"]
