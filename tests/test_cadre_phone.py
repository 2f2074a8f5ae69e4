"""The cadre's side of a phone (app/cadre_*): enrollment with a key of its own beside a member
card, drafts that survive the app being killed, submit → the cadre's outbox → the district,
a returned record made editable as the next revision, and conflicts told in words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import storage
from app.cadre_content import RecordProblem
from app.cadre_enroll import CadreEnrollRefused, EnrolledCadre
from app.cadre_wire import NEEDY_WORKER, RECORD
from app.district_access import TOKEN, access_of
from app.district_errors import DistrictUnreachable
from app.duties import Duty, RecordState
from app.keys import KeyPair
from app.models import Settings
from storage.memory import in_memory_device
from tests.cadre_phone_support import (
    CADRE_CODE,
    CADRE_NAME,
    CADRE_NO,
    CADRE_TOKEN,
    URL,
    CadreDistrict,
    cadre_phone,
    enrolled_phone,
)
from tests.fakes import Clock

DIARY = {"enterprise": "苏州精工机械", "workshop": "装配二班", "hours": "8",
         "work_done": "跟班装配减速机", "workers_said": "夜班补贴晚发", "reflections": "一线辛苦"}


def test_enrollment_keeps_the_member_card_and_uses_a_key_of_its_own() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    member_key = KeyPair.generate()
    device.keys.save(member_key.private_raw)
    device.settings.save(Settings(server_url=URL, extra={TOKEN: "member-token"}))
    station = cadre_phone(device, district, clock)
    assert not station.is_enrolled()
    assert station.enroll(f" {CADRE_CODE.lower()} ", URL) == EnrolledCadre(CADRE_NO, CADRE_NAME)
    assert station.cadre() == EnrolledCadre(CADRE_NO, CADRE_NAME)
    assert district.enrolled_keys and district.enrolled_keys[0] != member_key.public_raw
    assert device.keys.load() == member_key.private_raw  # the member's side is untouched
    assert access_of(device.settings.load()) is not None
    cadre_access = access_of(device.cadre.settings.load())
    assert cadre_access is not None and cadre_access.device_token == CADRE_TOKEN
    assert device.cadre.trust.load() is not None


def test_a_wrong_code_or_an_absent_district_changes_nothing() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = cadre_phone(device, district, clock)
    with pytest.raises(CadreEnrollRefused) as refused:
        station.enroll("WRONG-1", URL)
    assert "登记码" in refused.value.message("zh")
    with pytest.raises(CadreEnrollRefused):
        station.enroll("  ", URL)
    district.reachable = False
    with pytest.raises(DistrictUnreachable):
        station.enroll(CADRE_CODE, URL)
    assert not station.is_enrolled() and device.cadre.keys.load() is None


def test_a_half_written_diary_survives_the_app_being_killed(tmp_path: Path) -> None:
    district, clock = CadreDistrict(), Clock()
    with storage.open_device(tmp_path) as device:
        station = enrolled_phone(device, district, clock)
        draft = station.book.start(Duty.WORK_DAY)
        station.book.save(draft.record_id, {"enterprise": "苏州精工"})
        station.book.save(draft.record_id, {"work_done": "跟班装配"})
    # the app is gone; it starts again over the same folder
    with storage.open_device(tmp_path) as device:
        again = cadre_phone(device, district, clock)
        drafts = again.book.drafts()
        assert [d.record_id for d in drafts] == [draft.record_id]
        assert drafts[0].current.content == {"enterprise": "苏州精工", "work_done": "跟班装配"}
        assert again.is_enrolled()


def test_submit_puts_revision_one_in_the_outbox_locks_it_and_the_district_gets_it() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    draft = station.book.start(Duty.WORK_DAY)
    station.book.save(draft.record_id, DIARY)
    sent = station.book.submit(draft.record_id)
    assert (sent.state, sent.waiting, sent.editable) == (RecordState.SUBMITTED, True, False)
    [change] = station.sync.pending()
    assert (change.entity, change.record_id) == (RECORD, draft.record_id)
    assert change.fields["revision"] == 1 and change.fields["content"]["hours"] == 8.0
    assert station.sync.status().waiting == 1
    with pytest.raises(RecordProblem):
        station.book.save(draft.record_id, {"reflections": "改一改"})
    assert station.sync.sync().error is None
    assert district.received[0]["duty"] == "work_day"
    shown = station.book.get(draft.record_id)
    assert shown is not None and not shown.waiting and shown.state is RecordState.SUBMITTED


def test_an_incomplete_record_is_refused_with_the_field_and_stays_a_draft() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    draft = station.book.start(Duty.ENTERPRISE_VISIT)
    station.book.save(draft.record_id, {"topics": "用工情况"})
    with pytest.raises(RecordProblem) as problem:
        station.book.submit(draft.record_id)
    assert (problem.value.kind, problem.value.field) == ("missing", "report")
    assert station.sync.pending() == []
    kept = station.book.get(draft.record_id)
    assert kept is not None and kept.editable and kept.current.content == {"topics": "用工情况"}


def test_a_returned_record_shows_the_comment_and_edits_as_revision_two() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    draft = station.book.start(Duty.WORK_DAY)
    station.book.save(draft.record_id, DIARY)
    station.book.submit(draft.record_id)
    station.sync.sync()
    district.review(draft.record_id, RecordState.RETURNED, "请补充车间名称")
    station.sync.sync()
    returned = station.book.get(draft.record_id)
    assert returned is not None
    assert (returned.state, returned.comment, returned.can_revise) == (
        RecordState.RETURNED, "请补充车间名称", True)
    second = station.book.revise(draft.record_id)
    assert (second.current.revision, second.editable) == (2, True)
    assert second.current.content["hours"] == "8"  # back to what one types
    station.book.save(draft.record_id, {"workshop": "装配二班（总装）"})
    station.book.submit(draft.record_id)
    station.sync.sync()
    assert [r["revision"] for r in district.received] == [1, 2]
    kept = station.book.get(draft.record_id)
    assert kept is not None and [r.revision for r in kept.revisions] == [1, 2]
    assert kept.revisions[0].content["workshop"] == "装配二班"  # revision 1 as it was sent


def test_a_conflict_is_told_in_words_and_nothing_is_overwritten() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "电话", "learned": "班组管理"})
    station.book.submit(draft.record_id)
    district.conflict = ("approved", "这条记录已审核通过，不能再修改", "Approved, final")
    station.sync.sync()
    shown = station.book.get(draft.record_id)
    assert shown is not None and shown.conflict is not None
    assert shown.conflict.reason == "approved" and "审核通过" in shown.conflict.message
    assert shown.current.content["learned"] == "班组管理"
    station.book.dismiss_conflict(draft.record_id)
    after = station.book.get(draft.record_id)
    assert after is not None and after.conflict is None and station.sync.parked() == []


def test_a_needy_visit_names_one_of_the_cadres_workers_who_is_forgotten_when_unassigned(
) -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    assert [w.name for w in station.workers()] == sorted(["王秀兰", "李国庆", "陈小妹"])
    with pytest.raises(RecordProblem):
        station.book.start(Duty.NEEDY_VISIT, "NW9")
    visit = station.book.start(Duty.NEEDY_VISIT, "NW1")
    assert visit.current.subject == "NW1"
    district.note(NEEDY_WORKER, "NW1", None)
    station.sync.sync()
    assert "NW1" not in {w.id for w in station.workers()}


def test_another_cadre_enrolling_parks_what_the_last_one_left_unsent() -> None:
    device, district, clock = in_memory_device(), CadreDistrict(), Clock()
    station = enrolled_phone(device, district, clock)
    draft = station.book.start(Duty.MENTOR_CONTACT)
    station.book.save(draft.record_id, {"way": "面谈", "learned": "安全生产"})
    station.book.submit(draft.record_id)
    district.codes["OTHER1"] = "GB0099"
    station.enroll("OTHER1", URL)
    assert station.sync.pending() == [] and len(station.sync.parked()) == 1
    assert dataclasses.replace(station.cadre() or EnrolledCadre("", ""), cadre_name="") == \
        EnrolledCadre("GB0099", "")
