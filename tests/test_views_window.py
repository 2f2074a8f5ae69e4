"""The window's screens without a browser (views/window.py, window_report.py): a scanned code
shows its verdict in colour with the card's tickets at its price and sounds its tone, confirm
names the ticket and sells once, a refusal says why in words, the scan field is fresh and empty
after every scan, the shift's count is in view, the day report adds up and hands its CSV over."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import flet as ft

from app.chinatime import china_day
from app.day_report import CsvFile, DayReport
from app.models import CardKind
from app.verdict_text import Colour
from storage.memory import in_memory_device
from tests.kit import Kit, phone_text
from tests.views_support import all_text, click, find, has_key
from tests.window_support import Window
from views.file_offer import Handed
from views.services import Translator
from views.sounds import Speaker, Tone
from views.window import COLOURS, DeskScreen
from views.window_report import ReportScreen

PACKAGE = "offer-mudu-4"


class Heard(Speaker):
    """The tones the screen played, in order (no page, no sound)."""

    def __init__(self) -> None:
        super().__init__()
        self.tones: list[Tone] = []

    def play(self, tone: Tone) -> None:
        self.tones.append(tone)


def desk_screen(language: str = "zh", speaker: Speaker | None = None
                ) -> tuple[Window, DeskScreen, list[ft.Control]]:
    window = Window(Kit(), in_memory_device())
    drawn: list[ft.Control] = []
    return window, DeskScreen(window.desk, Translator(language), print,
                              redraw=drawn.append, speaker=speaker), drawn


def scan(screen: DeskScreen, text: str) -> None:
    """What a scanner gun does: the code's text, then Enter."""
    screen.scan.value = text
    asyncio.run(screen.scanned())


def member_text(window: Window, serial: int = 100_001,
                kind: CardKind = CardKind.MEMBER) -> str:
    card, phone = window.phone_card(serial, kind)
    return phone_text(card, phone, window.clock.now)


def test_a_member_card_turns_the_screen_green_with_the_package_at_39_78() -> None:
    window, screen, drawn = desk_screen()
    first_field = screen.scan
    scan(screen, member_text(window))
    assert screen.verdict.visible and screen.verdict.bgcolor == COLOURS[Colour.GREEN]
    shown = all_text(screen.verdict)
    assert "会员 5.1折" in shown
    assert "木渎古镇四景联票\n¥78.00 → ¥39.78" in shown
    assert screen.scan is not first_field and screen.scan.value in (None, "")
    assert has_key(screen.view, "window-scan") and drawn


def test_a_family_card_is_blue_at_the_family_price() -> None:
    window, screen, _ = desk_screen()
    scan(screen, member_text(window, 100_002, CardKind.FAMILY))
    assert screen.verdict.bgcolor == "#0D47A1"
    assert "木渎古镇四景联票\n¥78.00 → ¥54.60" in all_text(screen.verdict)


def test_choose_confirm_sell_then_the_same_card_is_refused_today() -> None:
    window, screen, _ = desk_screen()
    text = member_text(window)
    scan(screen, text)
    click(find(screen.view, PACKAGE))
    assert "确认收款 ¥39.78 · 木渎古镇四景联票" in all_text(screen.view)
    asyncio.run(screen.sell())
    assert "已售出 木渎古镇四景联票 · 收款 ¥39.78" in all_text(screen.view)
    [sale] = window.device.sales.all()
    assert (sale.paid_fen, sale.list_fen, sale.kind) == (3978, 7800, CardKind.MEMBER)
    assert [c.entity for c in window.device.outbox.pending()] == ["sale"]
    scan(screen, member_text(window))
    assert screen.verdict.bgcolor == "#B71C1C" and "今日已优惠" in all_text(screen.verdict)
    assert not has_key(screen.verdict, PACKAGE)


def test_a_screenshot_or_garbage_is_refused_in_words_in_either_language() -> None:
    window, screen, _ = desk_screen("en")
    scan(screen, "hello")
    assert "Not a union card" in all_text(screen.verdict)
    card, phone = window.phone_card()
    scan(screen, phone_text(card, phone, window.clock.now - 600))  # ten minutes old
    assert "Code out of date" in all_text(screen.verdict)


def test_it_goes_back_to_scanning_by_itself() -> None:
    _, screen, _ = desk_screen()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    screen._sleep = sleep
    scan(screen, "hello")
    asyncio.run(screen._return_after(6.0, screen._shown))
    assert not screen.verdict.visible and slept == [6.0]


def test_the_list_age_is_always_in_view() -> None:
    _, screen, _ = desk_screen()
    assert str(screen.ages.value).startswith("名单") and "前更新" in str(screen.ages.value)


def test_each_verdict_sounds_its_tone_and_the_shift_count_follows() -> None:
    heard = Heard()
    window, screen, _ = desk_screen(speaker=heard)
    assert "扫码 0 次 · 拒绝 0 · 售出 0 张" in all_text(screen.view)
    scan(screen, member_text(window))  # green
    click(find(screen.view, PACKAGE))
    asyncio.run(screen.sell())
    scan(screen, member_text(window, 100_002, CardKind.FAMILY))  # blue
    scan(screen, "hello")  # red
    scan(screen, member_text(window))  # red: 今日已优惠
    assert heard.tones == [Tone.PASSED, Tone.PASSED, Tone.REFUSED, Tone.REFUSED]
    assert "本班 19:06 起：扫码 4 次 · 拒绝 2 · 售出 1 张" in all_text(screen.view)


def test_the_english_confirmation_names_the_ticket_in_english() -> None:
    window, screen, _ = desk_screen("en")
    scan(screen, member_text(window))
    click(find(screen.view, PACKAGE))
    assert "Confirm ¥39.78 paid · Mudu 4-spot package" in all_text(screen.view)


@dataclass
class Station:
    window: Window

    def report(self, day: int | None = None) -> DayReport | None:
        return DayReport.of(self.window.device.sales, china_day(self.window.clock.now),
                            self.window.desk.spot_id)


@dataclass
class Screen:
    """The clerk's device: takes the file the report hands over."""

    handed: Handed
    files: list[CsvFile] = field(default_factory=list)

    async def __call__(self, file: CsvFile) -> Handed:
        self.files.append(file)
        return self.handed


def test_the_day_report_counts_and_adds_up_and_exports() -> None:
    window, screen, _ = desk_screen()
    for serial, kind in ((100_001, CardKind.MEMBER), (100_002, CardKind.FAMILY)):
        scan(screen, member_text(window, serial, kind))
        click(find(screen.view, PACKAGE))
        asyncio.run(screen.sell())
    device = Screen(Handed.DOWNLOADED)
    report = ReportScreen(Station(window), Translator("zh"), redraw=print, offer=device)
    shown = all_text(report.view)
    assert "1 / 1" in shown and "¥156.00" in shown and "¥94.38" in shown and "¥61.62" in shown
    asyncio.run(report.export())
    [csv_file] = device.files
    assert csv_file.name == f"日报-yanjia-{report_date(window)}.csv"
    text = csv_file.data.decode("utf-8-sig")
    assert "39.78" in text and "54.60" in text and text.startswith("日期 Date,")
    assert f"已下载 {csv_file.name}" in all_text(report.view)
    assert "/" not in all_text(find(report.view, "report-saved"))  # no path on a server's disk


def test_on_a_phone_the_report_says_it_was_shared_or_not_exported() -> None:
    window, _, _ = desk_screen()
    shared = ReportScreen(Station(window), Translator("zh"), redraw=print,
                          offer=Screen(Handed.SHARED))
    asyncio.run(shared.export())
    assert f"已分享 日报-yanjia-{report_date(window)}.csv" in all_text(shared.view)
    closed = ReportScreen(Station(window), Translator("en"), redraw=print,
                          offer=Screen(Handed.CANCELLED))
    asyncio.run(closed.export())
    assert "Not exported: cancelled" in all_text(closed.view)


def report_date(window: Window) -> str:
    report = Station(window).report()
    assert report is not None
    return report.date.isoformat()
