"""Importing the member registry from CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from district import audit
from district.errors import Invalid
from district.registry.importer import ImportReport, import_members
from district.registry.members_csv import CsvRejected
from district.service import District
from district.tables import Member, Union
from tests.district_support import csv_bytes
from tests.fakes import NOW

GOOD = (
    "WZ0001,陈建国,3317,WZ-MD,木渎精工机械工会,蓝领之星;劳动模范,active",
    "WZ0002,王秀英,123x,wz-ds,东山旅游公司工会,,",
    "WZ0003,李明,0001,WZ-KFQ,开发区光电工会,蓝领之友,暂停",
)


def run_import(d: District, data: bytes, now: int = NOW) -> ImportReport:
    with d.sessions.begin() as session:
        return import_members(session, data, "test", now)


def members(d: District) -> dict[str, Member]:
    with d.sessions() as session:
        return {m.member_no: m for m in session.scalars(select(Member))}


def count(d: District, model: type[Member] | type[Union]) -> int:
    with d.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_good_file_creates_members_with_unions_titles_and_status(district: District) -> None:
    report = run_import(district, csv_bytes(*GOOD))
    assert (report.created, report.updated, report.unions_created) == (3, 0, 3)
    found = members(district)
    assert found["WZ0001"].title_list == ("蓝领之星", "劳动模范")
    assert (found["WZ0002"].id_last4, found["WZ0002"].town_id) == ("123X", "WZ-DS")
    assert (found["WZ0002"].status, found["WZ0003"].status) == ("active", "suspended")


def test_bad_rows_are_reported_by_line_column_and_reason_and_nothing_is_written(
        district: District) -> None:
    data = csv_bytes(GOOD[0], "WZ0002,,12345,WZ-XX,工会,,", "WZ0001,重复,3317,WZ-MD,工会,,",
                     "WZ0004,少一列,3317,WZ-MD", "WZ 5,王五,3317,WZ-MD,工会,,gone")
    with pytest.raises(CsvRejected) as caught:
        run_import(district, data)
    found = {(p.line, p.column) for p in caught.value.problems}
    assert found == {(3, "name"), (3, "id_last4"), (3, "town_id"), (4, "member_no"), (5, "-"),
                     (6, "member_no"), (6, "status")}
    assert ("第 3 行，town_id 列：没有这个镇（街道、开发区）：WZ-XX / "
            "line 3, column town_id: unknown town id: WZ-XX") in map(str, caught.value.problems)
    assert "nothing was written" in str(caught.value)
    assert (count(district, Member), count(district, Union)) == (0, 0)


def test_a_header_without_a_required_column_is_refused_at_line_one(district: District) -> None:
    with pytest.raises(CsvRejected) as caught:
        run_import(district, csv_bytes("WZ1,陈,3317", header="member_no,name,id_last4,colour"))
    assert {(p.line, p.column) for p in caught.value.problems} == {
        (1, "town_id"), (1, "union_name"), (1, "colour")}


def test_reimporting_updates_members_and_creates_no_duplicates(district: District) -> None:
    run_import(district, csv_bytes(*GOOD))
    again = run_import(district, csv_bytes(*GOOD), NOW + 60)
    changed = run_import(district, csv_bytes(GOOD[0].replace("陈建国", "陈建华"), *GOOD[1:]),
                         NOW + 120)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (changed.created, changed.updated) == (0, 1)
    assert count(district, Member) == 3
    assert count(district, Union) == 3
    assert members(district)["WZ0001"].name == "陈建华"
    assert members(district)["WZ0001"].updated_at == NOW + 120


def test_gbk_files_from_chinese_offices_and_excel_utf8_with_bom_are_read(
        district: District) -> None:
    run_import(district, csv_bytes(GOOD[0], encoding="gbk"))
    run_import(district, b"\xef\xbb\xbf" + csv_bytes(GOOD[1]))
    found = members(district)
    assert found["WZ0001"].name == "陈建国"
    assert found["WZ0002"].name == "王秀英"


def test_a_file_in_neither_utf8_nor_gbk_is_refused_in_words(district: District) -> None:
    with pytest.raises(Invalid, match="UTF-8 or GBK"):
        run_import(district, b"member_no,name\n\x81\x20\xff\xfe\n")


def test_the_import_is_in_the_audit_log(district: District) -> None:
    run_import(district, csv_bytes(*GOOD))
    with district.sessions() as session:
        [entry] = audit.recent(session, action="members.import")
        assert (entry.actor, entry.at) == ("test", NOW)
        assert audit.details_of(entry)["created"] == 3
