"""The sync panel: "3 条待发送 · 上次同步 14:05" and 立即同步. The sync runs off the UI loop."""

from __future__ import annotations

import time
from collections.abc import Callable

import flet as ft

from app.activation import DistrictError, DistrictUnreachable
from app.sync import SyncReport, TokenExpired
from app.sync_text import status_line
from views import theme
from views.activate import Redraw, RunBlocking, error_text, in_thread, redraw_control
from views.services import SyncService, Translator
from views.widgets import panel


class SyncPanel:
    def __init__(self, service: SyncService, tr: Translator, *,
                 clock: Callable[[], float] = time.time, redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[SyncReport] = in_thread) -> None:
        self._service, self._tr, self._clock = service, tr, clock
        self._redraw, self._run = redraw, run_blocking
        self.line = ft.Text("", key="sync-status", size=theme.BODY)
        self.error = error_text("sync-error")
        self.busy = ft.ProgressRing(key="sync-busy", visible=False, width=20, height=20)
        self.button = ft.OutlinedButton(tr("sync.now"), key="sync-now", icon=ft.Icons.SYNC,
                                        height=theme.TOUCH, on_click=self.sync_now)
        self.view = panel(ft.Column(spacing=8, controls=[
            self.line, self.error, ft.Row(spacing=12, controls=[self.button, self.busy])]))
        self.render()

    def render(self) -> None:
        self.line.value = status_line(self._service.status(), self._tr.language, self._clock())

    async def sync_now(self) -> None:
        self.busy.visible, self.button.disabled, self.error.visible = True, True, False
        self._redraw(self.view)
        report = await self._run(self._service.sync)
        self.busy.visible, self.button.disabled = False, False
        problem = report.error
        if isinstance(problem, DistrictError) and not isinstance(
                problem, DistrictUnreachable | TokenExpired):  # the line says those calmly
            self.error.value, self.error.visible = problem.message(self._tr.language), True
        self.render()
        self._redraw(self.view)
