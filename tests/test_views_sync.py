"""The sync panel in settings (views/sync.py): the status line, and 立即同步 run off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import flet as ft

from app.activation import DistrictRefused, DistrictUnreachable
from app.sync import SyncReport, SyncStatus
from tests.test_sync_text import AT_1405
from tests.test_views_shell import make_shell
from tests.views_support import all_text, find, has_key
from views.services import Translator
from views.sync import SyncPanel

T = TypeVar("T")


@dataclass
class FakeSync:
    waiting: int = 3
    online: bool | None = True
    outcome: Exception | None = None
    calls: list[str] = field(default_factory=list)

    def status(self) -> SyncStatus:
        return SyncStatus(self.waiting, 0, AT_1405, None, self.online)

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
    assert not has_key(shell.screen("/settings").views[-1], "sync-status")
    shell.services = replace(shell.services, sync=FakeSync())
    status = find(shell.screen("/settings").views[-1], "sync-status")
    assert isinstance(status, ft.Text) and status.value is not None
    assert status.value.startswith("3 条待发送")
