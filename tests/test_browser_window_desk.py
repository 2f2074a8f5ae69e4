"""End to end in Chromium (issue 11.6): the window desk as a clerk at a Chinese PC has it.

A window device for 严家花园 is laid down in a data folder as enrollment and a sync leave it (the
kit's signed lists, the demo catalogue; its district is a port nobody listens on: offline). Each
test scans member cards of its own, signed by the kit's town issuer and held by a phone key:

- the scanner gun's text as a Chinese input method delivers it (`UP1：…％…`, full-width letters,
  digits and spaces, 。 for .) is a green 会员 5.1折, not 不是工会会员证;
- each verdict sounds: the page's audio element plays the app's WAV, a high double beep for a
  pass and a low buzz for a refusal (the bytes played are fetched back and measured);
- the desk counts the shift's scans, refusals and sales;
- 确认收款 names the ticket; the day report's 导出对账表 downloads the CSV in the browser, with
  one header row and the sale in it;
- (issue 11.8) a card holder named with 𠮷 (Extension B) or 䶮 (Extension A) shows those glyphs,
  not the box a character no font has (Tangut) is drawn as.

Screenshots: artifacts/screenshots/window-ime-zh.png, window-confirm-zh.png,
window-shift-zh.png, window-export-zh.png, window-rare-name-zh.png.
"""

from __future__ import annotations

import base64
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.keys import KeyPair
from tests.browser_support import (
    PHONE,
    _local_only,
    free_port,
    launch,
    running_app,
    screenshot,
    type_into,
)
from tests.desk_support import enrolled_window
from tests.fakes import DAY, YEAR
from tests.kit import Kit, phone_text
from tests.sound_support import pitch_and_bursts

pytestmark = pytest.mark.browser
LOAD = 30_000  # ms: first load compiles the renderer and fetches the font
PACKAGE = "木渎古镇四景联票"
OFFER = re.compile(rf"^{PACKAGE}\s+¥78\.00 → ¥39\.78$")
SHIFT = re.compile(r"^本班 \d\d:\d\d 起：扫码 (\d+) 次 · 拒绝 (\d+) · 售出 (\d+) 张$")
# Every HTMLMediaElement.play() the page makes, with its source and how the browser answered.
RECORD_PLAYS = """
window.__plays = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const entry = {src: this.currentSrc || this.src, result: "pending"};
  window.__plays.push(entry);
  const answer = play.apply(this, arguments);
  if (answer && answer.then) {
    answer.then(() => { entry.result = "played"; }, (e) => { entry.result = String(e); });
  }
  return answer;
};
"""


@dataclass
class Desk:
    url: str
    browser: Browser
    kit: Kit
    serials: Iterator[int] = field(default_factory=lambda: iter(range(100_100, 199_999)))

    def card_text(self, name: str = "陈建国") -> str:
        """A fresh member card's QR text as its phone shows it now (a serial of its own, so no
        other test's sale makes it 今日已优惠)."""
        now = time.time()
        phone = KeyPair.generate()
        card = self.kit.card(self.kit.claims(next(self.serials), holder=phone, name=name,
                                             iat=int(now) - DAY, exp=int(now) + YEAR))
        return phone_text(card, phone, now)

    def open(self) -> Page:
        page = self.browser.new_page(viewport=PHONE, accept_downloads=True)
        page.add_init_script(RECORD_PLAYS)
        page.route("**/*", _local_only)
        page.goto(f"{self.url}/window")
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=LOAD)
        page.eval_on_selector("flt-semantics-placeholder", "e => e.click()")
        page.get_by_role("textbox", name="扫码").wait_for(timeout=LOAD)
        return page


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder = tmp_path_factory.mktemp("desk")
    kit = Kit(lists_issued_at=int(time.time()) - 60)
    enrolled_window(folder / "window", kit, time.time())
    with (sync_playwright() as p,
          running_app(folder / "window", free_port(), demo=False) as url):
        browser = launch(p)
        try:
            yield Desk(url, browser, kit)
        finally:
            browser.close()


@pytest.fixture
def page(desk: Desk) -> Iterator[Page]:
    opened = desk.open()
    yield opened
    opened.close()


def scan(page: Page, text: str) -> None:
    """A scanner gun: the code typed fast into the scan field, then Enter."""
    type_into(page, "扫码", text, delay=2)
    page.keyboard.press("Enter")


def through_ime(text: str) -> str:
    """What a Chinese input method makes of the gun's keys: full-width forms, 。 for ."""
    text = text.replace(".", "。")
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in text)


def shift(page: Page) -> tuple[int, int, int]:
    line = page.get_by_text(SHIFT)
    line.wait_for(timeout=LOAD)
    found = SHIFT.match(line.inner_text())
    assert found is not None
    return int(found[1]), int(found[2]), int(found[3])


def test_a_scan_through_a_chinese_input_method_reads_as_the_card(desk: Desk,
                                                                 page: Page) -> None:
    typed = through_ime(desk.card_text())
    assert typed.startswith("ＵＰ１：") and not any(c in typed for c in ":%. ")
    scan(page, typed)
    page.get_by_text("会员 5.1折", exact=True).wait_for(timeout=LOAD)
    expect(page.get_by_text("陈建国", exact=True)).to_be_visible()
    expect(page.get_by_text("不是工会会员证", exact=True)).to_have_count(0)
    screenshot(page, "window-ime-zh")


def played(page: Page, count: int) -> list[dict[str, str]]:
    page.wait_for_function(f"window.__plays.length >= {count}", timeout=LOAD)
    plays: list[dict[str, str]] = page.evaluate("window.__plays")
    return plays


def heard(page: Page, src: str) -> tuple[float, int, float]:
    """The WAV the page played, fetched back from its source and measured."""
    encoded: str = page.evaluate("""async (src) => {
        const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
        let text = ""; for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text); }""", src)
    return pitch_and_bursts(base64.b64decode(encoded))


def test_each_verdict_sounds_a_pass_high_and_a_refusal_low(desk: Desk, page: Page) -> None:
    scan(page, desk.card_text())
    page.get_by_text("会员 5.1折", exact=True).wait_for(timeout=LOAD)
    [passed] = played(page, 1)
    scan(page, "HELLO")
    page.get_by_text("不是工会会员证", exact=True).wait_for(timeout=LOAD)
    first, refused = played(page, 2)
    assert first == passed and refused["src"] != passed["src"]
    page.wait_for_function("window.__plays.every(p => p.result !== 'pending')", timeout=LOAD)
    assert [p["result"] for p in played(page, 2)] == ["played", "played"]
    high, low = heard(page, passed["src"]), heard(page, refused["src"])
    assert high[0] > 1500 and high[1] == 2  # Hz, two beeps
    assert low[0] < 300 and low[1] == 1 and low[2] > high[2]  # a longer, low buzz


def test_the_desk_counts_the_shifts_scans_refusals_and_sales(desk: Desk, page: Page) -> None:
    scans, refused, sold = shift(page)
    scan(page, "HELLO")
    page.get_by_text("不是工会会员证", exact=True).wait_for(timeout=LOAD)
    expect(page.get_by_text(SHIFT)).to_have_text(re.compile(
        rf"扫码 {scans + 1} 次 · 拒绝 {refused + 1} · 售出 {sold} 张$"))
    scan(page, desk.card_text())
    page.get_by_role("button", name=OFFER).click(timeout=LOAD)
    page.get_by_role("button", name=re.compile(r"确认收款")).click(timeout=LOAD)
    page.get_by_text(f"已售出 {PACKAGE} · 收款 ¥39.78", exact=True).wait_for(timeout=LOAD)
    expect(page.get_by_text(SHIFT)).to_have_text(re.compile(
        rf"扫码 {scans + 2} 次 · 拒绝 {refused + 1} · 售出 {sold + 1} 张$"))
    screenshot(page, "window-shift-zh")


def name_as_drawn(desk: Desk, name: str, shot: str = "window-name") -> Image.Image:
    """The verdict's name line on screen, for a member card made out to `name`: each card on a
    desk just opened (its first scan), as the first card of a clerk's day."""
    page = desk.open()
    try:
        scan(page, desk.card_text(name))
        shown = page.get_by_text(name, exact=True)
        shown.wait_for(timeout=LOAD)
        box = shown.bounding_box()
        assert box is not None
        png = screenshot(page, shot)
        crop = (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
        return Image.open(io.BytesIO(png)).convert("L").crop(crop)
    finally:
        page.close()


def ink(line: Image.Image) -> Image.Image:
    """The white strokes on the verdict's colour, cropped to where they are: the glyphs as
    drawn, whatever the line's height or where its baseline sits."""
    strokes = line.point(lambda v: 255 if v > 160 else 0)
    return strokes.crop(strokes.getbbox())


def same(a: Image.Image, b: Image.Image) -> bool:
    drawn_a, drawn_b = ink(a), ink(b)
    return (drawn_a.size == drawn_b.size
            and ImageChops.difference(drawn_a, drawn_b).getbbox() is None)


def test_names_with_rare_characters_show_their_glyphs_not_boxes(desk: Desk) -> None:
    """Two characters no font has (Tangut) are drawn alike: the box. 𠮷 and 䶮 must differ from
    that box and from each other (with the old GBK font both were the box)."""
    box, box_again = (name_as_drawn(desk, c) for c in ("\U00017000", "\U00017001"))
    assert same(box, box_again)
    ji, yan = name_as_drawn(desk, "𠮷"), name_as_drawn(desk, "䶮")
    assert not same(ji, box) and not same(yan, box) and not same(ji, yan)
    name_as_drawn(desk, "吉𠮷䶮", "window-rare-name-zh")


def test_confirm_names_the_ticket_and_the_day_report_downloads_its_csv(
        desk: Desk, page: Page, tmp_path: Path) -> None:
    scan(page, desk.card_text())
    page.get_by_role("button", name=OFFER).click(timeout=LOAD)
    confirm = page.get_by_role("button", name=f"确认收款 ¥39.78 · {PACKAGE}", exact=True)
    confirm.wait_for(timeout=LOAD)
    screenshot(page, "window-confirm-zh")
    confirm.click()
    page.get_by_text(f"已售出 {PACKAGE} · 收款 ¥39.78", exact=True).wait_for(timeout=LOAD)
    report = page.get_by_role("button", name="当日报表", exact=True).bounding_box()
    assert report is not None  # tapped where a finger taps it, as 返回 (see test_browser_card)
    page.mouse.click(report["x"] + report["width"] / 2, report["y"] + report["height"] / 2)
    export = page.get_by_role("button", name="导出对账表 (CSV)")
    export.wait_for(timeout=LOAD)
    with page.expect_download(timeout=LOAD) as download:
        export.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(r"日报-yanjia-\d{4}-\d\d-\d\d\.csv", saved.name)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens the Chinese right
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("日期 Date,时间 Time,序号 Seq,卡号 Serial,")
    assert any(f",{PACKAGE},78.00,39.78,38.22," in line for line in lines[1:-1])
    assert lines[-1].split(",")[1] == "合计 Total"
    page.get_by_text(f"已下载 {saved.name}", exact=True).wait_for(
        timeout=LOAD)
    screenshot(page, "window-export-zh")
