"""End to end in Chromium, offline: a cadre's phone (enrolled, this month's study meetings
pulled, no district running) checks in at today's meeting with the camera. The meeting room's
pass is made as the console makes it (`app.meeting_pass.issue_pass`, signed by the enrolling
district's root key, for this 30-second slot), drawn by the app's own QR code and played by
Chromium's fake camera (as tests/test_browser_camera.py does for the window). A pass of another
meeting is refused on the spot in words; the right one shows 已签到 at once, and the check-in
record says how and its state.

Screenshots (412×915): artifacts/screenshots/cadre-checkin-*.png.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

import storage
from app.qrimage import render_png
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    _local_only,
    free_port,
    running_app,
    screenshot,
    y4m,
)
from tests.cadre_phone_support import CADRE_CODE, CadreDistrict, cadre_phone
from tests.fakes import Clock
from tests.meeting_support import LATER_ID, TODAY_ID, pass_text, send_meetings

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: the first load compiles the renderer and fetches the font
READ = 30_000  # ms: the camera starts, and a picture is taken and decoded every second
AWAY = "http://127.0.0.1:9"  # the district's address: nothing answers there


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, CadreDistrict, Path]]:
    """The app on a data folder holding a cadre enrollment and the meetings, made by the app's
    own enrollment and sync against a fake district that is then gone."""
    folder = tmp_path_factory.mktemp("checkin")
    now = time.time()
    district = CadreDistrict(now=now)
    with storage.open_device(folder / "data") as device:
        station = cadre_phone(device, district, Clock(now))
        station.enroll(CADRE_CODE, AWAY)
        send_meetings(district, now)
        assert station.sync.sync().error is None
    with running_app(folder / "data", free_port(), demo=False) as url:
        yield url, district, folder


@contextmanager
def camera_on(url: str, video: Path) -> Iterator[Page]:
    """A phone-sized Chromium whose camera shows `video`, on the check-in screen."""
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            page = browser.new_context(viewport=PHONE, permissions=["camera"]).new_page()
            page.route("**/*", _local_only)
            page.goto(f"{url}/cadre/checkin")
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
            page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
            page.get_by_text("十一月学习例会").first.wait_for(timeout=LOAD)
            yield page
        finally:
            browser.close()


def showing(folder: Path, name: str, text: str) -> Path:
    """A video of the meeting room's screen showing the QR of `text`."""
    video = folder / f"{name}.y4m"
    y4m(render_png(text), video)
    return video


def test_another_meetings_pass_is_refused_in_words(
        phone: tuple[str, CadreDistrict, Path]) -> None:
    url, district, folder = phone
    video = showing(folder, "other", pass_text(district, LATER_ID, time.time()))
    with camera_on(url, video) as page:
        expect(page.get_by_text("未签到").first).to_be_visible()
        screenshot(page, "cadre-checkin-open-zh")
        page.get_by_role("button", name="扫码签到").click(timeout=LOAD)
        page.get_by_text("不能签到：这是另一次例会的签到码，不是这次的").wait_for(timeout=READ)
        expect(page.get_by_text("未签到").first).to_be_visible()
        screenshot(page, "cadre-checkin-refused-zh")


def test_the_rooms_pass_checks_the_cadre_in_at_once(
        phone: tuple[str, CadreDistrict, Path]) -> None:
    url, district, folder = phone
    video = showing(folder, "room", pass_text(district, TODAY_ID, time.time()))
    with camera_on(url, video) as page:
        page.get_by_role("button", name="扫码签到").click(timeout=LOAD)
        page.get_by_text("已签到（扫码已核验）").wait_for(timeout=READ)
        expect(page.get_by_text("签到成功 · 十一月学习例会")).to_be_visible()
        expect(page.get_by_role("button", name="扫码签到")).to_have_count(0)
        screenshot(page, "cadre-checkin-done-zh")
        page.get_by_role("button", name="查看签到记录").click(timeout=LOAD)
        page.get_by_text("签到方式").wait_for(timeout=LOAD)
        expect(page.get_by_text("扫码签到", exact=True)).to_be_visible()
        expect(page.get_by_text("已签到（扫码已核验）")).to_be_visible()
        screenshot(page, "cadre-checkin-record-zh")
