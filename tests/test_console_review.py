"""The console's review queue, record page, "五个一" matrix, not-applicable cells, CSV downloads and
printable diaries (district/console/pages_review.py, pages_compliance.py), as a reviewer uses
them in a browser — and closed to a town clerk."""

from __future__ import annotations

import datetime as dt
import re

from app.duties import Duty
from district.cadres.tables import CadreRecord
from tests.cadre_rows import add_cadre, add_record, add_worker, new_revision, noon
from tests.console_support import ADMIN, CLERK, Console, csrf, hidden, signed_in

REVIEW = ("review", "demo-review-2014")
YEAR = dt.date.today().year  # the console's clock is the real one
D = dt.date


def _cadre(console: Console, cadre_no: str, name: str = "张建华") -> int:
    with console.district.sessions.begin() as session:
        return add_cadre(session, cadre_no, name).id


def test_a_town_clerk_neither_sees_nor_opens_the_review(console: Console) -> None:
    with signed_in(console, CLERK) as http:
        assert "五个一" not in http.get("/console/members").text
        for path in ("/console/review", "/console/compliance", "/console/records.csv"):
            assert http.get(path).status_code == 403
    with signed_in(console, REVIEW) as http:
        nav = http.get("/console/members").text
        assert 'href="/console/review"' in nav and 'href="/console/compliance"' in nav


def test_the_queue_shows_submitted_records_oldest_first_and_filters(console: Console) -> None:
    with console.district.sessions.begin() as session:
        cadre = add_cadre(session, "Q001", "排队甲")
        add_record(session, cadre, Duty.WORK_DAY, D(YEAR, 3, 2), first_submitted_at=noon(
            D(YEAR, 3, 5)), record_id="q-late")
        add_record(session, cadre, Duty.MENTOR_CONTACT, D(YEAR, 2, 2), first_submitted_at=noon(
            D(YEAR, 2, 3)), record_id="q-early")
        add_record(session, cadre, Duty.WORK_DAY, D(YEAR, 1, 2), "approved", record_id="q-done")
    with signed_in(console, REVIEW) as http:
        page = http.get("/console/review", params={"cadre": "Q001"}).text
        shown = re.findall(r'href="/console/review/(q-[a-z]+)"', page)
        assert shown == ["q-early", "q-late"]
        only = http.get("/console/review", params={"cadre": "Q001", "duty": "work_day",
                                                    "month": f"{YEAR}-03"}).text
        assert re.findall(r'href="/console/review/(q-[a-z]+)"', only) == ["q-late"]
        assert "月份应写作" in http.get("/console/review", params={"month": "March"}).text


def test_a_record_shows_every_revision_and_is_approved_from_its_page(console: Console) -> None:
    report = "调研发现：" + "车间通风不足，" * 300
    with console.district.sessions.begin() as session:
        cadre = add_cadre(session, "R001", "审核乙")
        add_record(session, cadre, Duty.ENTERPRISE_VISIT, D(YEAR, 3, 2), revisions=2,
                   content={"report": report, "topics": "安全生产"}, record_id="r-two")
    with signed_in(console, REVIEW) as http:
        page = http.get("/console/review/r-two").text
        assert "第 1 版" in page and "第 2 版" in page and "调研报告" in page
        assert "车间通风不足" in page and 'class="long"' in page
        assert http.post("/console/review/r-two/approved",
                         data={"revision": "2"}).status_code == 403  # no CSRF token
        answer = http.post("/console/review/r-two/approved",
                           data={"csrf": hidden(page, "csrf"), "revision": "2"})
        assert answer.status_code == 303
        after = http.get("/console/review/r-two").text
        assert "已通过" in after and "review" in after and "重新打开" in after


def test_returning_without_a_comment_says_so_and_changes_nothing(console: Console) -> None:
    with console.district.sessions.begin() as session:
        add_record(session, add_cadre(session, "R002"), Duty.WORK_DAY, D(YEAR, 3, 2),
                   record_id="r-ret")
    with signed_in(console, ADMIN) as http:
        token = csrf(http, "/console/review/r-ret")
        empty = http.post("/console/review/r-ret/returned",
                          data={"csrf": token, "revision": "1", "comment": " "})
        assert empty.status_code == 422 and "请写明意见" in empty.text
        done = http.post("/console/review/r-ret/returned",
                         data={"csrf": token, "revision": "1", "comment": "请补充体会"})
        assert done.status_code == 303
    with console.district.sessions() as session:
        record = session.get(CadreRecord, "r-ret")
        assert record is not None and (record.state, record.comment) == ("returned", "请补充体会")


def test_a_revision_pushed_while_the_page_was_open_is_not_approved(console: Console) -> None:
    with console.district.sessions.begin() as session:
        add_record(session, add_cadre(session, "R003"), Duty.WORK_DAY, D(YEAR, 3, 2),
                   record_id="r-moved")
    with signed_in(console, REVIEW) as http:
        token = csrf(http, "/console/review/r-moved")
        with console.district.sessions.begin() as session:
            record = session.get(CadreRecord, "r-moved")
            assert record is not None
            new_revision(session, record, {"work_done": "改过的"}, noon(D(YEAR, 3, 3)))
        answer = http.post("/console/review/r-moved/approved",
                           data={"csrf": token, "revision": "1"})
        assert answer.status_code == 409 and "第 2 版" in answer.text


def test_the_matrix_reads_in_words_and_symbols_and_leads_to_its_records(
        console: Console) -> None:
    with console.district.sessions.begin() as session:
        cadre = add_cadre(session, "M001", "矩阵丙")
        add_worker(session, cadre, "周桂芳")
        add_record(session, cadre, Duty.WORK_DAY, D(YEAR, 1, 9), "approved", record_id="m-jan")
    with signed_in(console, REVIEW) as http:
        page = http.get("/console/compliance", params={"year": YEAR}).text
        for words in ("已完成", "未完成", "不适用", "待审核", "已退回", "从未同步"):
            assert words in page
        cell = f"/console/compliance/cell/M001/work_day/{YEAR}-01"
        assert f'href="{cell}?subject="' in page and "✓" in page
        assert "m-jan" in http.get(cell).text


def test_a_cell_is_marked_not_applicable_with_a_reason_from_the_matrix(
        console: Console) -> None:
    _cadre(console, "M002", "请假丁")
    cell = f"/console/compliance/cell/M002/mentor_contact/{YEAR}-02"
    with signed_in(console, REVIEW) as http:
        token = csrf(http, cell)
        missing = http.post(cell, data={"csrf": token, "reason": ""})
        assert missing.status_code == 422 and "原因" in missing.text
        assert http.post(cell, data={"csrf": token, "reason": "产假"}).status_code == 303
        shown = http.get(cell).text
        assert "现为不适用，原因：产假" in shown
        matrix = http.get("/console/compliance", params={"year": YEAR}).text
        assert "不适用：产假" in matrix
        audit = http.get("/console/audit").text
        assert "设为不适用，原因：产假" in audit


def test_the_downloads_are_csv_for_excel(console: Console) -> None:
    with console.district.sessions.begin() as session:
        add_record(session, add_cadre(session, "X001", "导出戊"), Duty.WORK_DAY,
                   D(YEAR, 3, 2), "approved", record_id="x-one")
    with signed_in(console, REVIEW) as http:
        matrix = http.get("/console/compliance.csv", params={"period": f"{YEAR}-03"})
        records = http.get("/console/records.csv", params={"cadre": "X001"})
    assert matrix.headers["content-type"].startswith("text/csv")
    assert matrix.content.startswith("\ufeff干部编号".encode())
    assert f"X001,导出戊,当好一天工人,{YEAR}-03" in matrix.content.decode()
    assert records.content.startswith("\ufeff记录编号".encode())
    assert "x-one,X001,导出戊,当好一天工人" in records.content.decode()


def test_a_cadre_s_diaries_of_a_year_print(console: Console) -> None:
    with console.district.sessions.begin() as session:
        cadre = add_cadre(session, "P001", "日记己")
        for month, text in ((5, "五月在装配线"), (2, "二月在仓库")):
            add_record(session, cadre, Duty.WORK_DAY, D(YEAR, month, 3), "approved",
                       content={"work_done": text, "hours": 8})
        add_record(session, cadre, Duty.MENTOR_CONTACT, D(YEAR, 3, 3), "approved",
                   content={"learned": "不是日记"})
    with signed_in(console, REVIEW) as http:
        page = http.get("/console/cadres/P001/diaries", params={"year": YEAR}).text
    assert page.index("二月在仓库") < page.index("五月在装配线")
    assert "不是日记" not in page and "window.print()" in page


def test_the_matrix_and_a_record_read_in_english_too(console: Console) -> None:
    with console.district.sessions.begin() as session:
        add_record(session, add_cadre(session, "E001", "英文庚"), Duty.MENTOR_CONTACT,
                   D(YEAR, 1, 9), "approved", content={"way": "电话", "learned": "安全规程"},
                   record_id="e-one")
    with signed_in(console, REVIEW) as http:
        http.cookies.set("up_lang", "en")
        matrix = http.get("/console/compliance", params={"year": YEAR}).text
        record = http.get("/console/review/e-one").text
    for words in ("Legend", "done late", "overdue", "not applicable", "mentor contact", "Jan"):
        assert words in matrix
    assert "What was learned" in record and "Reopen (return)" in record
