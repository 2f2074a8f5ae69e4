"""End to end in Chromium (SPEC §6, issues 4 and 11.1): a change made while the district is away
waits on the phone and arrives by itself once the district is back — also after a reload.

A real district server (SQLite, demo data, approvals by a clerk) and a phone activated with a code
from it before its app starts. The district stops; the member asks for a family card for 陈小明;
the page and the sync strip say it waits to be sent and that the server cannot be reached. The
member reloads the page (the tab's Flet session reconnects: its sync listener must come back).
The district starts again on the same port and data; without a tap, the strip says all is sent
and the family list shows the request as the district has it (waiting for approval). The
district's database holds exactly one 陈小明 for the member. Tapping the strip opens the sync
page. Each test runs alone as well as after the others.

The app probes an unreachable district every second (`UNIONPASS_SYNC_PROBE=1`), so the request
goes out within seconds of the restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from sqlalchemy import select

from district.service import District
from district.settings import Settings
from district.tables import FamilyMember, Member
from main import PROBE_ENV
from tests.browser_support import (
    free_port,
    launch,
    open_phone,
    running_app,
    screenshot,
    scroll,
    type_into,
)
from tests.district_server import DEMO_MEMBER, DistrictServer, district_server

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the font
ARRIVE = 30_000  # ms: the district is up; the next probe (every second) finds it
NAME = "陈小明"


@dataclass
class Phone:
    url: str
    page: Page
    district: DistrictServer

    def open(self, route: str) -> Page:
        """Type the route's address (a page load: the tab's session reconnects)."""
        self.page.goto(f"{self.url}{route}")
        return accessible(self.page)


def accessible(page: Page) -> Page:
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    return page


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    folder = tmp_path_factory.mktemp("sync")
    with (pytest.MonkeyPatch.context() as env, sync_playwright() as p,
          district_server(folder, free_port()) as district, ExitStack() as app):
        env.setenv(PROBE_ENV, "1")  # running_app hands os.environ to the app
        district.activate_phone(folder / "phone")
        browser: Browser = launch(p)
        app.callback(browser.close)
        url = app.enter_context(running_app(folder / "phone", free_port(), "--server",
                                            district.url, demo=False))
        page = open_phone(browser, f"{url}/card")
        app.callback(page.close)
        yield Phone(url, page, district)


@pytest.fixture
def district_back(phone: Phone) -> Iterator[DistrictServer]:
    """The district, serving again after the test whatever the test did to it."""
    try:
        yield phone.district
    finally:
        if phone.district.proc is None:
            phone.district.start()


def relation_dropdown(page: Page) -> Locator:
    """The 与您的关系 dropdown: its label is not in Flutter's accessibility tree (an unnamed
    button), so it is the first button after the form's hint (the name field comes between)."""
    return page.get_by_text("每位会员最多可为4位家属申请", exact=False).locator(
        "xpath=following::flt-semantics[@role='button'][1]")


def strip(page: Page, text: str) -> None:
    """Wait until the sync strip at the top of the tab says `text`."""
    page.get_by_text(text, exact=False).first.wait_for(timeout=ARRIVE)


def ask_for_a_family_card(page: Page, name: str) -> None:
    page.get_by_role("tab", name="家属").click()
    type_into(page, "家属姓名", name)
    relation_dropdown(page).click()
    page.get_by_role("button", name="子女", exact=True).click()
    type_into(page, "身份证后4位", "1234")
    scroll(page, 600)
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("申请已保存在本机", exact=False).wait_for(timeout=LOAD)
    scroll(page, -3000)


def held_by_the_district(district: DistrictServer, name: str) -> list[FamilyMember]:
    opened = District.open(Settings.from_env(district.data_dir), migrate=False)
    try:
        with opened.sessions() as session:
            return list(session.scalars(
                select(FamilyMember).join(Member, FamilyMember.member_id == Member.id)
                .where(Member.member_no == DEMO_MEMBER, FamilyMember.name == name)))
    finally:
        opened.close()


def test_a_request_made_offline_arrives_by_itself_even_after_a_reload(
        phone: Phone, district_back: DistrictServer) -> None:
    page = phone.open("/card")
    page.get_by_text("陈建国").wait_for(timeout=LOAD)
    district_back.stop()
    ask_for_a_family_card(page, NAME)
    row = page.get_by_text(re.compile(f"^{NAME}"))
    expect(row).to_be_visible()
    expect(page.get_by_text("子女 · 待发送", exact=False)).to_be_visible()
    strip(page, "1 条待发送")
    strip(page, "暂时连不上服务器")  # the background sync has tried and failed
    expect(page.get_by_text("全部已发送", exact=False)).to_have_count(0)
    screenshot(page, "sync-offline-zh")

    page.reload()  # the member reloads while the district is away
    accessible(page)
    strip(page, "1 条待发送")
    district_back.start()  # same port, same data folder
    strip(page, "全部已发送")  # the reloaded page heard the sync
    expect(page.get_by_text("暂时连不上服务器", exact=False)).to_have_count(0)
    # A row with a button (撤回) is one labelled group in Flutter's accessibility tree.
    arrived = page.get_by_role("group", name=re.compile(f"^{NAME}\\s+子女 · 等待区总工会批准"))
    arrived.wait_for(timeout=ARRIVE)
    expect(page.get_by_text("待发送", exact=False)).to_have_count(0)
    expect(page.get_by_role("group", name=re.compile(f"^{NAME}\\s"))).to_have_count(1)
    screenshot(page, "sync-arrived-zh")

    held = held_by_the_district(district_back, NAME)
    assert [(r.relation, r.id_last4) for r in held] == [("子女", "1234")]


def test_tapping_the_strip_opens_the_sync_page(phone: Phone) -> None:
    page = phone.open("/family")
    page.get_by_role("button", name=re.compile("^同步详情")).click()
    page.get_by_role("button", name="立即同步").wait_for(timeout=LOAD)
    expect(page.get_by_role("tab", name="家属")).to_have_count(0)
    expect(page.get_by_text(re.compile("全部已发送|条待发送")).first).to_be_visible()
    screenshot(page, "sync-page-zh")
