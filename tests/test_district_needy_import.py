"""Importing needy-worker files from a clerk's spreadsheet (SQLite and PostgreSQL): UTF-8 with
or without BOM, GB18030 and .xlsx are read; every problem is named by line, column and reason
as the member import names them; and nothing is written while there is one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cadre_wire import NEEDY_WORKER
from district import audit
from district.cadres import needy, people
from district.cadres.needy_import import import_workers
from district.cadres.tables import NeedyWorker
from district.feed import changelog
from district.registry.problems import CsvRejected
from district.service import District
from tests.cadre_registry_support import add_cadre, add_workers, pulled, seed_members
from tests.district_support import xlsx_bytes
from tests.fakes import NOW

HEADER = "姓名,所在工会,镇/街道,手机号码,困难类别,家庭情况,状态,联系干部(干部编号)"
ROWS = ('张秀英,木渎精工机械工会,木渎镇,13912345601,因病,"丈夫透析，女儿读初二",在档,GB0101',
        "刘建军,木渎纺织工会,木渎,0512-66281234,失业,,,gb0101",
        "陈小梅,东山旅游工会,WZ-DS,13806201234,子女就学,单亲,脱困,")


def sheet(*rows: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    if encoding == "xlsx":
        cells: list[list[object]] = [[c.strip('"') for c in line.split(",")]
                                     for line in (header, *rows)]
        return xlsx_bytes(*cells)
    return ("\r\n".join((header, *rows)) + "\r\n").encode(encoding)


@pytest.fixture
def seeded(district: District) -> District:
    with district.sessions.begin() as session:
        seed_members(session)
        add_cadre(session, "GB0101")
        add_cadre(session, "GB0102", "沈丽华")
    return district


def refused(district: District, data: bytes) -> list[tuple[int, str, str]]:
    """The problems (line, column, Chinese reason) of a refused file."""
    with pytest.raises(CsvRejected) as caught, district.sessions.begin() as session:
        import_workers(session, data, "admin", NOW)
    return [(p.line, p.column, p.zh) for p in caught.value.problems]


def files(district: District) -> int:
    with district.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(NeedyWorker)) or 0)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "xlsx"])
def test_a_clerk_s_file_is_read_in_any_encoding_excel_saves(seeded: District,
                                                           encoding: str) -> None:
    with seeded.sessions.begin() as session:
        report = import_workers(session, sheet(*ROWS, encoding=encoding), "admin", NOW)
    with seeded.sessions() as session:
        cadre = people.cadre_by_no(session, "GB0101")
        names = [w.name for w in needy.assigned(session, cadre.id)]
        on_phone = pulled(session, cadre)
        rows = needy.worker_rows(session)
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    assert names == ["张秀英", "刘建军"]
    assert sum(entity == NEEDY_WORKER for entity, _ in on_phone) == 2
    assert {(r.name, r.town, r.phone, r.status) for r in rows} >= {
        ("刘建军", "木渎镇", "0512-66281234", "在档"), ("陈小梅", "东山镇", "13806201234", "脱困")}


def test_the_same_file_again_changes_nothing_and_a_changed_row_updates_its_file(
        seeded: District) -> None:
    with seeded.sessions.begin() as session:
        import_workers(session, sheet(*ROWS), "admin", NOW)
    with seeded.sessions() as session:
        cursor = changelog.newest_cursor(session)
    with seeded.sessions.begin() as session:
        again = import_workers(session, sheet(*ROWS), "admin", NOW)
    with seeded.sessions() as session:
        assert changelog.newest_cursor(session) == cursor
    changed = ROWS[2].replace("子女就学", "其他").replace("脱困,", "在档,GB0102")
    with seeded.sessions.begin() as session:
        update = import_workers(session, sheet(*ROWS[:2], changed), "admin", NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (update.created, update.updated, update.unchanged) == (0, 1, 2)
    assert files(seeded) == 3


def test_every_problem_is_named_by_line_column_and_reason_and_nothing_is_written(
        seeded: District) -> None:
    problems = refused(seeded, sheet(
        "张秀英,木渎工会,木渎镇,1391234560,因病,,在档,",
        "刘建军,木渎工会,木渎镇,13912345602,生病,,在档,",
        "陈小梅,东山工会,火星镇,13912345603,失业,,在档,",
        "王国良,甪直工会,甪直镇,13912345604,因残,,在档,GB9999",
        "吴秀兰,光福工会,光福镇,13912345605,其他,,离开,",
        "张秀英,木渎工会,木渎镇,1391234560,因病,,在档,",
        "徐阿妹,胥口工会,胥口镇,13912345607,其他,,在档"))
    assert [(line, column) for line, column, _ in problems] == [
        (2, "手机号码"), (3, "困难类别"), (4, "镇/街道"), (5, "联系干部(干部编号)"),
        (6, "状态"), (7, "手机号码"), (7, "手机号码"), (8, "-")]
    reasons = [reason for _, _, reason in problems]
    assert "11 位手机号" in reasons[0] and "因病 / 因残 / 子女就学 / 失业 / 其他" in reasons[1]
    assert "火星镇" in reasons[2] and "没有这个干部编号：GB9999" in reasons[3]
    assert "与第 2 行是同一人" in reasons[6] and "该行有 7 列，应为 8 列" in reasons[7]
    assert files(seeded) == 0
    with seeded.sessions() as session:
        assert audit.recent(session, action="needy.import") == []


def test_a_file_giving_a_cadre_a_fourth_worker_is_refused_whole(seeded: District) -> None:
    with seeded.sessions.begin() as session:
        add_workers(session, "GB0101", 2)
    new = ("甲,工会,木渎,13900000011,因病,,在档,GB0101",
           "乙,工会,木渎,13900000012,因病,,在档,GB0101")
    problems = refused(seeded, sheet(*new))
    moved = "职工0,木渎精工机械工会,木渎镇,13900000000,因病,,在档,GB0102"  # frees a place
    with seeded.sessions.begin() as session:
        report = import_workers(session, sheet(*new, moved), "admin", NOW)
    assert [(line, column) for line, column, _ in problems] == [(3, "联系干部(干部编号)")]
    assert "周文华（GB0101）最多联系 3 名在档困难职工" in problems[0][2]
    assert (report.created, report.updated) == (2, 1)


def test_a_missing_column_and_a_cadre_who_left_are_named(seeded: District) -> None:
    without_phone = refused(seeded, sheet("张秀英,工会,木渎,因病,,在档,",
                                          header=HEADER.replace("手机号码,", "")))
    with seeded.sessions.begin() as session:
        needy.cadre_leaves(session, "GB0102", "admin", NOW)
    left = refused(seeded, sheet("张秀英,工会,木渎,13900000011,因病,,在档,GB0102"))
    assert without_phone[0][:2] == (1, "phone") and "缺少这一列" in without_phone[0][2]
    assert left == [(2, "联系干部(干部编号)", "干部 沈丽华（GB0102）已离开，不能再分配")]
