"""End to end in Chromium (SPEC §10, issue 12): a cadre's diary from the phone through the
district's review and back, against a real district.

A real district server (SQLite, demo data: cadre GB0001 周文华) and a phone app (`main.py --web`,
no card) on the cadre tab, 412×915. The phone enrolls in the UI with a code from `python -m
district enroll-cadre GB0001`; the dashboard shows this month's 当好一天工人 due. The district
stops; the cadre writes the diary and submits it: saved, waiting to send. The district starts
again; the diary arrives by itself, once (one record, revision 1, submitted). A reviewer (demo
staff `review`) returns it in the console (1280×900) with a comment; the phone shows the comment
by itself (its long poll answers a cadre's token). The cadre edits and resubmits (revision 2),
the reviewer approves, the dashboard row says 已完成 and the console's matrix cell for this
month is the done colour. One journey, one test.

Screenshots: artifacts/screenshots/cadre-review-*-zh.png (phone), console-cadre-*-zh.png.
"""

from __future__ import annotations

import calendar
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

from app.chinatime import china_date
from district.cadres.tables import CadreRecord
from district.service import District
from district.settings import Settings
from main import PROBE_ENV
from tests.browser_support import (
    SHOTS,
    free_port,
    launch,
    open_phone,
    running_app,
    screenshot,
    scroll,
    type_into,
)
from tests.district_server import ROOT, DistrictServer, district_server

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: the first load compiles the renderer and fetches the font
ARRIVE = 30_000  # ms: the district is back or has news; the phone's sync hears it
CADRE_NO, CADRE_NAME = "GB0001", "周文华"
REVIEWER = ("review", "demo-review-2014")
COMMENT = "请写明跟班的工时"
DONE_COLOUR = "rgb(200, 230, 201)"  # console.css .s-done


@dataclass
class Journey:
    district: DistrictServer
    browser: Browser
    phone_url: str
    demo_records: set[str]  # the demo's own records (district/cli/demo_records.py)


@pytest.fixture
def journey(tmp_path: Path) -> Iterator[Journey]:
    """The demo district served, and a phone app (not enrolled) pointed at it."""
    with (pytest.MonkeyPatch.context() as env, sync_playwright() as p,
          district_server(tmp_path, free_port()) as district, ExitStack() as stack):
        env.setenv(PROBE_ENV, "1")  # running_app hands os.environ to the app
        browser = launch(p)
        stack.callback(browser.close)
        (tmp_path / "phone").mkdir()  # running_app logs beside the data
        url = stack.enter_context(running_app(tmp_path / "phone" / "data", free_port(),
                                              "--server", district.url, demo=False))
        try:
            yield Journey(district, browser, url, {r.id for r in held(district)})
        finally:
            if district.proc is None:
                district.start()  # district_server stops what it started


def cli_code(district: DistrictServer) -> str:
    """`python -m district --data DIR enroll-cadre GB0001`: the code alone on stdout."""
    done = subprocess.run([sys.executable, "-m", "district", "--data", str(district.data_dir),
                           "enroll-cadre", CADRE_NO], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


def held(district: DistrictServer) -> list[CadreRecord]:
    """The district's records."""
    opened = District.open(Settings.from_env(district.data_dir), migrate=False)
    try:
        with opened.sessions() as session:
            return list(session.scalars(select(CadreRecord)))
    finally:
        opened.close()


def held_once(journey: Journey, revision: int) -> CadreRecord:
    """The phone's one record, once the district holds `revision` of it, submitted."""
    deadline = time.monotonic() + ARRIVE / 1000
    while not (found := [r for r in held(journey.district) if r.id not in journey.demo_records]
               ) or found[0].revision < revision:
        assert time.monotonic() < deadline, f"revision {revision} did not arrive"
        time.sleep(0.3)
    assert [(r.duty, r.revision, r.state) for r in found] == [
        ("work_day", revision, "submitted")]
    return found[0]


def month_end() -> str:
    today = china_date(time.time())
    return today.replace(day=calendar.monthrange(today.year, today.month)[1]).isoformat()


def work_day_row(page: Page, state: str) -> None:
    """Wait until the dashboard's 当好一天工人 row says `state` (the row is one node)."""
    page.get_by_text(re.compile(rf"^当好一天工人\s+{re.escape(state)}")).first.wait_for(
        timeout=ARRIVE)


def enrolled_in_the_ui(page: Page, code: str) -> None:
    page.get_by_role("textbox", name="登记码").wait_for(timeout=LOAD)
    type_into(page, "登记码", code)
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_text(f"{CADRE_NAME} · 干部编号 {CADRE_NO}").wait_for(timeout=LOAD)
    work_day_row(page, f"待完成，截止 {month_end()}")
    expect(page.get_by_text("重点企业：木渎精工机械有限公司 · 劳模导师：陈军")).to_be_visible()
    screenshot(page, "cadre-review-dashboard-due-zh")


def submitted_offline(page: Page, district: DistrictServer) -> None:
    district.stop()
    page.get_by_text("当好一天工人").first.click(timeout=LOAD)
    type_into(page, "企业", "木渎精工机械")
    type_into(page, "做了哪些工作", "跟班装配减速机")
    scroll(page, 3000)  # Flutter hit-tests only what is on screen: the button in view
    page.get_by_role("button", name="提交").click(timeout=LOAD)
    page.get_by_text("待发送：联网后自动发送").wait_for(timeout=LOAD)
    expect(page.get_by_text("已提交，待审核").first).to_be_visible()
    scroll(page, -3000)
    screenshot(page, "cadre-review-waiting-zh")


def console(journey: Journey) -> Page:
    page = journey.browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "http://127.0.0.1:") else route.abort())
    page.goto(f"{journey.district.url}/console/review")
    page.get_by_label("用户名").fill(REVIEWER[0])
    page.get_by_label("密码").fill(REVIEWER[1])
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作人员登录")).to_have_count(0)
    return page


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def decided(desk: Page, district: DistrictServer, record_id: str, button: str, shots: str,
            comment: str = "") -> None:
    """The reviewer opens the record from the queue and decides."""
    desk.goto(f"{district.url}/console/review")
    row = desk.locator("table.list tbody tr").filter(
        has=desk.locator(f'a[href="/console/review/{record_id}"]'))  # the demo has its own
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CADRE_NAME)
    expect(row).to_contain_text("当好一天工人")
    shot(desk, f"console-cadre-queue-{shots}-zh")
    row.get_by_role("link", name="查看").click()
    expect(desk.get_by_role("heading", name=re.compile("^当好一天工人"))).to_be_visible()
    assert desk.url.endswith(record_id)
    if comment:
        desk.locator("textarea[name=comment]").fill(comment)
    else:  # revision 2 as the cadre typed it, above revision 1
        newest = desk.locator("section.revision").first
        hours = newest.locator("dt", has_text="时长（小时）").locator(
            "xpath=following-sibling::dd[1]")
        expect(hours).to_have_text("6")
    shot(desk, f"console-cadre-record-{shots}-zh")
    desk.get_by_role("button", name=button, exact=True).click()
    desk.get_by_role("status").wait_for()  # the queue again, saying what was done


def matrix_cell_done(desk: Page, district: DistrictServer) -> None:
    desk.goto(f"{district.url}/console/compliance")
    key = china_date(time.time()).strftime("%Y-%m")
    cell = desk.locator(f'a.cell[href*="/{CADRE_NO}/work_day/{key}?"]')
    expect(cell).to_have_count(1)
    expect(cell).to_have_css("background-color", DONE_COLOUR)
    shot(desk, "console-cadre-matrix-zh")
    desk.locator("div.wide").evaluate("box => box.scrollLeft = box.scrollWidth")  # the rest
    expect(desk.locator("table.matrix thead th", has_text="学习例会")).to_be_in_viewport()
    shot(desk, "console-cadre-matrix-right-zh")


def test_a_diary_written_offline_is_returned_revised_and_approved(journey: Journey) -> None:
    district = journey.district
    page = open_phone(journey.browser, f"{journey.phone_url}/cadre")
    enrolled_in_the_ui(page, cli_code(district))
    submitted_offline(page, district)

    district.start()  # same port, same data folder
    record = held_once(journey, 1)
    expect(page.get_by_text("待发送：联网后自动发送")).to_have_count(0, timeout=ARRIVE)

    desk = console(journey)
    decided(desk, district, record.id, "退回修改", "return", COMMENT)
    page.get_by_text(f"审核意见：{COMMENT}").first.wait_for(timeout=ARRIVE)  # by itself
    expect(page.get_by_text("已退回，请修改").first).to_be_visible()
    screenshot(page, "cadre-review-returned-zh")

    scroll(page, 3000)
    page.get_by_role("button", name="修改后重新提交").click(timeout=LOAD)
    type_into(page, "工作时长（小时）", "6")
    scroll(page, 3000)
    page.get_by_role("button", name="提交").click(timeout=LOAD)
    held_once(journey, 2)

    decided(desk, district, record.id, "通过", "approve")
    page.get_by_role("button", name="返回", exact=True).evaluate("node => node.click()")
    work_day_row(page, "已完成")
    screenshot(page, "cadre-review-dashboard-done-zh")
    matrix_cell_done(desk, district)
