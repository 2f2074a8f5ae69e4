"""End to end in Chromium: a clerk's activation code from the console activates a fresh phone.

A real district (`python -m district demo` + `serve`, SQLite in a temporary folder). In a
1280×800 console page the demo admin signs in, finds 陈建国 (WZ2014012345), makes an activation
code and the test reads it off the page. A phone-sized page on the app (no demo card, pointed at
the district) types the member number and that code, and shows 陈建国's card with a QR. The QR,
read from the screenshot, verifies with the lists the phone pinned; back in the console the member
page now lists the phone card with that serial and the activated phone.

Screenshots: artifacts/screenshots/e2e-console-code.png and e2e-phone-card.png.
"""

from __future__ import annotations

import re
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

import storage
from app.demo import verifier_from
from app.models import CardKind
from tests.browser_support import (
    SHOTS,
    free_port,
    launch,
    open_phone,
    read_qr,
    running_app,
    type_into,
)
from tests.district_server import DEMO_MEMBER, district_server

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms
ADMIN = ("admin", "demo-admin-2014")
CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$")


def console_code(browser: Browser, district_url: str) -> tuple[Page, str]:
    """Sign in as the admin, make a code on the member page; the page (back on the member) and
    the code as shown."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
        "http://127.0.0.1:") else route.abort())
    page.goto(f"{district_url}/console/members")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.get_by_label("用户名").fill(ADMIN[0])
    page.get_by_label("密码").fill(ADMIN[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_label("会员号、姓名或工会名称").fill(DEMO_MEMBER)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=DEMO_MEMBER).click()
    expect(page.get_by_role("heading", name=re.compile("陈建国"))).to_be_visible()
    expect(page.get_by_text("还没有在手机上激活。")).to_be_visible()
    page.get_by_role("link", name="生成激活码").first.click()
    page.get_by_role("button", name="生成激活码").click()
    shown = page.locator("#activation-code")
    expect(shown).to_have_text(CODE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-console-code.png"))
    code = shown.inner_text().strip()
    page.get_by_role("link", name="返回会员页面").click()
    expect(page.get_by_text("还没有在手机上激活。")).to_be_visible()
    return page, code


def activate_phone(browser: Browser, app_url: str, code: str) -> tuple[str, float]:
    """Activate the fresh phone with `code`; the card's QR text and when it was read."""
    page = open_phone(browser, f"{app_url}/card")
    page.get_by_text("本机还没有会员证").wait_for(timeout=LOAD)
    page.get_by_role("button", name="激活会员证").click()
    for label, value in (("会员号", DEMO_MEMBER), ("激活码", code)):
        type_into(page, label, value)
    page.get_by_role("button", name="激活", exact=True).click()
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国")).to_be_visible()
    text = read_qr(page, "e2e-phone-card")
    read_at = time.time()
    page.close()
    return text, read_at


def test_a_code_from_the_console_activates_the_phone_card(tmp_path: Path) -> None:
    with sync_playwright() as p, district_server(tmp_path, free_port()) as district:
        browser = launch(p)
        try:
            console, code = console_code(browser, district.url)
            data_dir = tmp_path / "phone"
            with ExitStack() as app:
                url = app.enter_context(running_app(data_dir, free_port(), "--server",
                                                    district.url, demo=False))
                text, read_at = activate_phone(browser, url, code)
            # The app has stopped (it holds the device store): verify with what it pinned.
            with storage.open_device(data_dir) as device:
                pinned = device.trust.load()
            assert pinned is not None and pinned.trust_list is not None
            assert pinned.status_list is not None
            verdict = verifier_from(pinned).verify(text, read_at)
            assert verdict.valid, verdict.reason
            assert (verdict.kind, verdict.name) == (CardKind.MEMBER, "陈建国")
            assert verdict.serial is not None and verdict.serial > 0

            console.reload()  # the member page, opened before the phone activated
            expect(console.get_by_role("heading", name=re.compile("陈建国"))).to_be_visible()
            cards = console.locator("table.list").first
            phone_card = cards.locator("tr", has=console.get_by_role(
                "cell", name=str(verdict.serial), exact=True))
            expect(phone_card).to_contain_text("手机卡")
            expect(phone_card).to_contain_text("有效")
            devices = console.locator("h2", has_text="已激活的手机").locator(
                "xpath=following-sibling::table[1]")
            expect(devices.locator("tbody tr")).to_have_count(1)
            expect(devices.locator("tbody tr")).to_contain_text("工会通")
            expect(devices.locator("tbody tr")).to_contain_text("使用中")
            console.close()
        finally:
            browser.close()
