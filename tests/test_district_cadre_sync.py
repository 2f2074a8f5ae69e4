"""A cadre's phone syncs its "五个一" records (SPEC §6, §10) through a real uvicorn on SQLite and
PostgreSQL: records are taken under the review rules (new → submitted; a new revision only
after a return; stale, under review and approved are conflicts with the district's copy), bad
fields are rejected one by one with the reason, and no device reads another's data."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.duties import RecordState
from district.cadres import publish, records
from district.cadres.tables import CadreRecord, CadreRevision
from district.phones.tables import Device
from tests.api_support import Phone, Server, at_once
from tests.cadre_sync_support import (
    OTHER,
    add_cadre,
    cadre_phone,
    diary,
    json_values,
    record,
    record_change,
    sent_fields,
    today,
)
from tests.district_window_support import sale, sale_change, window, with_catalog
from tests.sync_support import activated, change, pull_all, push


def review(server: Server, record_id: str, state: RecordState, comment: str | None) -> None:
    """What a reviewer's decision does to the record (engineer C's review module does this
    with its history): the row locked, its state and comment, published to the phone."""
    with server.district.sessions.begin() as session:
        found = records.locked(session, record_id)
        assert found is not None
        found.state, found.comment = state.value, comment
        found.reviewed_at = int(server.clock())
        publish.record_changed(session, found)


def stored(server: Server, record_id: str) -> tuple[str, int, int]:
    """The record's state and revision at the district, and how many revisions it keeps."""
    with server.district.sessions() as session:
        found = session.get_one(CadreRecord, record_id)
        kept = session.scalar(select(func.count()).select_from(CadreRevision).where(
            CadreRevision.record_id == record_id))
        return found.state, found.revision, int(kept or 0)


def test_a_new_record_is_submitted_and_its_state_reaches_the_phone(server: Server) -> None:
    add_cadre(server)
    phone, record_id = cadre_phone(server), str(uuid.uuid4())
    [done] = push(phone, record_change(1, diary(today(server)), record_id))
    assert done["status"] == "applied", done
    answered = done["server_copy"]
    assert {k: answered[k] for k in ("state", "revision", "comment", "reviewed_at")} == {
        "state": "submitted", "revision": 1, "comment": None, "reviewed_at": None}
    assert answered["record"]["content"] == diary(today(server))["content"]  # as submitted
    [copy] = [c for c in pull_all(phone) if c["entity"] == "cadre_record"]
    assert (copy["record_id"], copy["fields"]["state"]) == (record_id, "submitted")
    with server.district.sessions() as session:
        found = session.get_one(CadreRecord, record_id)
        assert found.first_submitted_at == int(server.clock())
        assert json.loads(found.fields)["content"]["work_done"] == "装配"


def test_a_submitted_record_is_locked_until_returned_then_takes_a_new_revision(
        server: Server) -> None:
    add_cadre(server)
    phone, record_id, day = cadre_phone(server), str(uuid.uuid4()), today(server)
    push(phone, record_change(1, diary(day), record_id))
    [locked] = push(phone, record_change(2, diary(day, revision=2), record_id))
    assert (locked["status"], locked["reason"]) == ("conflict", "under_review")
    assert locked["server_copy"]["state"] == "submitted" and "审核" in locked["message"]
    review(server, record_id, RecordState.RETURNED, "请补充工作内容")
    [stale] = push(phone, record_change(3, diary(day, revision=1), record_id))
    assert (stale["status"], stale["reason"]) == ("conflict", "stale_revision")
    assert stale["server_copy"]["comment"] == "请补充工作内容"
    [again] = push(phone, record_change(4, diary(day, revision=2, work_done="装配、质检"),
                                        record_id))
    assert again["status"] == "applied" and again["server_copy"]["state"] == "submitted"
    assert stored(server, record_id) == ("submitted", 2, 2)
    review(server, record_id, RecordState.APPROVED, None)
    [final] = push(phone, record_change(5, diary(day, revision=3), record_id))
    assert (final["status"], final["reason"]) == ("conflict", "approved")
    assert "审核通过" in final["message"] and stored(server, record_id) == ("approved", 2, 2)


def test_a_5000_character_report_is_accepted(server: Server) -> None:
    add_cadre(server)
    phone, report = cadre_phone(server), "调研报告：" + "企业生产经营情况良好。\n" * 417
    assert len(report) >= 5000
    visit = record("enterprise_visit", {"people_met": "厂长", "report": report}, today(server))
    record_id = str(uuid.uuid4())
    [done] = push(phone, record_change(1, visit, record_id))
    assert done["status"] == "applied", done
    with server.district.sessions() as session:
        kept = json.loads(session.get_one(CadreRecord, record_id).fields)
    assert kept["content"]["report"] == report


BAD: list[tuple[str, dict[str, Any]]] = [
    ("unknown_duty", record("party", {}, "2026-11-18")),
    ("invalid_fields", record("work_day", {"hours": 8}, "18/11/2026")),
    ("invalid_fields", record("work_day", {"hours": 8}, "2026-11-21")),  # three days ahead
    ("invalid_fields", record("work_day", {"salary": 1}, "2026-11-18")),
    ("invalid_fields", record("work_day", {"hours": 25}, "2026-11-18")),
    ("invalid_fields", record("work_day", {"hours": "8"}, "2026-11-18")),
    ("invalid_fields", record("work_day", {"work_done": "x" * 20_001}, "2026-11-18")),
    ("invalid_fields", record("work_day", {"enterprise": "a\nb"}, "2026-11-18")),
    ("invalid_fields", record("work_day", {}, "2026-11-18", subject="7")),
    ("invalid_fields", record("needy_visit", {"help_type": "现金"}, "2026-11-18", "1")),
    ("invalid_fields", record("needy_visit", {"help_fen": -1}, "2026-11-18", "1")),
    ("invalid_fields", record("needy_visit", {"help_fen": 10**9 + 1}, "2026-11-18", "1")),
    ("invalid_fields", record("needy_visit", {"consent": "yes"}, "2026-11-18", "1")),
    ("invalid_fields", record("needy_visit", {"public_summary": "好" * 121}, "2026-11-18",
                              "1")),
    ("invalid_fields", record("needy_visit", {}, "2026-11-18", "")),
    ("invalid_fields", record("mentor_contact", {"way": "写信"}, "2026-11-18")),
    ("invalid_fields", {**diary("2026-11-18"), "revision": 0}),
    ("invalid_fields", {**diary("2026-11-18"), "revision": True}),
]


def test_each_bad_record_is_rejected_alone_with_the_reason_and_the_batch_goes_on(
        server: Server) -> None:
    _cadre, workers = add_cadre(server)
    _other, theirs = add_cadre(server, OTHER, "李芳")
    phone = cadre_phone(server)
    bad = [b for _reason, b in BAD] + [record("needy_visit", {}, today(server), str(theirs[0]))]
    good = record("needy_visit", {"help_type": "慰问金", "help_fen": 50_000, "consent": True,
                                  "consent_way": "书面", "public_summary": "送去慰问金"},
                  today(server), str(workers[0]))
    results = push(phone, *(record_change(i, f) for i, f in enumerate([*bad, good], 1)))
    reasons = [r["reason"] for r in results[:-1]]
    assert reasons == [reason for reason, _b in BAD] + ["not_assigned"]
    assert all(r["status"] == "rejected" and r["message"] and r["message_en"]
               for r in results[:-1])
    assert results[-1]["status"] == "applied"


def test_no_device_reads_another_devices_records_or_member_data(server: Server) -> None:
    with_catalog(server)
    add_cadre(server)
    add_cadre(server, OTHER, "李芳")
    mine, theirs, member = cadre_phone(server), cadre_phone(server, OTHER), activated(server)
    tablet = window(server)
    [ours] = push(mine, record_change(1, diary(today(server))))
    [other] = push(theirs, record_change(1, diary(today(server))))
    assert ours["status"] == other["status"] == "applied"
    seen = pull_all(mine)
    assert {c["entity"] for c in seen} <= {"cadre_record", "meeting", "list", "spot", "ticket"}
    assert len([c for c in seen if c["entity"] == "cadre_record"]) == 1
    for device in (member, tablet):
        entities = {c["entity"] for c in pull_all(device)}
        assert not entities & {"cadre_record", "meeting", "cadre_profile", "needy_worker"}


def test_cadres_members_and_windows_each_push_only_their_own_kind(server: Server) -> None:
    with_catalog(server)
    add_cadre(server)
    cadre, member, tablet = cadre_phone(server), activated(server), window(server)
    serial = member.get("/cards").json()["serial"]
    by_cadre = push(cadre, sale_change(1, sale(serial, server.clock())), change(2),
                    record_change(3, diary(today(server))))
    assert [(r["status"], r["reason"]) for r in by_cadre] == [
        ("rejected", "forbidden"), ("rejected", "forbidden"), ("applied", None)]
    for n, device in enumerate((member, tablet)):
        [refused] = push(device, record_change(5 + n, diary(today(server))))
        assert (refused["status"], refused["reason"]) == ("rejected", "forbidden")


def test_a_record_id_of_another_cadre_is_refused_and_left_as_it_was(server: Server) -> None:
    add_cadre(server)
    add_cadre(server, OTHER, "李芳")
    mine, theirs, record_id = cadre_phone(server), cadre_phone(server, OTHER), str(uuid.uuid4())
    push(mine, record_change(1, diary(today(server)), record_id))
    review(server, record_id, RecordState.RETURNED, "补充")
    [refused] = push(theirs, record_change(1, diary(today(server), revision=2), record_id))
    assert (refused["status"], refused["reason"]) == ("rejected", "forbidden")
    assert stored(server, record_id) == ("returned", 1, 1)


def test_a_revoked_cadre_phone_cannot_push(server: Server) -> None:
    add_cadre(server)
    phone = cadre_phone(server)
    with server.district.sessions.begin() as session:
        session.get_one(Device, phone.answer["device_id"]).revoked_at = int(server.clock())
    answer = phone.send("POST", "/sync/push", {"changes": [record_change(1, diary(
        today(server)))]})
    assert (answer.status_code, answer.json()["error"]) == (401, "unauthorized")


def _push_from(phone: Phone, server: Server, body: dict[str, Any]) -> dict[str, Any]:
    answer = server.http.post("/api/v1/sync/push", json={"changes": [body]},
                              headers=phone.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["results"][0]
    return result


def test_one_record_pushed_at_once_through_every_instance_is_taken_once(
        servers: list[Server]) -> None:
    first = servers[0]
    add_cadre(first)
    phone, record_id, day = cadre_phone(first), str(uuid.uuid4()), today(first)
    bodies = [record_change(seq, diary(day), record_id) for seq in range(1, 5)]
    results = at_once([functools.partial(_push_from, phone, servers[i % len(servers)], b)
                       for i, b in enumerate(bodies)])
    assert [r["status"] for r in results].count("applied") == 1
    assert {r["reason"] for r in results if r["status"] != "applied"} <= {
        "under_review", "seq_not_increasing"}  # a lower seq arriving after a higher one
    assert stored(first, record_id) == ("submitted", 1, 1)


@pytest.mark.parametrize("attempt", range(3))
def test_a_push_and_a_review_at_once_take_their_turns(servers: list[Server],
                                                      attempt: int) -> None:
    first = servers[-1]
    add_cadre(first)
    phone, record_id, day = cadre_phone(first), str(uuid.uuid4()), today(first)
    push(phone, record_change(1, diary(day), record_id))
    pushed, _reviewed = at_once([
        lambda: _push_from(phone, servers[0], record_change(2, diary(day, revision=2),
                                                            record_id)),
        lambda: review(first, record_id, RecordState.RETURNED, f"第 {attempt} 次退回")])
    assert pushed is not None
    state, revision, kept = stored(first, record_id)
    if pushed["status"] == "applied":  # the return came first, then the new revision
        assert (state, revision, kept) == ("submitted", 2, 2)
    else:  # the push found it under review, then it was returned
        assert pushed["reason"] == "under_review"
        assert (state, revision, kept) == ("returned", 1, 1)


def test_dates_are_checked_against_the_districts_day_not_the_phones(server: Server) -> None:
    add_cadre(server)
    phone = cadre_phone(server)
    tomorrow = (dt.date.fromisoformat(today(server)) + dt.timedelta(days=1)).isoformat()
    [done] = push(phone, record_change(1, diary(tomorrow)))
    assert done["status"] == "applied"


FIELDS_SENT = sent_fields(json_values(st.floats(allow_nan=False, allow_infinity=False)))


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(FIELDS_SENT, min_size=1, max_size=10))
def test_whatever_a_cadre_phone_pushes_is_answered_change_by_change(
        server: Server, batch: list[dict[str, Any]]) -> None:
    if not hasattr(server, "cadre"):
        add_cadre(server)
        server.cadre = cadre_phone(server)  # type: ignore[attr-defined]
    phone: Phone = server.cadre  # type: ignore[attr-defined]
    server.clock.now += 1
    first = int(server.clock.now) * 100  # seqs above every earlier example's
    results = push(phone, *(record_change(first + i, f) for i, f in enumerate(batch)))
    assert len(results) == len(batch)
    assert all(r["status"] in ("applied", "rejected", "conflict") for r in results)
    assert all(r["message"] for r in results if r["status"] != "applied")
