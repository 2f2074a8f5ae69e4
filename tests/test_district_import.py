"""Importing the member registry from CSV or .xlsx, as offices export it, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from district import audit
from district.errors import Invalid
from district.registry.importer import ImportReport, check_file, import_members
from district.registry.members_csv import CsvRejected, Rejected
from district.service import District
from district.tables import AuditEntry, Member, Union
from tests.district_support import csv_bytes, xlsx_bytes
from tests.fakes import NOW

GOOD = (
    "WZ0001,陈建国,3317,WZ-MD,木渎精工机械工会,蓝领之星;劳动模范,active",
    "WZ0002,王秀英,123x,wz-ds,东山旅游公司工会,,",
    "WZ0003,李明,0001,WZ-KFQ,开发区光电工会,蓝领之友,暂停",
)


def run_import(d: District, data: bytes, now: int = NOW, scope: str | None = None) -> ImportReport:
    with d.sessions.begin() as session:
        return import_members(session, data, "test", now, scope=scope)


def refused(d: District, data: bytes, scope: str | None = None) -> list[tuple[int, str, str]]:
    """(line, column, reason) of each problem; the import must have written nothing."""
    before = count(d, Member)
    with pytest.raises(CsvRejected) as caught:
        run_import(d, data, scope=scope)
    assert count(d, Member) == before
    return [(p.line, p.column, p.zh) for p in caught.value.problems]


def members(d: District) -> dict[str, Member]:
    with d.sessions() as session:
        return {m.member_no: m for m in session.scalars(select(Member))}


def count(d: District, model: type[Member] | type[Union]) -> int:
    with d.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def stored_text(d: District) -> str:
    """Every member's and every audit entry's stored text, to look for what must not be kept."""
    with d.sessions() as session:
        members = [(m.member_no, m.name, m.id_last4, m.titles) for m in session.scalars(
            select(Member))]
        entries = [(e.subject, e.details) for e in session.scalars(select(AuditEntry))]
    return repr((members, entries))


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
            "line 3, column town_id: no such town: WZ-XX") in map(str, caught.value.problems)
    assert "nothing was written" in str(caught.value)
    assert (count(district, Member), count(district, Union)) == (0, 0)


def test_a_header_without_a_required_column_is_refused_at_line_one_naming_other_spellings(
        district: District) -> None:
    with pytest.raises(CsvRejected) as caught:
        run_import(district, csv_bytes("WZ1,陈,3317,红", header="member_no,name,id_last4,colour"))
    assert {(p.line, p.column) for p in caught.value.problems} == {(1, "town_id"),
                                                                   (1, "union_name")}
    assert "缺少这一列（列名可写作 town_id、town、镇、街道 等）" in str(caught.value.problems)


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


CLERKS_EXPORT = (
    "吴中区总工会会员名册（2026 年 11 月）,,,,,,,",
    ",,,,,,,",
    "序号,会员编号,姓名,性别,身份证后四位,所属工会,镇/街道,荣誉称号",
    "1,WZ0001,陈建国,男,3317,木渎精工机械工会,木渎镇,蓝领之星；劳动模范",
    "2,WZ0002,王秀英,女,123x,东山旅游公司工会,东山,",
    "3,WZ0003,李明,男,0001,开发区光电工会,WZ-KFQ,",
)


def test_a_clerks_export_with_chinese_headers_a_title_row_and_town_names_imports(
        district: District) -> None:
    data = "\n".join(CLERKS_EXPORT).encode("gbk")
    with district.sessions() as session:
        layout = check_file(session, data).layout
    assert {c.header: c.field for c in layout.columns} == {
        "序号": None, "会员编号": "member_no", "姓名": "name", "性别": None,
        "身份证后四位": "id_last4", "所属工会": "union_name", "镇/街道": "town_id",
        "荣誉称号": "titles"}
    report = run_import(district, data)
    assert (report.created, report.unions_created) == (3, 3)
    found = members(district)
    assert [found[n].town_id for n in ("WZ0001", "WZ0002", "WZ0003")] == [
        "WZ-MD", "WZ-DS", "WZ-KFQ"]
    assert found["WZ0001"].title_list == ("蓝领之星", "劳动模范")
    assert found["WZ0002"].id_last4 == "123X"


def test_english_spellings_union_and_town_with_town_names_are_understood(
        district: District) -> None:
    run_import(district, csv_bytes("WZ1,陈建国,3317,木渎工会,吴中区木渎镇",
                                   "WZ2,王秀英,1234,东山工会,ｗｚ－ｄｓ",
                                   header="Member Number,Name,ID_LAST4,Union,Town"))
    assert {n: m.town_id for n, m in members(district).items()} == {"WZ1": "WZ-MD",
                                                                     "WZ2": "WZ-DS"}


def test_a_full_id_number_column_keeps_only_the_last_four(district: District) -> None:
    run_import(district, csv_bytes("WZ1,陈建国,32050619800101331X,木渎工会,木渎",
                                   "WZ2,王秀英,320506800101123,东山工会,东山镇",
                                   header="会员号,姓名,身份证号码,工会,镇"))
    found = members(district)
    assert (found["WZ1"].id_last4, found["WZ2"].id_last4) == ("331X", "1123")
    assert "3205061980" not in stored_text(district)
    assert "32050680" not in stored_text(district)


def test_an_id_number_excel_turned_into_a_number_is_refused_with_what_to_do(
        district: District) -> None:
    data = csv_bytes("WZ1,陈建国,3.20506E+17,木渎工会,木渎", "WZ2,王秀英,3205061980,东山工会,东山",
                     header="会员号,姓名,身份证号,工会,镇")
    [excel, short] = refused(district, data)
    assert excel[:2] == (2, "身份证号") and "Excel" in excel[2] and "文本" in excel[2]
    assert short == (3, "身份证号", "身份证号应为 18 位（末位可为 X）或 15 位数字")


def test_an_xlsx_workbook_with_numbers_in_cells_imports(district: District) -> None:
    data = xlsx_bytes(["会员编号", "姓名", "身份证号", "基层工会", "所属镇", "状态", "入会日期"],
                      [20140001, "陈建国", "32050619800101331X", "木渎精工机械工会", "木渎镇",
                       "在册", datetime(2014, 3, 1)],
                      [20140002, "王秀英", "320506198001011234", "东山旅游公司工会", "东山镇",
                       "暂停", None])
    report = run_import(district, data)
    found = members(district)
    assert report.created == 2
    assert (found["20140001"].id_last4, found["20140002"].status) == ("331X", "suspended")
    assert "3205061980" not in stored_text(district)


def test_an_xlsx_workbook_is_checked_by_row_and_header_and_a_number_id_is_refused(
        district: District) -> None:
    data = xlsx_bytes(["会员编号", "姓名", "身份证号", "工会", "镇"],
                      [20140001, "陈建国", 320506198001011234, "木渎精工机械工会", "木渎"],
                      [20140002, "", "32050619800101123X", "东山旅游公司工会", "西山"])
    with pytest.raises(Rejected) as caught:
        run_import(district, data)
    problems = {(p.line, p.column, p.letter) for p in caught.value.problems}
    assert problems == {(2, "身份证号", "C"), (3, "姓名", "B"), (3, "镇", "E")}
    assert [r.member_no for r in caught.value.preview] == ["20140001", "20140002"]
    assert count(district, Member) == 0


def test_an_old_xls_file_is_refused_with_what_to_do(district: District) -> None:
    with pytest.raises(Invalid, match=r"另存为 \.xlsx"):
        run_import(district, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))


def test_two_columns_meaning_the_same_are_refused_and_other_columns_ignored(
        district: District) -> None:
    data = csv_bytes("WZ1,陈建国,3317,木渎工会,木渎工会,木渎,13800000000",
                     header="会员号,姓名,身份证后四位,工会,所属工会,镇,手机号")
    assert refused(district, data) == [(1, "所属工会", "列名重复（与前面一列表示同一项）")]
    report = run_import(district, csv_bytes("WZ1,陈建国,3317,木渎工会,木渎,13800000000",
                                            header="会员号,姓名,身份证后四位,工会,镇,手机号"))
    assert report.created == 1 and "13800000000" not in stored_text(district)


SHORT = "会员号,姓名,身份证后四位,工会,镇"


def test_a_town_clerks_file_holds_their_own_towns_members_only(district: District) -> None:
    run_import(district, csv_bytes("WZ9,周东山,1111,东山工会,东山", header=SHORT))
    data = csv_bytes("WZ1,陈建国,3317,木渎工会,木渎", "WZ2,王秀英,1234,东山工会,东山",
                     "WZ9,周东山,1111,木渎工会,木渎", header=SHORT)
    assert [p[:2] for p in refused(district, data, "WZ-MD")] == [(3, "镇")]
    fixed = csv_bytes("WZ1,陈建国,3317,木渎工会,木渎", "WZ9,周东山,1111,木渎工会,木渎",
                      header=SHORT)
    assert refused(district, fixed, "WZ-MD") == [
        (3, "会员号", "会员号 WZ9 已是东山镇的会员，本镇不能导入")]
    assert members(district)["WZ9"].town_id == "WZ-DS"


def test_a_town_clerks_file_without_a_town_column_is_their_town(district: District) -> None:
    no_town = SHORT.removesuffix(",镇")
    run_import(district, csv_bytes("WZ1,陈建国,3317,木渎工会", header=no_town), scope="WZ-MD")
    assert members(district)["WZ1"].town_id == "WZ-MD"
    assert refused(district, csv_bytes("WZ2,王,1234,工会", header=no_town)) == [
        (1, "town_id", "缺少这一列（列名可写作 town_id、town、镇、街道 等）")]
