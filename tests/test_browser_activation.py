"""End to end in Chromium: a real district server (SQLite, demo data) and a fresh phone.

The clerk makes a one-time code (as the console does); the member opens the app with no card,
goes to the activation screen, types the member number and code, and sees the card. Its QR,
read off the screen, verifies with the lists the phone pinned. Then the district goes away and
activating again says "cannot reach the district server" in words, with the card still there.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

import storage
from app.demo import demo_verifier
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
class Phone:
    url: str
    page: Page
    district: DistrictServer
    data_dir: Path
    stop_app: ExitStack
    read: dict[str, tuple[str, float]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    folder = tmp_path_factory.mktemp("activation")
    with sync_playwright() as p, district_server(folder, free_port()) as district:
        browser: Browser = launch(p)
        app = ExitStack()
        data_dir = folder / "phone"
        url = app.enter_context(running_app(data_dir, free_port(), "--server", district.url,
                                            demo=False))
        page = open_phone(browser, f"{url}/card")
        app.callback(page.close)
        try:
            yield Phone(url, page, district, data_dir, app)
        finally:
            app.close()
            browser.close()


def submit(page: Page, member_no: str, code: str) -> None:
    type_into(page, "会员号", member_no)
    type_into(page, "激活码", code)
    page.get_by_role("button", name="激活", exact=True).click()


def test_a_fresh_phone_offers_activation(phone: Phone) -> None:
    page = phone.page
    page.get_by_text("本机还没有会员证").wait_for(timeout=LOAD)
    screenshot(page, "activate-empty-card")
    page.get_by_role("button", name="激活会员证").click()
    page.get_by_role("textbox", name="激活码").wait_for(timeout=LOAD)
    expect(page.get_by_role("textbox", name="区总工会服务器地址")).to_be_visible()
    screenshot(page, "activate-form")


def test_the_code_activates_and_the_card_shows(phone: Phone) -> None:
    page = phone.page
    submit(page, DEMO_MEMBER, phone.district.new_code())
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国")).to_be_visible()
    expect(page.get_by_text("蓝领之星")).to_be_visible()
    phone.read["card"] = (read_qr(page, "activate-card"), time.time())


def test_the_family_cards_came_with_the_activation(phone: Phone) -> None:
    page = phone.page
    page.get_by_role("tab", name="家属").click()
    page.get_by_role("button", name=re.compile("^王喆 配偶")).wait_for(timeout=LOAD)
    expect(page.get_by_role("button", name=re.compile("^陈德明 父亲"))).to_be_visible()
    page.get_by_role("textbox", name="家属姓名").wait_for(timeout=LOAD)
    screenshot(page, "activate-family")


def test_with_the_district_down_activation_says_so_and_the_card_stays(phone: Phone) -> None:
    page = phone.page
    phone.district.stop()
    page.goto(f"{phone.url}/activate")
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    page.get_by_role("textbox", name="激活码").wait_for(timeout=LOAD)
    submit(page, DEMO_MEMBER, "ABCD-EFGH")
    page.get_by_text("无法连接区总工会服务器", exact=False).wait_for(timeout=LOAD)
    screenshot(page, "activate-unreachable")
    page.goto(f"{phone.url}/card")
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国")).to_be_visible()


def test_the_qr_on_screen_verifies_with_the_lists_the_phone_pinned(phone: Phone) -> None:
    """Runs last: stops the app (it holds the device store) and verifies the QR read earlier."""
    text, read_at = phone.read["card"]
    phone.stop_app.close()
    with storage.open_device(phone.data_dir) as device:
        verdict = demo_verifier(device.trust, lambda: read_at)(text)
        pinned = device.trust.load()
    assert verdict.valid, verdict.reason
    assert (verdict.kind, verdict.name) == (CardKind.MEMBER, "陈建国")
    assert pinned is not None and pinned.trust_list is not None
