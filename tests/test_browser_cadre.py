"""End to end in Chromium, offline: a phone whose data folder holds a cadre enrollment (no
district running) opens the cadre tab on the 五个一 dashboard with this month's duties due,
writes a work-day diary, leaves it and comes back to find the draft as typed, submits it, and
sees it waiting to be sent. Screenshots (412×915) go to artifacts/screenshots/cadre-*.png."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

import storage
from app.chinatime import china_date
from tests.browser_support import (
    free_port,
    launch,
    open_phone,
    running_app,
    screenshot,
    scroll,
    type_into,
)
from tests.cadre_phone_support import CADRE_CODE, CadreDistrict, cadre_phone
from tests.fakes import Clock

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: the first load compiles the renderer and fetches the font
AWAY = "http://127.0.0.1:9"  # the district's address: nothing answers there


def provision(data_dir: Path) -> None:
    """A cadre enrollment (and its three needy workers) in the phone's data folder, made by the
    app's own enrollment against a fake district that is then gone."""
    now = time.time()
    district = CadreDistrict(now=now)
    with storage.open_device(data_dir) as device:
        station = cadre_phone(device, district, Clock(now))
        station.enroll(CADRE_CODE, AWAY)
        district.assign()
        assert station.sync.sync().error is None


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    data_dir = tmp_path_factory.mktemp("cadre") / "data"
    provision(data_dir)
    with sync_playwright() as p, running_app(data_dir, free_port(), demo=False) as url:
        browser = launch(p)
        try:
            page = open_phone(browser, f"{url}/cadre")
            page.set_extra_http_headers({})
            setattr(page, "app_url", url)  # noqa: B010 — where `leave` comes back to
            yield page
        finally:
            browser.close()


def month_end() -> str:
    today = china_date(time.time())
    last = calendar.monthrange(today.year, today.month)[1]
    return dt.date(today.year, today.month, last).isoformat()


def leave_and_come_back(page: Page) -> None:
    """Leave the app (the page goes) and open the cadre tab again, as after a reload."""
    page.goto(f"{getattr(page, 'app_url')}/cadre")  # noqa: B009
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")


def tap_text(page: Page, text: str) -> None:
    page.get_by_text(text).first.click(timeout=LOAD)


def test_an_offline_cadre_writes_a_diary_leaves_comes_back_and_submits(page: Page) -> None:
    page.get_by_text("当好一天工人").first.wait_for(timeout=LOAD)
    expect(page.get_by_text(f"待完成，截止 {month_end()}").first).to_be_visible()
    expect(page.get_by_text("周敏 · 干部编号 GB0007")).to_be_visible()
    screenshot(page, "cadre-dashboard-zh")

    tap_text(page, "当好一天工人")
    type_into(page, "企业", "苏州精工机械")
    type_into(page, "做了哪些工作", "跟班装配减速机")
    expect(page.get_by_text("已保存", exact=False).first).to_be_visible(timeout=LOAD)
    screenshot(page, "cadre-diary-draft-zh")

    leave_and_come_back(page)
    page.get_by_text("有草稿", exact=False).first.wait_for(timeout=LOAD)
    screenshot(page, "cadre-dashboard-draft-zh")
    tap_text(page, "草稿（1）")
    tap_text(page, "第 1 版")  # the draft's row (the dashboard beneath has the duty's name)
    screenshot(page, "cadre-diary-reopened-zh")
    scroll(page, 3000)  # Flutter hit-tests only what is on screen: the button in view
    page.get_by_role("button", name="提交").click(timeout=LOAD)
    page.get_by_text("待发送：联网后自动发送").wait_for(timeout=LOAD)
    expect(page.get_by_text("已提交，待审核").first).to_be_visible()
    # what was typed before leaving is what was submitted (the locked record shows it)
    expect(page.get_by_text("苏州精工机械", exact=True)).to_be_visible()
    expect(page.get_by_text("跟班装配减速机", exact=True)).to_be_visible()
    scroll(page, -3000)
    screenshot(page, "cadre-diary-submitted-zh")
    # back to the dashboard as a screen reader activates 返回 (its accessibility node)
    page.get_by_role("button", name="返回", exact=True).evaluate("node => node.click()")
    page.get_by_text("1 条待发送", exact=False).first.wait_for(timeout=LOAD)
    screenshot(page, "cadre-dashboard-waiting-zh")
