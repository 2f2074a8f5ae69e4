"""End to end in Chromium: a real district server (SQLite, demo data) and a phone.

The clerk makes a one-time code (as the console does); the member opens the app with no card,
goes to the activation screen, types the member number and code, and sees the card. Its QR,
read off the screen, verifies with the lists a window downloads from the district; the family
cards came with it. Then, on a phone already activated, the district goes away and activating
again says "cannot reach the district server" in words, with the card still there.

Each test has a phone of its own (a data folder and an app), so each runs alone as well as
after the other; the district and the browser are shared.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.models import CardKind
from tests.browser_support import (
    free_port,
    launch,
    open_phone,
    read_qr,
    running_app,
    screenshot,
    type_into,
)
from tests.district_server import DEMO_MEMBER, DistrictServer, district_server

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms


@dataclass
class Shared:
    browser: Browser
    district: DistrictServer
    folder: Path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp("activation")
    with sync_playwright() as p, district_server(folder, free_port()) as district:
        browser = launch(p)
        try:
            yield Shared(browser, district, folder)
        finally:
            browser.close()


PhoneOpener = Callable[[str], AbstractContextManager[Page]]


@pytest.fixture
def phone(shared: Shared, tmp_path: Path) -> PhoneOpener:
    """`with phone(route) as page`: this test's phone app, its page open on `route`."""

    @contextmanager
    def opened(route: str) -> Iterator[Page]:
        with running_app(tmp_path / "phone", free_port(), "--server", shared.district.url,
                         demo=False) as url:
            page = open_phone(shared.browser, f"{url}{route}")
            try:
                yield page
            finally:
                page.close()

    return opened


def submit(page: Page, member_no: str, code: str) -> None:
    type_into(page, "会员号", member_no)
    type_into(page, "激活码", code)
    page.get_by_role("button", name="激活", exact=True).click()


def test_a_fresh_phone_activates_with_a_code_and_a_window_accepts_its_card(
        shared: Shared, phone: PhoneOpener) -> None:
    with phone("/card") as page:
        page.get_by_text("本机还没有会员证").wait_for(timeout=LOAD)
        screenshot(page, "activate-empty-card")
        page.get_by_role("button", name="激活会员证").click()
        page.get_by_role("textbox", name="激活码").wait_for(timeout=LOAD)
        expect(page.get_by_role("textbox", name="区总工会服务器地址")).to_be_visible()
        screenshot(page, "activate-form")

        submit(page, DEMO_MEMBER, shared.district.new_code())
        page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
        expect(page.get_by_text("陈建国")).to_be_visible()
        expect(page.get_by_text("蓝领之星")).to_be_visible()
        verdict = shared.district.window_verifier().verify(read_qr(page, "activate-card"),
                                                           time.time())
        assert verdict.valid, verdict.reason
        assert (verdict.kind, verdict.name) == (CardKind.MEMBER, "陈建国")

        page.get_by_role("tab", name="家属").click()  # the family cards came with it
        # each family row reads as one named row: the name, then the relation
        page.get_by_label(re.compile(r"^王喆\s+配偶 · WZ2")).wait_for(timeout=LOAD)
        expect(page.get_by_label(re.compile(r"^陈德明\s+父亲 · WZ2"))).to_be_visible()
        page.get_by_role("textbox", name="家属姓名").wait_for(timeout=LOAD)
        screenshot(page, "activate-family")


def test_with_the_district_down_activation_says_so_and_the_card_stays(
        shared: Shared, phone: PhoneOpener, tmp_path: Path) -> None:
    district = shared.district
    district.activate_phone(tmp_path / "phone")
    with phone("/activate") as page:
        district.stop()
        try:
            page.get_by_role("textbox", name="激活码").wait_for(timeout=LOAD)
            submit(page, DEMO_MEMBER, "ABCD-EFGH")
            page.get_by_text("无法连接区总工会服务器", exact=False).wait_for(timeout=LOAD)
            screenshot(page, "activate-unreachable")
            page.goto(page.url.split("/activate")[0] + "/card")  # the member opens the card
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
            page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
            page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
            expect(page.get_by_text("陈建国")).to_be_visible()
        finally:
            district.start()
