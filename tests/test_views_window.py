"""The window's screens without a browser (views/window.py, window_report.py): a scanned code
shows its verdict in colour with the card's tickets at its price, confirm sells once, a refusal
says why in words, the scan field is fresh and empty after every scan, the day report adds up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import flet as ft

from app.chinatime import china_day
from app.day_report import DayReport
from app.models import CardKind
from app.verdict_text import Colour
from storage.memory import in_memory_device
from tests.kit import Kit, phone_text
from tests.views_support import all_text, click, find, has_key
from tests.window_support import Window
from views.services import Translator
from views.window import COLOURS, DeskScreen
from views.window_report import ReportScreen

PACKAGE = "offer-mudu-4"


def desk_screen(language: str = "zh") -> tuple[Window, DeskScreen, list[ft.Control]]:
    window = Window(Kit(), in_memory_device())
    drawn: list[ft.Control] = []
    return window, DeskScreen(window.desk, Translator(language), print,
                              redraw=drawn.append), drawn


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
    assert "确认收款 ¥39.78" in all_text(screen.view)
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


@dataclass
class Station:
    window: Window
    saved: list[tuple[str, str]] = field(default_factory=list)

    def report(self, day: int | None = None) -> DayReport | None:
        return DayReport.of(self.window.device.sales, china_day(self.window.clock.now),
                            self.window.desk.spot_id)

    def can_export(self) -> bool:
        return True

    def export(self, report: DayReport) -> str:
        self.saved.append((report.spot_id, report.to_csv()))
        return "/data/exports/日报.csv"


def test_the_day_report_counts_and_adds_up_and_exports() -> None:
    window, screen, _ = desk_screen()
    for serial, kind in ((100_001, CardKind.MEMBER), (100_002, CardKind.FAMILY)):
        scan(screen, member_text(window, serial, kind))
        click(find(screen.view, PACKAGE))
        asyncio.run(screen.sell())
    station = Station(window)
    report = ReportScreen(station, Translator("zh"), redraw=print)
    shown = all_text(report.view)
    assert "1 / 1" in shown and "¥156.00" in shown and "¥94.38" in shown and "¥61.62" in shown
    click(find(report.view, "report-export"))
    assert "已保存：/data/exports/日报.csv" in all_text(report.view)
    assert "39.78" in station.saved[0][1] and "54.60" in station.saved[0][1]
