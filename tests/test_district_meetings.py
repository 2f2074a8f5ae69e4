"""Study meetings at the district (SPEC §10): published to every cadre's phone, checked in by a
scanned pass or a typed code that the district verifies again on sync — inside the meeting's
time, for this meeting, signed by the root key — once per cadre per meeting; through a real
uvicorn on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from app.card import slot_of
from app.chinatime import china_date
from app.keys import KeyPair
from app.meeting_pass import issue_pass, short_code
from district.cadres import meetings
from district.cadres.tables import CadreRecord, Meeting, MeetingCheckin
from district.errors import Invalid
from tests.api_support import Phone, Server, at_once
from tests.cadre_sync_support import OTHER, add_cadre, cadre_phone, record, record_change
from tests.sync_support import activated, pull_all, push


def meeting(server: Server, before: int = 600, after: int = 3600,
            title: str = "十一月学习例会") -> Meeting:
    """A meeting that began `before` seconds ago and ends `after` seconds from now."""
    now = int(server.clock())
    with server.district.sessions.begin() as session:
        return meetings.create_meeting(session, title, "区总工会三楼会议室", now - before,
                                       now + after, "admin", now)


def scanned(server: Server, held: Meeting, slot: int | None = None,
            key: KeyPair | None = None) -> str:
    """The QR text the screen shows (at `slot`, signed by `key`; default now, the root key)."""
    slot = slot_of(server.clock()) if slot is None else slot
    with server.district.sessions() as session:
        root = key or server.district.keys().root(session)
    return issue_pass(held.id, slot, short_code(held.code_key, held.id, slot), root)


def checkin(held: Meeting | int, content: dict[str, Any], day: str) -> dict[str, Any]:
    meeting_id = held if isinstance(held, int) else held.id
    return record("study_meeting", content, day, subject=str(meeting_id))


def day_of(server: Server) -> str:
    return china_date(server.clock()).isoformat()


def test_a_meeting_reaches_every_cadres_phone_and_no_member(server: Server) -> None:
    add_cadre(server)
    held = meeting(server)
    phone, member = cadre_phone(server), activated(server)
    [got] = [c for c in pull_all(phone) if c["entity"] == "meeting"]
    assert got["record_id"] == str(held.id)
    assert got["fields"] == {"title": "十一月学习例会", "place": "区总工会三楼会议室",
                             "starts_at": held.starts_at, "ends_at": held.ends_at}
    assert "meeting" not in {c["entity"] for c in pull_all(member)}


def test_a_scanned_pass_and_a_typed_code_check_in(server: Server) -> None:
    add_cadre(server)
    add_cadre(server, OTHER, "李芳")
    held, day = meeting(server), day_of(server)
    by_qr, by_code = cadre_phone(server), cadre_phone(server, OTHER)
    [qr] = push(by_qr, record_change(1, checkin(held, {"token": scanned(server, held)}, day)))
    slot = slot_of(server.clock())
    typed = short_code(held.code_key, held.id, slot).lower()
    [code] = push(by_code, record_change(1, checkin(held, {"code": typed}, day)))
    assert qr["status"] == code["status"] == "applied", (qr, code)
    with server.district.sessions() as session:
        rows = session.scalars(select(MeetingCheckin).order_by(MeetingCheckin.id)).all()
        assert [(r.method, r.slot) for r in rows] == [("qr", slot), ("code", slot)]
        assert meetings.checkin_counts(session) == {held.id: 2}


def test_a_typed_code_from_earlier_in_the_meeting_still_counts(server: Server) -> None:
    add_cadre(server)
    held, phone = meeting(server), cadre_phone(server)
    early = slot_of(held.starts_at) + 3
    code = short_code(held.code_key, held.id, early)
    [done] = push(phone, record_change(1, checkin(held, {"code": code}, day_of(server))))
    assert done["status"] == "applied"


def _refusals(server: Server) -> list[tuple[str, dict[str, Any]]]:
    held, other, day = meeting(server), meeting(server, title="另一次例会"), day_of(server)
    before = slot_of(held.starts_at) - 1
    with server.district.sessions() as session:
        root = server.district.keys().root(session)
    outside = issue_pass(held.id, before, short_code(held.code_key, held.id, before), root)
    now = slot_of(server.clock())
    return [
        ("other_meeting", checkin(held, {"token": scanned(server, other)}, day)),
        ("forged", checkin(held, {"token": scanned(server, held, key=KeyPair.generate())}, day)),
        ("outside_meeting", checkin(held, {"token": outside}, day)),
        ("not_a_meeting_code", checkin(held, {"token": "UP1:ABC"}, day)),
        ("wrong_code", checkin(held, {"code": "AAAAAA"}, day)),
        ("wrong_code", checkin(held, {"code": short_code(held.code_key, held.id, before)}, day)),
        ("wrong_code", checkin(held, {"code": short_code(other.code_key, other.id, now)}, day)),
        ("unknown_meeting", checkin(99_999, {"code": "AAAAAA"}, day)),
        ("wrong_date", checkin(held, {"token": scanned(server, held)}, "2026-11-01")),
        ("invalid_fields", checkin(held, {"token": scanned(server, held), "code": "AB"}, day)),
        ("invalid_fields", checkin(held, {"token": scanned(server, held)}, day) | {
            "subject": ""}),
    ]


def test_a_check_in_that_does_not_verify_is_rejected_with_the_reason(server: Server) -> None:
    add_cadre(server)
    phone, cases = cadre_phone(server), _refusals(server)
    results = push(phone, *(record_change(i, f) for i, (_r, f) in enumerate(cases, 1)))
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", reason) for reason, _f in cases]
    assert all(r["message"] and r["message_en"] for r in results)
    with server.district.sessions() as session:
        assert session.scalars(select(CadreRecord)).all() == []
        assert session.scalars(select(MeetingCheckin)).all() == []


def test_a_cadre_checks_in_once_per_meeting(server: Server) -> None:
    add_cadre(server)
    held, phone, day = meeting(server), cadre_phone(server), day_of(server)
    record_id = str(uuid.uuid4())
    [first] = push(phone, record_change(1, checkin(held, {"token": scanned(server, held)}, day),
                                        record_id))
    server.clock.now += 60
    [second] = push(phone, record_change(2, checkin(held, {"token": scanned(server, held)},
                                                    day)))
    assert first["status"] == "applied"
    assert (second["status"], second["reason"]) == ("conflict", "already_checked_in")
    assert "签到过" in second["message"]
    [again] = push(phone, record_change(3, checkin(held, {"token": scanned(server, held)}, day),
                                        record_id))  # the same record: under review
    assert (again["status"], again["reason"]) == ("conflict", "under_review")


def _push_one(phone: Phone, server: Server, body: dict[str, Any]) -> dict[str, Any]:
    answer = server.http.post("/api/v1/sync/push", json={"changes": [body]},
                              headers=phone.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["results"][0]
    return result


def test_check_ins_sent_at_once_through_every_instance_count_once(
        servers: list[Server]) -> None:
    first = servers[0]
    add_cadre(first)
    held, phone, day = meeting(first), cadre_phone(first), day_of(first)
    bodies = [record_change(seq, checkin(held, {"token": scanned(first, held)}, day))
              for seq in range(1, 5)]
    results = at_once([functools.partial(_push_one, phone, servers[i % len(servers)], body)
                       for i, body in enumerate(bodies)])
    assert [r["status"] for r in results].count("applied") == 1
    with first.district.sessions() as session:
        assert meetings.checkin_counts(session) == {held.id: 1}


def test_a_meeting_needs_a_title_a_place_and_a_sensible_time(server: Server) -> None:
    now = int(server.clock())
    for title, place, starts, ends in (("", "会议室", now, now + 60),
                                       ("例会", "", now, now + 60),
                                       ("例会", "会议室", now, now),
                                       ("例会", "会议室", now, now + 13 * 3600),
                                       ("例\u0000会", "会议室", now, now + 60)):
        with pytest.raises(Invalid), server.district.sessions.begin() as session:
            meetings.create_meeting(session, title, place, starts, ends, "admin", now)


def test_the_screen_shows_a_pass_only_inside_the_meetings_time(server: Server) -> None:
    held = meeting(server, before=-600, after=4200)  # begins in ten minutes
    keys = server.district.keys()
    with server.district.sessions() as session:
        assert meetings.current_pass(session, keys, held, int(server.clock())) is None
        shown = meetings.current_pass(session, keys, held, held.starts_at + 45)
        assert shown is not None and shown.renews_in == 30 - (held.starts_at + 45) % 30
        assert shown.code == short_code(held.code_key, held.id, slot_of(held.starts_at + 45))
        assert meetings.current_pass(session, keys, held, held.ends_at + 30) is None


def test_a_returned_check_in_sent_again_for_another_meeting_moves_with_it(
        server: Server) -> None:
    add_cadre(server)
    first, second = meeting(server), meeting(server, title="补开的例会")
    phone, record_id, day = cadre_phone(server), str(uuid.uuid4()), day_of(server)
    push(phone, record_change(1, checkin(first, {"token": scanned(server, first)}, day),
                              record_id))
    with server.district.sessions.begin() as session:
        found = session.get_one(CadreRecord, record_id)
        found.state, found.comment = "returned", "签错了例会"
    moved = checkin(second, {"token": scanned(server, second)}, day) | {"revision": 2}
    [done] = push(phone, record_change(2, moved, record_id))
    assert done["status"] == "applied", done
    with server.district.sessions() as session:
        assert meetings.checkin_counts(session) == {second.id: 1}


def test_typing_code_after_code_is_stopped_after_ten_wrong_ones(server: Server) -> None:
    add_cadre(server)
    held, phone, day = meeting(server), cadre_phone(server), day_of(server)
    right = short_code(held.code_key, held.id, slot_of(server.clock()))
    wrong = [checkin(held, {"code": f"AAAAA{c}"}, day) for c in "ABCDEFGHJK"]
    guesses = push(phone, *(record_change(i, f) for i, f in enumerate(wrong, 1)))
    assert {r["reason"] for r in guesses} == {"wrong_code"}
    [stopped] = push(phone, record_change(11, checkin(held, {"code": right}, day)))
    assert (stopped["status"], stopped["reason"]) == ("rejected", "too_many_wrong_codes")
    [scan] = push(phone, record_change(12, checkin(held, {"token": scanned(server, held)}, day)))
    assert scan["status"] == "applied"  # scanning still works
    server.clock.now += 16 * 60
    assert push(phone, record_change(13, checkin(held, {"code": right}, day)))[0][
        "reason"] == "already_checked_in"
