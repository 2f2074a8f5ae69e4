"""End to end in Chromium (issue 11.3, 11.4, 11.7): the family form after an error, a spouse's
card without the member's title, and 长辈模式 (elder mode) on every member screen.

A real district server (SQLite, demo data: 陈建国, 蓝领之星, two approved family members) and a
phone activated through the UI by the module's fixture; every test starts from that state on
the family tab, so each passes alone. Screenshots go to artifacts/screenshots/ (412 × 915).
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
from tests.browser_support import (
    PHONE,
    free_port,
    launch,
    open_phone,
    running_app,
    screenshot,
    scroll,
    settle,
    type_into,
)
from tests.district_server import DEMO_MEMBER, DistrictServer, district_server

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the font
ELDER_TOUCH = 60  # logical pixels: the smallest touch target in elder mode


@dataclass
class Phone:
    url: str
    page: Page
    district: DistrictServer


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    folder = tmp_path_factory.mktemp("family-form")
    with (sync_playwright() as p, district_server(folder, free_port()) as district,
          ExitStack() as app):
        browser: Browser = launch(p)
        app.callback(browser.close)
        url = app.enter_context(running_app(folder / "phone", free_port(), "--server",
                                            district.url, demo=False))
        page = open_phone(browser, f"{url}/card")
        app.callback(page.close)
        page.get_by_role("button", name="激活会员证").click(timeout=LOAD)
        type_into(page, "会员号", DEMO_MEMBER)
        type_into(page, "激活码", district.new_code())
        page.get_by_role("button", name="激活", exact=True).click()
        page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
        yield Phone(url, page, district)


def open_at(phone: Phone, route: str) -> Page:
    """Open a route by its address, as after a reload."""
    page = phone.page
    page.goto(f"{phone.url}{route}")
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    return page


def family_form(phone: Phone) -> Page:
    page = open_at(phone, "/family")
    page.get_by_role("textbox", name="家属姓名").wait_for(timeout=LOAD)
    return page


def send_button(page: Page) -> Locator:
    return page.get_by_role("button", name="提交申请")


def above_the_bottom_bar(page: Page, target: Locator) -> None:
    """Scrolled to the end, `target` is whole on screen and clear of the bottom bar."""
    scroll(page, 3000)
    settle(page)
    box, bar = target.bounding_box(), page.get_by_role("tablist").bounding_box()
    assert box is not None and bar is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= bar["y"], (box, bar)


def choose_relation(page: Page, relation: str) -> None:
    scroll(page, 3000)  # Flutter hit-tests only what is on screen: the form's end in view
    page.get_by_role("button", name=re.compile("^与您的关系")).click()
    page.get_by_role("button", name=relation, exact=True).click()


def requests_for(district: DistrictServer, name: str) -> list[tuple[str, str, str]]:
    db = District.open(Settings.from_env(district.data_dir), migrate=False)
    try:
        with db.sessions() as session:
            rows = session.scalars(select(FamilyMember).join(
                Member, FamilyMember.member_id == Member.id).where(
                Member.member_no == DEMO_MEMBER, FamilyMember.name == name)).all()
            return [(r.name, r.relation, r.id_last4) for r in rows]
    finally:
        db.close()


def set_elder(phone: Phone, on: bool) -> Page:
    """长辈模式 on or off through settings; the row's name says which it is."""
    page = open_at(phone, "/settings")
    page.get_by_role("button", name=re.compile("^长辈模式")).wait_for(timeout=LOAD)
    state = "已开启" if on else "已关闭"
    wanted = page.get_by_role("button", name=re.compile(f"^长辈模式 · {state}"))
    if not wanted.count():
        page.get_by_role("button", name=re.compile("^长辈模式")).click()
        wanted.wait_for(timeout=LOAD)
    return page


def test_after_an_error_the_corrected_family_form_is_sent(phone: Phone) -> None:
    """Issue 11.3: after 请填写家属姓名 the corrected form sent nothing until a reload."""
    set_elder(phone, False)
    page = family_form(phone)
    above_the_bottom_bar(page, send_button(page))
    send_button(page).click()
    page.get_by_text("请填写家属姓名").wait_for(timeout=LOAD)
    expect(page.get_by_role("button", name="与您的关系：请选择与您的关系")).to_be_visible()
    above_the_bottom_bar(page, send_button(page))  # the messages did not push it under
    screenshot(page, "family-form-errors-zh")
    scroll(page, -3000)
    type_into(page, "家属姓名", "陈小明")
    choose_relation(page, "子女")
    type_into(page, "身份证后4位", "1234")
    expect(page.get_by_text("请填写家属姓名")).to_have_count(0)
    above_the_bottom_bar(page, send_button(page))
    send_button(page).click()
    page.get_by_text("申请已保存在本机", exact=False).wait_for(timeout=LOAD)
    expect(page.get_by_role("textbox", name="家属姓名")).to_have_value("")
    screenshot(page, "family-form-sent-zh")
    # Its row: waiting to send, or — the district is up and the sync quick — already sent.
    # (a sent request's row, with its 撤回 button, is a group named by its texts)
    waiting = page.get_by_text("子女 · 待发送", exact=False)
    sent = page.get_by_role("group", name=re.compile(r"^陈小明\s+子女 · 等待区总工会批准"))
    waiting.or_(sent).first.wait_for(timeout=LOAD)
    for _ in range(60):  # the phone's sync sends it by itself (the district is up)
        if requests_for(phone.district, "陈小明"):
            break
        page.wait_for_timeout(500)
    assert requests_for(phone.district, "陈小明") == [("陈小明", "子女", "1234")]


def test_a_long_name_or_an_emoji_is_refused_under_the_name_with_a_counter(
        phone: Phone) -> None:
    page = family_form(phone)
    type_into(page, "家属姓名", "王" * 41, delay=10)
    page.get_by_text("家属姓名最多40个字，现在是41个").wait_for(timeout=LOAD)
    expect(page.get_by_text("41/40").last).to_be_visible()  # (the first: a live region)
    screenshot(page, "family-form-too-long-zh")
    name = page.get_by_role("textbox", name="家属姓名")
    name.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    page.keyboard.insert_text("王芳\U0001F600")
    page.get_by_text("不能有表情符号", exact=False).wait_for(timeout=LOAD)
    choose_relation(page, "配偶")
    type_into(page, "身份证后4位", "5208")
    above_the_bottom_bar(page, send_button(page))
    send_button(page).click()
    expect(page.get_by_text("不能有表情符号", exact=False)).to_be_visible()
    expect(page.get_by_text("申请已保存在本机", exact=False)).to_have_count(0)
    screenshot(page, "family-form-emoji-zh")
    assert requests_for(phone.district, "王芳\U0001F600") == []


def test_the_spouse_card_shows_no_member_title(phone: Phone) -> None:
    """Issue 11.4: 王喆's card showed 陈建国's 蓝领之星."""
    page = open_at(phone, "/card")
    page.get_by_text("蓝领之星").wait_for(timeout=LOAD)  # the member's own card has it
    family_form(phone).get_by_role("button", name="出示").first.click()
    page.get_by_text("吴中区总工会 家属优惠证").wait_for(timeout=LOAD)
    expect(page.get_by_text("王喆").first).to_be_visible()
    expect(page.get_by_text("蓝领之星")).to_have_count(0)
    screenshot(page, "family-card-no-title-zh")


def touch_size(target: Locator) -> float:
    box = target.bounding_box()
    assert box is not None
    return min(box["width"], box["height"])


def test_elder_mode_enlarges_every_member_screen_and_outlives_a_reload(phone: Phone) -> None:
    """Issue 11.7: one switch in settings; saved on the phone; 返回 named in Chinese."""
    page = set_elder(phone, True)
    assert page.viewport_size == PHONE
    screenshot(page, "elder-settings-zh")
    assert touch_size(page.get_by_role("button", name=re.compile("^长辈模式"))) >= ELDER_TOUCH
    assert touch_size(page.get_by_role("button", name="返回")) >= ELDER_TOUCH
    page = open_at(phone, "/card")  # a reload: the choice was saved
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    screenshot(page, "elder-card-zh")
    for tab in ("会员证", "家属", "景区", "优惠"):
        assert page.get_by_role("tab", name=tab).bounding_box()["height"] >= ELDER_TOUCH  # type: ignore[index]
    page = family_form(phone)
    screenshot(page, "elder-family-zh")
    assert touch_size(page.get_by_role("button", name="出示").first) >= ELDER_TOUCH
    assert touch_size(page.get_by_role("button", name="撤回").first) >= ELDER_TOUCH
    above_the_bottom_bar(page, send_button(page))
    assert touch_size(send_button(page)) >= ELDER_TOUCH
    send_button(page).click()
    page.get_by_text("请填写家属姓名").wait_for(timeout=LOAD)
    above_the_bottom_bar(page, send_button(page))
    screenshot(page, "elder-family-form-zh")
    page.get_by_role("tab", name="景区").click()
    page.get_by_text("木渎古镇四景联票").wait_for(timeout=LOAD)
    screenshot(page, "elder-spots-zh")
    open_at(phone, "/family").get_by_role("button", name="出示").first.click()
    page.get_by_text("吴中区总工会 家属优惠证").wait_for(timeout=LOAD)
    screenshot(page, "elder-family-card-zh")
    set_elder(phone, False)
