"""End to end in Chromium: the member shows the card, a window's verifier accepts its QR.

The demo member's cards are put on a device in a data folder first (the test keeps the lists
they pinned: a window's verifier), then `main.py --web` serves that device on a free port. Each
test opens the route it needs in one phone-sized page, as a member typing the address or
reloading would, screenshots into artifacts/screenshots/, decodes the QR from the pixels with
zxing-cpp and verifies it at the time it was read. Every test runs alone as well as after the
others (each opens its own route; the app's state is the fixture's).

A reload reconnects the page's Flet session without running the app's main again: after one, on
every route, the QR must keep renewing every 30 s, in each of a phone's tabs (issue 11.1).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

import storage
from app.card import SLOT_SECONDS
from app.demo import provision_demo, verifier_from
from app.models import CardKind, Pinned
from app.verify import Verdict
from tests.browser_support import (
    PHONE,
    _local_only,
    free_port,
    launch,
    read_qr,
    running_app,
    screenshot,
)

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the 9 MB font
TICK = 5_000  # ms: the countdown moves every second; a busy machine may take a few
RENEWED = SLOT_SECONDS + 10.0  # s: the next 30 s slot, and a screenshot or two to see it
QR = "会员证二维码"
MEMBER, FAMILY = "/card", "/family/100002"  # 陈建国's card; his spouse 王喆's family card


@dataclass
class Phone:
    url: str
    context: BrowserContext
    page: Page
    pinned: Pinned

    def open(self, route: str, page: Page | None = None) -> Page:
        """Type the route's address into the tab (a full page load, as after a reload)."""
        shown = page or self.page
        shown.goto(f"{self.url}{route}")
        return accessible(shown)

    def new_tab(self, route: str) -> Page:
        """Another tab of the same browser: a Flet session of its own."""
        page = self.context.new_page()
        page.route("**/*", _local_only)
        return self.open(route, page)

    def verify(self, page: Page, name: str) -> tuple[str, Verdict]:
        """The QR on screen, and what a window with the device's lists says of it right then."""
        text = read_qr(page, name)
        return text, verifier_from(self.pinned).verify(text, time.time())


def accessible(page: Page) -> Page:
    """Switch on Flutter's accessibility tree (after every page load)."""
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    return page


def demo_device(data_dir: Path) -> Pinned:
    """The demo member's cards on a fresh device; the lists it pinned."""
    with storage.open_device(data_dir) as device:
        provision_demo(device.keys, device.cards, device.catalog, device.trust, time.time)
        pinned = device.trust.load()
    assert pinned is not None
    return pinned


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Phone]:
    data_dir = tmp_path_factory.mktemp("phone") / "data"
    pinned = demo_device(data_dir)
    with sync_playwright() as p, running_app(data_dir, free_port(), demo=False) as url:
        browser: Browser = launch(p)
        try:
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            page.route("**/*", _local_only)
            yield Phone(url, context, page, pinned)
        finally:
            browser.close()


def tab(page: Page, name: str) -> None:
    """Move the way a member does: a tab of the bottom bar (no page reload). A click on the
    node itself: Playwright's pointer click waits for the canvas to settle."""
    page.get_by_role("tab", name=name).evaluate("e => e.click()")


def back(page: Page) -> None:
    """The app bar's 返回, tapped where a finger would tap it (Flutter's node for the language
    button overlaps the accessibility node, so the tap goes to the screen's coordinates)."""
    box = page.get_by_role("button", name=re.compile("Back|返回")).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def countdown(page: Page) -> str:
    shown = page.get_by_text(re.compile(r"^\d+ 秒后刷新$"))
    shown.wait_for(timeout=LOAD)
    return shown.text_content() or ""


def assert_ticking(page: Page, where: str) -> None:
    """The countdown under the QR moves: this page's ticker runs."""
    before = countdown(page)
    expect(page.get_by_text(re.compile(r"^\d+ 秒后刷新$")), where).not_to_have_text(
        before, timeout=TICK)


def renewed(phone: Phone, page: Page, before: str, name: str) -> tuple[str, Verdict]:
    """Read the QR until it differs from `before` (the 30 s slot moved on)."""
    deadline = time.monotonic() + RENEWED
    while True:
        text, verdict = phone.verify(page, name)
        if text != before:
            return text, verdict
        assert time.monotonic() < deadline, f"{name}: the QR did not renew"
        page.wait_for_timeout(500)


def test_the_member_card_shows_name_and_a_large_qr_the_window_accepts(phone: Phone) -> None:
    page = phone.open(MEMBER)
    qr = page.get_by_role("img", name=QR)
    qr.wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国")).to_be_visible()
    expect(page.get_by_text("吴中区总工会 会员证")).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 300
    _, verdict = phone.verify(page, "card-zh")
    assert verdict.valid, verdict.reason
    assert (verdict.kind, verdict.name) == (CardKind.MEMBER, "陈建国")


def test_a_family_card_opens_from_the_list_and_the_window_accepts_it(phone: Phone) -> None:
    page = phone.open("/family")
    page.get_by_role("button", name="出示").first.wait_for(timeout=LOAD)
    screenshot(page, "family-zh")
    page.get_by_role("button", name="出示").first.click()
    page.get_by_role("img", name=QR).wait_for(timeout=LOAD)
    expect(page.get_by_text("吴中区总工会 家属优惠证")).to_be_visible()
    _, verdict = phone.verify(page, "family-card-zh")
    assert verdict.valid, verdict.reason
    assert verdict.kind is CardKind.FAMILY
    back(page)
    page.get_by_role("tab", name="家属").wait_for(timeout=LOAD)


def test_spots_and_savings_render(phone: Phone) -> None:
    page = phone.open("/spots")
    page.get_by_text("木渎古镇四景联票").wait_for(timeout=LOAD)
    expect(page.get_by_text("¥39.78")).to_be_visible()
    screenshot(page, "spots-zh")
    tab(page, "优惠")
    page.get_by_text("还没有优惠购票记录").wait_for(timeout=LOAD)
    screenshot(page, "savings-zh")
    # A screen reader activates the gear by its name (its accessibility node, not a point).
    page.get_by_role("button", name="设置", exact=True).evaluate("node => node.click()")
    page.get_by_text("使用身份").wait_for(timeout=LOAD)
    screenshot(page, "settings-zh")
    page.get_by_role("button", name="返回", exact=True).evaluate("node => node.click()")
    page.get_by_role("tab", name="会员证", selected=True).wait_for(timeout=LOAD)


def test_switching_to_english_and_back(phone: Phone) -> None:
    page = phone.open(MEMBER)
    page.get_by_role("img", name=QR).wait_for(timeout=LOAD)
    page.get_by_role("button", name="English").click()
    try:
        page.get_by_text("Wuzhong Union Member Card").wait_for(timeout=LOAD)
        expect(page.get_by_text("吴中区总工会 会员证")).to_have_count(0)
        page.get_by_role("img", name="Member card QR code").wait_for(timeout=LOAD)
        _, verdict = phone.verify(page, "card-en")
        assert verdict.valid, verdict.reason
        assert verdict.kind is CardKind.MEMBER
    finally:
        page.get_by_role("button", name="中文").click()  # the language is saved on the device
    page.get_by_text("吴中区总工会 会员证").wait_for(timeout=LOAD)
    expect(page.get_by_text("Wuzhong Union Member Card")).to_have_count(0)


# Where each route leaves the member, and how they get to a card from there.
CARD_ROUTES = {"/": "会员证", MEMBER: "会员证", "/family/100003": "家属优惠证",
               FAMILY: "家属优惠证"}
TAB_ROUTES = {"/family": "家属", "/spots": "景区", "/savings": "优惠"}
PUSHED_ROUTES = ("/settings", "/sync", "/activate", "/window", "/cadre")


def test_after_a_reload_on_any_route_every_tab_keeps_renewing_its_qr(phone: Phone) -> None:
    """Issue 11.1: reloaded, a card's QR froze (the window said 二维码已过时 / 截图无效).

    A page load reconnects the tab's Flet session: to another route, or to the same one (a
    reload). A second tab, opened first and left alone, renews too."""
    second = phone.new_tab(MEMBER)
    try:
        second_before, _ = phone.verify(second, "tab-2")
        page = phone.page
        for route in (*TAB_ROUTES, *PUSHED_ROUTES):
            phone.open(route)
            # The page first shows what its session showed before the load: act once the
            # route's own screen is there.
            if route in TAB_ROUTES:
                page.get_by_role("tab", name=TAB_ROUTES[route], selected=True).wait_for(
                    timeout=LOAD)
                tab(page, "会员证")
            else:
                page.get_by_role("button", name=re.compile("Back|返回")).wait_for(timeout=LOAD)
                back(page)
            assert_ticking(page, f"loaded on {route}, then the card")
        for route in CARD_ROUTES:
            phone.open(route)
            page.reload()
            accessible(page)
            page.get_by_text(f"吴中区总工会 {CARD_ROUTES[route]}").wait_for(timeout=LOAD)
            assert_ticking(page, f"reloaded on {route}")
            first_before, verdict = phone.verify(page, "reloaded")
            assert verdict.valid, f"reloaded on {route}: {verdict.reason}"
        _, first = renewed(phone, page, first_before, "reloaded-renewed")
        _, other = renewed(phone, second, second_before, "tab-2-renewed")
    finally:
        second.close()
    assert first.valid and other.valid, (first.reason, other.reason)
    assert (first.kind, first.name) == (CardKind.FAMILY, "王喆")
    assert (other.kind, other.name) == (CardKind.MEMBER, "陈建国")
