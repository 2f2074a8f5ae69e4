"""Cadres, key enterprises, mentors and needy-worker files at the district (SPEC §10), on
SQLite and PostgreSQL: what is refused and why, the 3-worker limit, and what each cadre's phone
would pull — only what a visit needs, never the household notes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cadre_wire import NEEDY_WORKER, PROFILE
from district.cadres import needy, people, profile_feed
from district.cadres.enterprises import EnterpriseForm, edit_enterprise
from district.cadres.needy_fields import RELIEVED, normal_phone, read_fields
from district.errors import Conflict, Invalid
from district.feed import changelog
from district.feed.tables import SyncLogEntry
from district.registry import importer
from district.registry.towns import TownNames
from district.service import District
from tests.cadre_registry_support import (
    HOUSEHOLD,
    MEMBERS,
    MODEL_WORKER,
    NATIONAL_MODEL,
    NOT_A_MODEL,
    add_cadre,
    add_workers,
    pulled,
    seed_members,
    worker_fields,
)
from tests.district_support import csv_bytes
from tests.fakes import NOW


@pytest.fixture
def seeded(district: District) -> District:
    with district.sessions.begin() as session:
        seed_members(session)
    return district


def test_a_new_cadre_s_phone_gets_their_profile_with_enterprise_and_mentor(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
    with seeded.sessions() as session:
        got = pulled(session, cadre)[(PROFILE, "GB0101")]
    assert got.op == "upsert" and got.fields is not None
    enterprise = got.fields["enterprise"]
    assert (got.fields["name"], got.fields["department"]) == ("周文华", "区总工会办公室")
    assert (enterprise["name"], enterprise["town"], enterprise["union"]) == (
        "木渎精工机械有限公司", "木渎镇", "木渎精工机械工会")
    assert got.fields["mentor"] == {"name": "沈卫国", "member_no": MODEL_WORKER,
                                    "titles": ["劳动模范", "蓝领之星"]}


def test_a_member_without_a_model_worker_title_is_refused_as_mentor_in_words(
        seeded: District) -> None:
    with pytest.raises(Invalid) as refused, seeded.sessions.begin() as session:
        add_cadre(session, mentor_no=NOT_A_MODEL)
    assert "钱小红（WZ9002）不是劳动模范" in refused.value.zh and "蓝领之星" in refused.value.zh


def test_a_national_labour_model_and_a_mentor_outside_the_registry_are_mentors(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        first = add_cadre(session, "GB0101", mentor_no=NATIONAL_MODEL)
        second = people.add_cadre(session, "gb0102", people.CadreForm(
            "沈丽华", "组织部", None, "", "顾阿根"), "test", NOW)
    with seeded.sessions() as session:
        mentors = [pulled(session, c)[(PROFILE, c.cadre_no)].fields for c in (first, second)]
    assert [m["mentor"] for m in mentors if m] == [
        {"name": "何建平", "member_no": NATIONAL_MODEL, "titles": ["全国劳模"]},
        {"name": "顾阿根", "member_no": None, "titles": []}]
    assert second.cadre_no == "GB0102"


@pytest.mark.parametrize("number", ["", "GB 01", "干部1", "G" * 33])
def test_a_cadre_number_must_be_letters_digits_or_hyphens(seeded: District,
                                                          number: str) -> None:
    with pytest.raises(Invalid), seeded.sessions.begin() as session:
        people.add_cadre(session, number, people.CadreForm("周文华", "办公室"), "test", NOW)


def test_a_cadre_number_is_taken_once(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        add_cadre(session)
    with pytest.raises(Conflict) as taken, seeded.sessions.begin() as session:
        people.add_cadre(session, "gb0101", people.CadreForm("别人", "办公室"), "test", NOW)
    assert "GB0101 已经有人使用" in taken.value.zh


def test_a_fourth_needy_worker_is_refused_and_one_out_of_hardship_frees_the_place(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
        ids = add_workers(session, "GB0101", 3)
    with pytest.raises(Conflict) as full, seeded.sessions.begin() as session:
        add_workers(session, "GB0101", 1, first=3)
    assert "已联系 3 名在档困难职工" in full.value.zh
    with seeded.sessions.begin() as session:
        needy.edit_worker(session, ids[0], worker_fields("职工0", "13900000000", RELIEVED),
                          "GB0101", "test", NOW)
        [fourth] = add_workers(session, "GB0101", 1, first=3)
    with seeded.sessions() as session:
        on_phone = pulled(session, cadre)
        kept = needy.get_worker(session, ids[0])
        assert [w.id for w in needy.assigned(session, cadre.id)] == [ids[1], ids[2], fourth]
    assert kept.cadre_id == cadre.id  # 脱困 keeps the assignment row
    assert on_phone[(NEEDY_WORKER, str(ids[0]))].op == "tombstone"
    assert on_phone[(NEEDY_WORKER, str(fourth))].op == "upsert"


def test_reassigning_a_worker_moves_them_from_one_phone_to_the_other(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        first, second = add_cadre(session, "GB0101"), add_cadre(session, "GB0102")
        [worker] = add_workers(session, "GB0101", 1)
        needy.edit_worker(session, worker, worker_fields("职工0", "13900000000"), "GB0102",
                          "test", NOW)
    with seeded.sessions() as session:
        old, new = pulled(session, first), pulled(session, second)
    assert old[(NEEDY_WORKER, str(worker))].op == "tombstone"
    assert new[(NEEDY_WORKER, str(worker))].fields == {
        "name": "职工0", "union": "木渎精工机械工会", "town": "木渎镇", "phone": "13900000000",
        "category": "因病"}


def test_a_cadre_who_leaves_gives_back_their_workers_and_takes_no_more(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
        ids = add_workers(session, "GB0101", 2)
        released = needy.cadre_leaves(session, "GB0101", "test", NOW + 60)
    assert [w.id for w in released] == ids
    with seeded.sessions() as session:
        on_phone = pulled(session, cadre)
        assert {needy.get_worker(session, i).cadre_id for i in ids} == {None}
    assert {on_phone[(NEEDY_WORKER, str(i))].op for i in ids} == {"tombstone"}
    with pytest.raises(Conflict) as left, seeded.sessions.begin() as session:
        add_workers(session, "GB0101", 1, first=5)
    assert "已离开" in left.value.zh


def test_editing_the_enterprise_reaches_the_phones_of_its_cadres(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
        assert cadre.enterprise_id is not None
        edit_enterprise(session, cadre.enterprise_id, EnterpriseForm(
            "苏州精工机械股份有限公司", "WZ-LZ", "精工工会"), "test", NOW)
    with seeded.sessions() as session:
        got = pulled(session, cadre)[(PROFILE, "GB0101")].fields
    assert got and got["enterprise"]["name"] == "苏州精工机械股份有限公司"
    assert got["enterprise"]["town"] == "甪直镇"


def test_no_cadre_scope_ever_carries_household_notes(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        add_cadre(session, "GB0101")
        add_cadre(session, "GB0102")
        ids = add_workers(session, "GB0101", 3)
        needy.edit_worker(session, ids[0], worker_fields("职工0", "13900000000"), "GB0102",
                          "test", NOW)
        needy.edit_worker(session, ids[1], worker_fields("职工1", "13900000001", RELIEVED),
                          "GB0101", "test", NOW)
    with seeded.sessions() as session:
        entries = list(session.scalars(select(SyncLogEntry).where(
            SyncLogEntry.scope.like("cadre:%"))))
    workers = [json.loads(e.fields) for e in entries if e.entity == NEEDY_WORKER and e.fields]
    assert len(workers) == 2
    assert all(set(w) == {"name", "union", "town", "phone", "category"} for w in workers)
    assert not any(HOUSEHOLD[:6] in (e.fields or "") for e in entries)


@pytest.mark.parametrize(("typed", "kept"), [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"), ("0512-66881234", "0512-66881234"),
    ("(0512) 66881234", "051266881234"), ("010 65123456", "01065123456"),
    ("６６８８１２３４", "66881234")])
def test_a_phone_number_is_a_mobile_or_a_landline(typed: str, kept: str) -> None:
    assert normal_phone(typed) == kept


@pytest.mark.parametrize("typed", ["", "1381234567", "23812345678", "12345", "51266881234",
                                   "1.38123E+10", "电话"])
def test_anything_else_is_refused_as_a_phone_number(typed: str) -> None:
    towns = TownNames({"木渎": "WZ-MD"}, {"WZ-MD": "木渎镇"})
    values = {"name": "张秀英", "union_name": "工会", "town_id": "木渎", "phone": typed,
              "category": "因病", "household": "", "status": ""}
    _fields, problems = read_fields(values, towns)
    assert [p.field for p in problems] == ["phone"]


def test_a_mentor_renamed_by_the_registry_import_reaches_the_cadre_s_phone(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
    renamed = MEMBERS[0].replace("沈卫国", "沈卫东").replace("劳动模范;蓝领之星", "全国劳动模范")
    with seeded.sessions.begin() as session:
        importer.import_members(session, csv_bytes(renamed), "test", NOW + 60)
    with seeded.sessions() as session:
        got = pulled(session, cadre)[(PROFILE, "GB0101")].fields
    assert got and got["mentor"] == {"name": "沈卫东", "member_no": MODEL_WORKER,
                                     "titles": ["全国劳动模范"]}


def test_publishing_a_cadre_afresh_logs_their_profile_and_only_the_workers_on_their_phone(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
        ids = add_workers(session, "GB0101", 2)
        needy.edit_worker(session, ids[1], worker_fields("职工1", "13900000001", RELIEVED),
                          "GB0101", "test", NOW)
    with seeded.sessions() as session:
        before = changelog.newest_cursor(session)
    with seeded.sessions.begin() as session:
        profile_feed.cadre_published(session, cadre)
    with seeded.sessions() as session:
        fresh = changelog.read(session, [changelog.cadre_scope(cadre.id)], before, 100)
    assert [(e.entity, e.record_id) for e in fresh] == [(PROFILE, "GB0101"),
                                                        (NEEDY_WORKER, str(ids[0]))]


def test_changing_one_of_a_full_cadre_s_workers_keeps_them_with_the_cadre(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        cadre = add_cadre(session)
        ids = add_workers(session, "GB0101", 3)
        needy.edit_worker(session, ids[2], worker_fields("职工2", "0512-66881234"), "GB0101",
                          "test", NOW)
    with seeded.sessions() as session:
        got = pulled(session, cadre)[(NEEDY_WORKER, str(ids[2]))]
    assert got.fields and got.fields["phone"] == "0512-66881234"
