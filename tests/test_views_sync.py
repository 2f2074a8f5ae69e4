"""Sync on screen (views/sync.py): the panel's status line, 立即同步 run off the loop, the parked
changes with the district's reason and 移除, and the strip on every tab that redraws live."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import flet as ft

from app.district_errors import DistrictRefused, DistrictUnreachable
from app.models import Change, ParkedChange
from app.sync import SyncEvent, SyncReport, SyncStatus
from tests.fakes import AT_1405, CODE, MEMBER_NO
from tests.views_support import all_text, click, demo_member, find, has_key, make_shell
from views.services import Translator
from views.sync import SyncPanel

T = TypeVar("T")


LIMIT = ParkedChange(
    Change("c-9", 9, "family_request", "r-9", "upsert", None, 1,
           {"name": "戊", "relation": "其他", "id_last4": "0005"}, 0),
    "family_limit", "每位会员最多 4 位家属", "at most 4 family members per member")


@dataclass
class FakeSync:
    waiting: int = 3
    online: bool | None = True
    outcome: Exception | None = None
    calls: list[str] = field(default_factory=list)
    held: list[ParkedChange] = field(default_factory=list)
    listeners: list[Callable[[SyncEvent], None]] = field(default_factory=list)

    def status(self) -> SyncStatus:
        return SyncStatus(self.waiting, len(self.held), AT_1405, None, self.online)

    def parked(self) -> list[ParkedChange]:
        return list(self.held)

    def dismiss(self, change_id: str) -> None:
        self.held = [p for p in self.held if p.change.change_id != change_id]

    def subscribe(self, listener: Callable[[SyncEvent], None]) -> Callable[[], None]:
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener)

    def sync(self) -> SyncReport:
        self.calls.append("sync")
        if self.outcome is None:
            self.waiting = 0
        else:
            self.online = not isinstance(self.outcome, DistrictUnreachable)
        return SyncReport(error=self.outcome)


async def run_here(call: Callable[[], T]) -> T:
    return call()


def panel(service: FakeSync, language: str = "zh") -> tuple[SyncPanel, list[bool]]:
    busy_when_redrawn: list[bool] = []
    made = SyncPanel(service, Translator(language), clock=lambda: AT_1405 + 60,
                     redraw=lambda _: busy_when_redrawn.append(bool(made.busy.visible)),
                     run_blocking=run_here)
    return made, busy_when_redrawn


def test_the_panel_shows_what_waits_and_when_it_last_synced() -> None:
    made, _ = panel(FakeSync())
    assert made.line.value == "3 条待发送 · 上次同步 14:05"
    assert "Sync now" in all_text(panel(FakeSync(), "en")[0].view)


def test_sync_now_runs_the_sync_shows_progress_then_the_new_line() -> None:
    service = FakeSync()
    made, redrawn = panel(service)
    asyncio.run(made.sync_now())
    assert service.calls == ["sync"] and redrawn == [True, False]
    assert made.line.value == "全部已发送 · 上次同步 14:05"
    assert not made.error.visible and not made.button.disabled


def test_offline_is_said_in_the_line_and_a_refusal_in_the_servers_words() -> None:
    offline = FakeSync(outcome=DistrictUnreachable("down"))
    made, _ = panel(offline)
    asyncio.run(made.sync_now())
    assert str(made.line.value).endswith("暂时连不上服务器，会自动重试") and not made.error.visible
    refused = FakeSync(outcome=DistrictRefused("服务器的回答无法识别", "unreadable"))
    made, _ = panel(refused)
    asyncio.run(made.sync_now())
    assert made.error.visible and made.error.value == "服务器的回答无法识别"


def test_settings_shows_the_panel_only_when_the_app_syncs() -> None:
    shell, _, _ = make_shell()
    shell.services = replace(shell.services, sync=None)
    assert not has_key(shell.screen("/settings").views[-1], "sync-status")
    shell.services = replace(shell.services, sync=FakeSync())
    status = find(shell.screen("/settings").views[-1], "sync-status")
    assert isinstance(status, ft.Text) and status.value is not None
    assert status.value.startswith("3 条待发送")


def test_a_parked_change_shows_the_districts_reason_and_can_be_removed() -> None:
    service = FakeSync(held=[LIMIT])
    made, redrawn = panel(service)
    assert "1 条需处理" in str(made.line.value)
    shown = all_text(made.view)
    assert "家属卡申请：戊" in shown and "每位会员最多 4 位家属" in shown
    english, _ = panel(service, "en")
    assert "at most 4 family members per member" in all_text(english.view)
    click(find(made.view, "dismiss-c-9"))
    assert service.held == [] and not has_key(made.view, "parked-c-9") and redrawn
    assert "需处理" not in str(made.line.value)


def test_every_tab_of_an_activated_phone_shows_the_strip_which_opens_the_sync_page() -> None:
    member = demo_member(with_cards=False)
    shell, went, _ = make_shell(member)
    assert not has_key(shell.screen("/card").views, "sync-strip")  # nothing syncs yet
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    for route in ("/card", "/family", "/spots", "/savings"):
        strip = find(shell.screen(route).views, "sync-strip")
        assert "尚未同步" in all_text(strip)
    click(strip)
    assert went == ["/sync"]
    assert has_key(shell.screen("/sync").views[-1], "sync-now")


def test_a_save_or_a_sync_redraws_the_strip_in_place() -> None:
    member = demo_member(with_cards=False)
    member.services.activation.activate(MEMBER_NO, CODE, "http://127.0.0.1:8600")
    shell, _, _ = make_shell(member)
    screen = shell.screen("/family")

    def line() -> str:
        shown = find(screen.views, "sync-strip-line")
        assert isinstance(shown, ft.Text)
        return str(shown.value)

    member.services.family.request("王芳", "配偶", "5208")
    for redraw in screen.live:
        redraw()
    assert line().startswith("1 条待发送")
    assert member.services.sync is not None
    member.services.sync.sync()
    for redraw in screen.live:
        redraw()
    assert line().startswith("全部已发送 · 上次同步")
    assert "已批准" in all_text(screen.views)
