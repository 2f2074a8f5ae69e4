"""End to end in Chromium (issue 5): the window's camera mode reads a member's phone card.

In the test process a window device for 严家花园 is laid down in a data folder, as enrollment and
a sync would leave it: the kit's root pinned, its signed trust and status lists (issued a minute
ago), the demo catalogue, the settings of an enrolled window (role, spot, token; its district is a
port nobody listens on, so the window works offline). A member card signed by the kit's town
issuer, held by a phone key, with a presentation signed now, is rendered by the app's own QR code
(`app.qrimage`) into a .y4m video (640×480, I420). Chromium's fake camera plays that video
(`--use-fake-device-for-media-stream --use-file-for-fake-video-capture`). The window app opens
on /window; 相机扫码 opens flet-camera's preview; the picture it takes every second is decoded on
the Python side and the desk shows green 会员 5.1折 for 陈建国 with the 木渎 package's price.
After a reload the camera is off (it and its picture loop went with the old page) and, switched
on again, reads again.

Screenshot: artifacts/screenshots/window-camera-zh.png.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PIL import Image
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright

from app.keys import KeyPair
from app.qrimage import render_png
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _local_only,
    free_port,
    running_app,
    screenshot,
    y4m,
)
from tests.desk_support import enrolled_window
from tests.fakes import DAY, YEAR
from tests.kit import Kit, phone_text

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the font
READ = 30_000  # ms: the camera starts, and a picture is taken and decoded every second
DESK: ViewportSize = {"width": 800, "height": 1000}
GREEN = (0x1B, 0x5E, 0x20)  # theme.MEMBER_GREEN


@dataclass
class Desk:
    page: Page
    card_text: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder = tmp_path_factory.mktemp("camera")
    now = time.time()
    kit = Kit(lists_issued_at=int(now) - 60)
    phone = KeyPair.generate()
    card = kit.card(kit.claims(holder=phone, iat=int(now) - DAY, exp=int(now) + YEAR))
    text = phone_text(card, phone, now)
    enrolled_window(folder / "window", kit, now)
    video = folder / "card.y4m"
    y4m(render_png(text), video)
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
    with (sync_playwright() as p,
          running_app(folder / "window", free_port(), demo=False) as url):
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            context = browser.new_context(viewport=DESK, permissions=["camera"])
            page = context.new_page()
            page.route("**/*", _local_only)
            page.goto(f"{url}/window")
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
            page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
            yield Desk(page, text)
        finally:
            browser.close()


def green_share(png: bytes) -> float:
    """The share of the screenshot in the member green (the verdict panel's colour)."""
    image = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 250))
    red, green, blue = (list(band.tobytes()) for band in image.split())
    near = sum(1 for px in zip(red, green, blue, strict=True)
               if all(abs(a - b) <= 12 for a, b in zip(px, GREEN, strict=True)))
    pixels = red
    return near / len(pixels)


def test_the_desk_opens_in_scan_mode_with_a_camera_switch(desk: Desk) -> None:
    page = desk.page
    page.get_by_role("button", name="相机扫码").wait_for(timeout=LOAD)
    expect(page.get_by_text("会员 5.1折", exact=True)).to_have_count(0)
    assert green_share(screenshot(page, "window-camera-off-zh")) < 0.02


def test_the_camera_reads_the_card_and_the_verdict_is_green(desk: Desk) -> None:
    page = desk.page
    page.get_by_role("button", name="相机扫码").click()
    page.get_by_role("button", name="关闭相机").wait_for(timeout=LOAD)
    page.get_by_text("会员 5.1折", exact=True).wait_for(timeout=READ)
    expect(page.get_by_text("陈建国", exact=True)).to_be_visible()
    expect(page.get_by_text("已识别", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="木渎古镇四景联票 ¥78.00 → ¥39.78")).to_be_visible()
    assert green_share(screenshot(page, "window-camera-zh")) > 0.05
    # A reload: the camera and its picture loop went with the old page; switched on again,
    # it reads again.
    page.reload()
    page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
    page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
    page.get_by_role("button", name="相机扫码").click(timeout=LOAD)
    expect(page.get_by_role("button", name="关闭相机")).to_be_visible(timeout=LOAD)
    page.get_by_text("已识别", exact=True).wait_for(timeout=READ)
