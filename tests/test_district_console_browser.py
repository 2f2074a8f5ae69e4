"""The console in Debian's Chromium: sign in, find a demo member, make an activation code.

Screenshots at 1280×800 go to artifacts/screenshots/console-*.png; only requests to
127.0.0.1 leave the browser (no CDN, no fonts from the net).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from district.settings import Settings
from tests.browser_support import SHOTS, launch
from tests.console_support import CLERK, MUDU_MEMBER, Console, _serve
from tests.district_support import PASSPHRASE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sqlite_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    data = tmp_path_factory.mktemp("console-browser") / "data"
    yield from _serve(Settings(data, f"sqlite:///{data / 'district.db'}", PASSPHRASE))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def _local_only(route: Route) -> None:
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    else:
        route.abort()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"console-{name}.png"))


def test_a_clerk_signs_in_finds_a_member_and_makes_an_activation_code(
        sqlite_console: Console, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", _local_only)
    page.goto(f"{sqlite_console.url}/console/members")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.get_by_label("用户名").fill(CLERK[0])
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不对")
    shot(page, "login")
    page.get_by_label("密码").fill(CLERK[1])
    page.get_by_role("button", name="登录").click()
    page.get_by_label("会员号、姓名或工会名称").fill("陈建国")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("link", name=MUDU_MEMBER)).to_be_visible()
    shot(page, "search")
    page.get_by_role("link", name=MUDU_MEMBER).click()
    expect(page.get_by_role("heading", name=re.compile("陈建国"))).to_be_visible()
    shot(page, "member")
    page.get_by_role("link", name="生成激活码").first.click()
    page.get_by_role("button", name="生成激活码").click()
    expect(page.locator("#activation-code")).to_have_text(re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$"))
    shot(page, "code")
    page.get_by_role("link", name="返回会员页面").click()
    page.get_by_role("link", name="打印").first.click()
    expect(page.locator(".printed img")).to_have_js_property("complete", True)
    shot(page, "print")
    page.close()
