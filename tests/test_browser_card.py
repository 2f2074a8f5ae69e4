"""End to end in Chromium: the member shows the card, a window's verifier accepts its QR.

Starts `main.py --web --demo` on a free port, drives a phone-sized page, screenshots every
member screen into artifacts/screenshots/, decodes the QR from the pixels with zxing-cpp and
verifies it with the keys the demo put on the device (read once the app has stopped).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

import storage
from app.demo import demo_verifier
from app.models import CardKind
from tests.browser_support import free_port, launch, open_phone, read_qr, running_app, screenshot

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the 9 MB font


@dataclass
class Scanned:
    """QR texts read off the screen, with the time each was read."""

    codes: dict[str, tuple[str, float]] = field(default_factory=dict)

    def read(self, page: Page, name: str) -> None:
        self.codes[name] = (read_qr(page, name), time.time())


@dataclass
class Session:
    url: str
    page: Page
    scanned: Scanned
    stop: Callable[[], None]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("phone") / "data"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def session(data_dir: Path, browser: Browser) -> Iterator[Session]:
    with ExitStack() as app:
        url = app.enter_context(running_app(data_dir, free_port()))
        page = open_phone(browser, f"{url}/card")
        app.callback(page.close)
        yield Session(url, page, Scanned(), app.close)


def reload_at(s: Session, route: str) -> None:
    """Open a route by its address, as after a page reload."""
    s.page.goto(f"{s.url}{route}")
    s.page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    s.page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")


def tab(s: Session, name: str) -> None:
    """Move the way a member does: a tab of the bottom bar (no page reload)."""
    s.page.get_by_role("tab", name=name).click()


def test_the_member_card_shows_name_and_a_large_qr(session: Session) -> None:
    page = session.page
    qr = page.get_by_role("img", name="会员证二维码")
    qr.wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国")).to_be_visible()
    expect(page.get_by_text("吴中区总工会 会员证")).to_be_visible()
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 300
    session.scanned.read(page, "card-zh")


def test_the_countdown_ticks_while_the_card_is_shown(session: Session) -> None:
    countdown = session.page.get_by_text(re.compile(r"^\d+ 秒后刷新$"))
    before = countdown.text_content()
    expect(countdown).not_to_have_text(before or "", timeout=5_000)


def test_a_family_card_opens_from_the_list(session: Session) -> None:
    page = session.page
    tab(session, "家属")
    page.get_by_role("button", name="出示").first.wait_for(timeout=LOAD)
    screenshot(page, "family-zh")
    page.get_by_role("button", name="出示").first.click()
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    expect(page.get_by_text("吴中区总工会 家属优惠证")).to_be_visible()
    session.scanned.read(page, "family-card-zh")
    # Flutter's semantics node of the app bar's English button overlaps Back: tap it directly.
    page.get_by_role("button", name=re.compile("Back|返回")).evaluate("e => e.click()")
    page.get_by_role("tab", name="家属").wait_for(timeout=LOAD)


def test_spots_and_savings_render(session: Session) -> None:
    page = session.page
    tab(session, "景区")
    page.get_by_text("木渎古镇四景联票").wait_for(timeout=LOAD)
    expect(page.get_by_text("¥39.78")).to_be_visible()
    screenshot(page, "spots-zh")
    tab(session, "优惠")
    page.get_by_text("还没有优惠购票记录").wait_for(timeout=LOAD)
    screenshot(page, "savings-zh")
    reload_at(session, "/settings")  # the gear icon has no accessible name to click by
    page.get_by_text("使用身份").wait_for(timeout=LOAD)
    screenshot(page, "settings-zh")


def test_switching_to_english_and_back(session: Session) -> None:
    page = session.page
    reload_at(session, "/card")
    page.get_by_role("img", name="会员证二维码").wait_for(timeout=LOAD)
    page.get_by_role("button", name="English").click()
    page.get_by_text("Wuzhong Union Member Card").wait_for(timeout=LOAD)
    expect(page.get_by_text("吴中区总工会 会员证")).to_have_count(0)
    page.get_by_role("img", name="Member card QR code").wait_for(timeout=LOAD)
    session.scanned.read(page, "card-en")
    page.get_by_role("button", name="中文").click()
    page.get_by_text("吴中区总工会 会员证").wait_for(timeout=LOAD)
    expect(page.get_by_text("Wuzhong Union Member Card")).to_have_count(0)


def test_the_window_verifies_what_the_screen_showed(session: Session, data_dir: Path) -> None:
    """Runs last: stops the app (which holds the device store) and checks each QR read off the
    screen with the trust lists the demo pinned on that device, at the time it was read."""
    codes = session.scanned.codes
    assert set(codes) == {"card-zh", "family-card-zh", "card-en"}
    session.stop()
    with storage.open_device(data_dir) as device:
        verdicts = {
            name: demo_verifier(device.trust, lambda at=read_at: at)(text)
            for name, (text, read_at) in codes.items()
        }
    for name, verdict in verdicts.items():
        assert verdict.valid, f"{name}: {verdict.reason}"
    assert verdicts["card-zh"].kind is CardKind.MEMBER
    assert verdicts["card-zh"].name == "陈建国"
    assert verdicts["card-en"].kind is CardKind.MEMBER
    assert verdicts["family-card-zh"].kind is CardKind.FAMILY
