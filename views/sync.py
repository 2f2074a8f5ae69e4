"""Sync on screen (SPEC §6): the strip at the top of every tab ("3 条待发送 · 上次同步 14:05"),
and the sync page — the same line, 立即同步, and the changes the district would not take
("需要处理"), each with its reason and a 移除 button. The sync itself runs off the UI loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import flet as ft

from app.cadre_wire import RECORD
from app.district_errors import DistrictError, DistrictUnreachable
from app.duties import Duty
from app.models import ParkedChange
from app.sync import SyncReport, SyncStatus, TokenExpired
from app.sync_text import status_line
from views import theme
from views.cadre_text import DUTY_KEYS
from views.plumbing import Redraw, RunBlocking, in_thread, redraw_control
from views.services import Navigate, SyncService, Translator
from views.widgets import error_text, heading, hint, panel

SYNC_ROUTE = "/sync"


def _strip_icon(status: SyncStatus) -> tuple[ft.IconData, str]:
    if status.parked or status.signed_out:
        return ft.Icons.ERROR_OUTLINE, ft.Colors.RED_900
    if status.online is False:
        return ft.Icons.CLOUD_OFF, theme.MUTED
    if status.waiting:
        return ft.Icons.CLOUD_UPLOAD, theme.MUTED
    return ft.Icons.CLOUD_DONE, theme.MEMBER_GREEN


class SyncStrip:
    """One quiet line above a tab's content; tapping it opens the sync page."""

    def __init__(self, service: SyncService, tr: Translator, navigate: Navigate, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._service, self._tr, self._clock = service, tr, clock
        self.icon = ft.Icon(ft.Icons.CLOUD_DONE, size=tr.look.small + 5)
        self.line = ft.Text("")
        self.row = ft.Row(spacing=8)
        self.view = ft.Container(
            key="sync-strip",  # in elder mode a 60-pixel target, as every tappable row
            padding=ft.Padding.symmetric(horizontal=4, vertical=18 if tr.look.elder else 6),
            on_click=lambda: navigate(SYNC_ROUTE), tooltip=tr("sync.open"), content=self.row)
        self.render()

    def render(self) -> None:
        """A new Text for every new line: the browser renderer, asked to change a Chinese line
        in place, was seen drawing two characters over each other (上次同步 as 上阕步)."""
        status = self._service.status()
        self.line = ft.Text(status_line(status, self._tr.language, self._clock()),
                            key="sync-strip-line", size=self._tr.look.small, color=theme.MUTED,
                            expand=True)
        self.icon.icon, self.icon.color = _strip_icon(status)
        self.row.controls = [self.icon, self.line,
                             ft.Icon(ft.Icons.CHEVRON_RIGHT, size=18, color=theme.MUTED)]


def _item_title(parked: ParkedChange, tr: Translator) -> str:
    change = parked.change
    if change.entity == "family_request":
        return tr("sync.item_family", name=str(change.fields.get("name", "")))
    if change.entity == RECORD and change.fields.get("duty") in DUTY_KEYS:
        return tr("sync.item_cadre", duty=tr(DUTY_KEYS[Duty(change.fields["duty"])]))
    return tr("sync.item_other", entity=change.entity)


class SyncPanel:
    def __init__(self, service: SyncService, tr: Translator, *,
                 clock: Callable[[], float] = time.time, redraw: Redraw = redraw_control,
                 run_blocking: RunBlocking[SyncReport] = in_thread) -> None:
        self._service, self._tr, self._clock = service, tr, clock
        self._redraw, self._run = redraw, run_blocking
        self.line = ft.Text("", key="sync-status", size=tr.look.body)
        self.error = error_text("sync-error", look=tr.look)
        self.busy = ft.ProgressRing(key="sync-busy", visible=False, width=20, height=20)
        self.button = ft.OutlinedButton(tr("sync.now"), key="sync-now", icon=ft.Icons.SYNC,
                                        height=tr.look.touch, on_click=self.sync_now)
        self.attention = ft.Column(key="sync-attention", spacing=8)
        self.view = ft.Column(spacing=12, controls=[
            panel(ft.Column(spacing=8, controls=[
                self.line, self.error, ft.Row(spacing=12, controls=[self.button, self.busy])])),
            self.attention])
        self.render()

    def render(self) -> None:
        self.line.value = status_line(self._service.status(), self._tr.language, self._clock())
        parked = self._service.parked()
        self.attention.controls = [
            heading(self._tr("sync.attention"), look=self._tr.look),
            hint(self._tr("sync.attention_hint"), look=self._tr.look),
            panel(ft.Column(spacing=0, controls=[self._row(p) for p in parked]), padding=4),
        ] if parked else []

    def _row(self, parked: ParkedChange) -> ft.ListTile:
        reason = parked.message if self._tr.language == "zh" else parked.message_en
        change_id, look = parked.change.change_id, self._tr.look
        return ft.ListTile(
            key=f"parked-{change_id}", min_height=look.touch,
            leading=ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.RED_900),
            title=ft.Text(_item_title(parked, self._tr), size=look.body,
                          weight=ft.FontWeight.BOLD),
            subtitle=ft.Text(reason or parked.reason, size=look.small, color=theme.INK),
            trailing=ft.TextButton(self._tr("sync.dismiss"), key=f"dismiss-{change_id}",
                                   height=look.touch,
                                   on_click=lambda: self.dismiss(change_id)))

    def dismiss(self, change_id: str) -> None:
        self._service.dismiss(change_id)
        self.render()
        self._redraw(self.view)

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
